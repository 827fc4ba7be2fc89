"""Which market entity each accepted row is about: source key, valid USCC, then Splink, then address.

Order of evidence, strongest first: a reference to another row of the same agency (the persons file
names the register's entity id), a valid unified social credit code, the organisation code inside an
old 15-digit tax number, then probabilistic matching (``regulator.linkage.match_records``) on name,
address, legal representative and phone. A row that names no entity (an address-only complaint) is
linked to the one entity registered or seen at that address, if there is exactly one.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pandas as pd
from sqlalchemy import select

from models import (
    Address,
    EntityAddress,
    EntityName,
    EntityPhone,
    EntityRole,
    LinkMethod,
    MarketEntity,
    Person,
    PersonRole,
    Phone,
)

from ..extensions import db
from ..identifiers import org_code_check_char
from ..text import normalise_address, parse_address

if TYPE_CHECKING:
    from ..linkage.entity_rows import EntityRows

log = logging.getLogger(__name__)


@lru_cache(maxsize=1 << 20)
def _site(address: str) -> str:
    """Premises of an address (cached: the index parses every known address on each import)."""
    return parse_address(address).site


@lru_cache(maxsize=1 << 20)
def _norm(address: str) -> str:
    return normalise_address(address)


def _entity_rows() -> EntityRows:
    from ..linkage.entity_rows import EntityRows  # Splink is imported when an import first needs it

    return EntityRows()


@dataclass
class Resolution:
    """The outcome for one row."""

    entity_id: int | None = None
    method: LinkMethod | None = None
    probability: float | None = None
    #: a suggested entity between the thresholds (a MatchReview is written for it)
    candidate_id: int | None = None
    match_weights: dict[str, Any] | None = None
    #: the row should create an entity (group key shared by rows that are one new entity)
    new_group: str | None = None


#: an import that changed the identity of more entities than this (and than three quarters of all) is followed by
#: one full read of the index (``EntityIndex.refresh``) rather than a partial read per 500 entities
FULL_READ_ENTITIES = 2_000
#: name, address and coordinates of an entity whose main row this read did not include
_NO_MAIN: tuple[None, None, None, None] = (None, None, None, None)


@dataclass
class EntityIndex:
    """What is known about entities, loaded once per import and kept current as entities are created.

    A run of imports with no other writer may keep the index for the next file: ``refresh`` then reads
    again only the entities whose identity the last import changed, and leaves the index as ``load`` would
    read it.
    """

    by_uscc: dict[str, int] = field(default_factory=dict)
    by_org: dict[str, int] = field(default_factory=dict)
    by_address: dict[str, set[int]] = field(default_factory=dict)
    #: premises (number and street, no unit) -> entities there: links address-only records
    by_site: dict[str, set[int]] = field(default_factory=dict)
    address_ids: dict[str, int] = field(default_factory=dict)
    #: identity rows of the entities (what Splink matches against), features prepared once per import
    rows: EntityRows = field(default_factory=lambda: _entity_rows())
    #: each entity's district, and the ``by_address`` / ``by_site`` keys that point at it
    districts: dict[int, str | None] = field(default_factory=dict)
    keys: dict[int, set[tuple[str, str]]] = field(default_factory=dict)
    #: False while only the codes are read (``codes_only``); the rest is read when first needed (``read_whole``)
    whole: bool = True

    @classmethod
    def codes_only(cls) -> EntityIndex:
        """Every live entity's code; identity rows, addresses and districts are read only if the import needs
        them (``read_whole``: rows matched by Splink, address-only rows).

        A small import whose rows link by code or by a key (an agency system pushing inspection results)
        then never reads the whole index, which took about a minute and 5 GB at a million entities. The
        identity rows it would have added meanwhile (new entities, name and address variants) are in the
        database by the time a later chunk reads the whole index, as the writer flushes every chunk.
        """
        index = cls(whole=False)
        for eid, uscc in db.session.connection().execute(
                select(MarketEntity.id, MarketEntity.uscc).where(MarketEntity.merged_into_id.is_(None),
                                                                 MarketEntity.uscc.is_not(None))
                .order_by(MarketEntity.id)):
            index.add_uscc(uscc, eid)
        return index

    def read_whole(self) -> None:
        """Read what ``codes_only`` left out (the codes added since are kept; the database holds them too)."""
        if self.whole:
            return
        conn = db.session.connection()
        identity, _codes = self._read(conn, None)
        self.rows.extend(identity)
        self.address_ids = {**dict(conn.execute(select(Address.text_norm, Address.id)).all()), **self.address_ids}
        self.whole = True
        log.debug("entity index read whole: %d identity rows", len(self.rows))

    @classmethod
    def load(cls, rows: EntityRows | None = None) -> EntityIndex:
        """Read the identity of every live entity from the database; with ``rows``, an index's identity rows
        before, make them the rows read (the rows that did not change keep their prepared features and
        counts, ``EntityRows.replace``) rather than adding the rows read to a new set.

        Rows come through the Core connection as plain tuples and are added in bulk: at a hundred
        thousand entities the ORM's row objects and a dict per identity row cost seconds per file.
        """
        index = cls() if rows is None else cls(rows=rows)
        conn = db.session.connection()
        identity, codes = index._read(conn, None)
        if rows is None:
            index.rows.extend(identity)
        else:
            rows.replace(rows.holders() | {r[0] for r in identity}, identity)
        for eid, uscc in codes:
            index.add_uscc(uscc, eid)
        index.address_ids = dict(conn.execute(select(Address.text_norm, Address.id)).all())
        log.debug("entity index: %d usccs, %d identity rows", len(index.by_uscc), len(index.rows))
        return index

    def refresh(self, entity_ids: set[int]) -> EntityIndex:
        """The index after an import that changed the identity of ``entity_ids`` (this one, updated; or a fresh
        load)."""
        if not self.whole or len(entity_ids) > max(len(self.districts) * 3 // 4, FULL_READ_ENTITIES):
            # nearly all entities changed: one full read is cheaper than many partial ones (its rows that did
            # not change stay prepared and counted, as in a partial read)
            return EntityIndex.load(self.rows if self.whole else None)
        conn = db.session.connection()
        for eid in entity_ids:
            self.districts.pop(eid, None)
            for norm, site in self.keys.pop(eid, ()):
                for keyed, key in ((self.by_address, norm), (self.by_site, site)):
                    held = keyed.get(key)
                    if held is not None:
                        held.discard(eid)
                        if not held:
                            del keyed[key]
        ids = sorted(entity_ids)
        rows: list[tuple[Any, ...]] = []
        codes: list[tuple[int, str]] = []
        for start in range(0, len(ids), 500):
            identity, part = self._read(conn, ids[start:start + 500])
            rows.extend(identity)
            codes.extend(part)
        self.rows.replace(entity_ids, rows)
        self._update_codes(codes)
        return self

    def _update_codes(self, codes: list[tuple[int, str]]) -> None:
        """``by_uscc`` / ``by_org`` as a full read gives them, from the codes of the entities an import touched.

        Only an import's entities gain a code (new ones, or a code learned), and none loses one, so the
        codes read before it plus theirs are all codes. A full read keeps the lowest entity id per
        organisation code; ``add_uscc`` during the import kept the first one added, which is one of these.
        """
        by_uscc, by_org = self.by_uscc, self.by_org
        for eid, uscc in codes:
            by_uscc[uscc] = eid
            org = uscc[8:17]
            held = by_org.get(org)
            if held is None or eid < held:
                by_org[org] = eid

    def _read(self, conn: Any, ids: list[int] | None) -> tuple[list[tuple[Any, ...]], list[tuple[int, str]]]:
        """Identity rows of the live entities ``ids`` (all when None), in ``EntityRows.COLUMNS`` order, and
        their (entity id, code) in id order."""
        def only(query: Any, column: Any) -> Any:
            return query if ids is None else query.where(column.in_(ids))

        rows = conn.execute(only(
            select(MarketEntity.id, MarketEntity.name, MarketEntity.district, Address.text,
                   Address.text_norm, Address.latitude, Address.longitude, MarketEntity.uscc)
            .outerjoin(Address, Address.id == MarketEntity.address_id)
            .where(MarketEntity.merged_into_id.is_(None)), MarketEntity.id).order_by(MarketEntity.id)).all()
        reps = dict(conn.execute(only(
            select(EntityRole.entity_id, Person.name).join(Person, Person.id == EntityRole.person_id)
            .where(EntityRole.role == PersonRole.LEGAL_REPRESENTATIVE), EntityRole.entity_id)
            .order_by(EntityRole.id)).all())
        phones = dict(conn.execute(only(
            select(EntityPhone.entity_id, Phone.number).join(Phone, Phone.id == EntityPhone.phone_id),
            EntityPhone.entity_id).order_by(EntityPhone.id)).all())
        district = self.districts
        identity: list[tuple[Any, ...]] = []
        codes: list[tuple[int, str]] = []
        #: each entity's name and registered address: a row of another name or address carries the other one,
        #: so that a record agreeing with an entity on a former name and its registered address, or on its name
        #: and an operating address, finds both on one row (split over two rows, neither row alone reached the
        #: link threshold, and the same business seen at its shop became a review and a new entity each time)
        main: dict[int, tuple[str | None, str | None, Any, Any]] = {}
        for eid, name, dist, text, norm, lat, lon, uscc in rows:
            district[eid] = dist
            main[eid] = (name, text, lat, lon)
            if norm:
                self._key(eid, norm, _site(text))
            identity.append((eid, name, text, dist, reps.get(eid), phones.get(eid), lat, lon))
            if uscc:
                codes.append((eid, uscc))
        for eid, name in conn.execute(only(
                select(EntityName.entity_id, EntityName.name).where(EntityName.kind != "registered"),
                EntityName.entity_id).order_by(EntityName.id)).all():
            if eid in district:
                _main_name, text, lat, lon = main.get(eid, _NO_MAIN)
                identity.append((eid, name, text, district[eid], reps.get(eid), phones.get(eid), lat, lon))
        for eid, text, norm in conn.execute(only(
                select(EntityAddress.entity_id, Address.text, Address.text_norm)
                .join(Address, Address.id == EntityAddress.address_id), EntityAddress.entity_id)
                .order_by(EntityAddress.id)).all():
            if eid in district:
                self._key(eid, norm, _site(text))
                identity.append((eid, main.get(eid, _NO_MAIN)[0], text, district[eid], reps.get(eid), phones.get(eid),
                                 None, None))
        return identity, codes

    def _key(self, entity_id: int, norm: str, site: str) -> None:
        # a new set only where there is none (setdefault built one per call and threw it away)
        held = self.by_address.get(norm)
        if held is None:
            self.by_address[norm] = {entity_id}
        else:
            held.add(entity_id)
        held = self.by_site.get(site)
        if held is None:
            self.by_site[site] = {entity_id}
        else:
            held.add(entity_id)
        held = self.keys.get(entity_id)
        if held is None:
            self.keys[entity_id] = {(norm, site)}
        else:
            held.add((norm, site))

    def add_uscc(self, uscc: str, entity_id: int) -> None:
        """Know ``uscc`` (and its organisation code) as ``entity_id``."""
        self.by_uscc[uscc] = entity_id
        self.by_org.setdefault(uscc[8:17], entity_id)

    def add_identity(self, entity_id: int, name: str | None, address: str | None, district: str | None,
                     legal_rep: str | None = None, phone: str | None = None, latitude: float | None = None,
                     longitude: float | None = None) -> None:
        """A new identity row for matching later chunks (a new entity, or a new variant of one); nothing while
        the index is not read whole (``read_whole`` will read it from the database)."""
        if not self.whole:
            return
        self.rows.add_row((entity_id, name, address, district, legal_rep, phone, latitude, longitude))
        if address:
            self._key(entity_id, _norm(address), _site(address))

    def frame(self) -> pd.DataFrame:
        """The entities frame of ``match_records``."""
        return self.rows.frame()


def tax_number_org(code: str) -> str | None:
    """The organisation code inside a 15-digit tax registration number (region + organisation code)."""
    if len(code) == 15 and code[:6].isdigit() and org_code_check_char(code[6:14]) == code[14]:
        return code[6:15]
    return None


def match_frame(rows: list[tuple[int, dict[str, Any], str | None]]) -> pd.DataFrame:
    """Records frame of ``match_records`` from (rid, canonical fields, raw USCC) triples."""
    return pd.DataFrame([{
        "rid": rid, "name": c.get("name"), "address": c.get("address"), "district": c.get("district"),
        "legal_rep": c.get("legal_rep"), "phone": c.get("phone"), "latitude": c.get("latitude"),
        "longitude": c.get("longitude"), "uscc_raw": uscc, "alt_name": c.get("alt_name"),
    } for rid, c, uscc in rows], columns=["rid", "name", "address", "district", "legal_rep", "phone", "latitude",
                                           "longitude", "uscc_raw", "alt_name"])


def probabilistic(rows: list[tuple[int, dict[str, Any], str | None]], index: EntityIndex,
                  settings: Any = None) -> dict[int, Resolution]:
    """Splink decisions for rows with no key: link, review (with its candidate) or a new-entity group."""
    from ..linkage import match_records

    if not rows:
        return {}
    decisions = match_records(match_frame(rows), index.rows, settings)
    out: dict[int, Resolution] = {}
    for rec in decisions.itertuples(index=False):
        prob = float(rec.probability)
        group = None if pd.isna(rec.new_group) else f"g{int(rec.new_group)}"
        weights = rec.match_weights if isinstance(rec.match_weights, dict) else None
        if rec.decision == "link":
            out[int(rec.rid)] = Resolution(int(rec.entity_id), LinkMethod.PROBABILISTIC, prob,
                                           match_weights=weights)
        elif rec.decision == "review":
            out[int(rec.rid)] = Resolution(None, LinkMethod.REVIEW, prob, candidate_id=int(rec.entity_id),
                                           match_weights=weights, new_group=group)
        else:
            out[int(rec.rid)] = Resolution(None, LinkMethod.NEW, prob if prob else None, new_group=group)
    return out
