"""Turning an accepted, linked row into facts: entities, names, addresses, people, and the agency's records.

Every object written here carries the ``source_record_id`` of the row it came from (lineage). Rows are
collected per chunk and inserted table by table in one statement each (``Writer.flush``, through
``bulk.insert_rows``): ids that are not known yet (a source record's, a new person's, an inspection's)
travel as ``Ref`` objects and are filled in when their rows go in, before the rows that point at them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import insert, select, update

from models import (
    Address,
    AddressKind,
    Complaint,
    ComplaintStatus,
    ContextValue,
    EnforcementAction,
    EntityAddress,
    EntityName,
    EntityPhone,
    EntityRole,
    EntityStatus,
    EntityType,
    Inspection,
    InspectionResult,
    InspectionType,
    Investment,
    Licence,
    LicenceStatus,
    LinkMethod,
    ListEntry,
    ListType,
    MarketEntity,
    MatchReview,
    NameKind,
    PenaltyType,
    Person,
    PersonRole,
    Phone,
    RecordType,
    SelectionReason,
    Severity,
    SourceRecord,
    Violation,
)
from models.base import utcnow

from ..extensions import db
from ..privacy import hash_id_number, mask_id_number, mask_phone
from ..privacy import normalise_phone as _normalise_phone
from ..text import name_core, normalise_person_name
from ..text import normalise_address as _normalise_address
from ..text import normalise_name as _normalise_name
from .bulk import Ref, insert_rows
from .resolve import EntityIndex

# pure functions of a string, called for every linked row's name, address and phone; rows repeat them
normalise_name = lru_cache(maxsize=1 << 18)(_normalise_name)
normalise_address = lru_cache(maxsize=1 << 18)(_normalise_address)
normalise_phone = lru_cache(maxsize=1 << 18)(_normalise_phone)


@dataclass
class Source:
    """The source record a row becomes: its id (once inserted) and what the facts copy from it."""

    ref: Ref
    record_type: RecordType
    source_key: str | None
    link_method: LinkMethod | None = None


@dataclass
class _Known:
    """The identity fields of an entity that enriching it compares against."""

    uscc: str | None
    name_norm: str
    address_id: int | None
    district: str | None
    name: str | None = None


#: canonical fields that describe identity, not the record (the rest of a context row goes to ``values``)
IDENTITY_FIELDS = {"uscc", "name", "address", "district", "legal_rep", "legal_rep_id", "phone", "latitude",
                   "longitude", "entity_ref", "inspection_ref"}
#: insert order of a chunk's rows: every table after the ones it points at
ORDER = (Person, SourceRecord, EntityName, EntityAddress, EntityPhone, EntityRole, MatchReview, Licence,
         Inspection, Violation, EnforcementAction, ListEntry, Complaint, Investment, ContextValue)
#: tables whose ids later rows of the chunk need (their rows carry a ``Ref`` under this key)
REF = "__ref"
#: tables whose rows enter an entity's identity rows (``EntityIndex._read``; of roles, the legal representative)
_IDENTITY = frozenset({EntityName, EntityAddress, EntityPhone, EntityRole})


@dataclass
class _Pending:
    """A chunk's rows not yet inserted, per table, and its updates of existing rows."""

    rows: dict[type, list[dict[str, Any]]] = field(default_factory=dict)
    entity_updates: dict[int, dict[str, Any]] = field(default_factory=dict)
    serious_inspections: set[int] = field(default_factory=set)
    #: the entities this chunk created, with the values inserted (``registration`` updates only what differs)
    created: dict[int, dict[str, Any]] = field(default_factory=dict)


class Writer:
    """Writes facts for one import, caching addresses, phones and people it has already seen."""

    def __init__(self, agency_id: int, index: EntityIndex) -> None:
        self.agency_id = agency_id
        self.index = index
        #: False for a small import (an index of codes only): the caches below then hold what its rows looked
        #: up (``prefetch_addresses``, ``prefetch_entities``, a query on a miss) instead of every row
        self.whole = index.whole
        self.pii_key = current_app.config.get("PII_HASH_KEY") or current_app.config.get("SECRET_KEY") or ""
        self.parents: list[tuple[int, str]] = []
        self.entities: dict[int, _Known] = {}
        #: entities whose identity (what ``EntityIndex`` reads of them) this writer changed since the index was
        #: last refreshed: their part of the index is read again before the next import (``EntityIndex.refresh``)
        self.changed: set[int] = set()
        #: per agency whose source records were all written by this writer (none when it first came), their
        #: content hashes: a duplicate check is a set lookup instead of a query (``stored_hashes``); None for an
        #: agency that had older rows (asked each chunk)
        self.hashes: dict[int, set[str] | None] = {}
        self.pending = _Pending()
        if not self.whole:
            self.phones: dict[str, int] = {}
            self.people: dict[str, int | Ref] = {}
            self.names: set[tuple[int, str]] = set()
            self.addresses: set[tuple[int, int]] = set()
            self.entity_phones: set[tuple[int, int]] = set()
            return
        # every phone and identified person already known: lookups are dict hits, never a query per row
        self.phones = dict(db.session.execute(select(Phone.number, Phone.id)).all())
        self.people = dict(db.session.execute(
            select(Person.id_hash, Person.id).where(Person.id_hash.is_not(None))).all())
        # what entities already carry, so that enriching one is a set lookup rather than three queries
        self.names = set(db.session.execute(select(EntityName.entity_id, EntityName.name_norm)).all())
        self.addresses = set(db.session.execute(select(EntityAddress.entity_id, EntityAddress.address_id)).all())
        self.entity_phones = set(db.session.execute(select(EntityPhone.entity_id, EntityPhone.phone_id)).all())

    # --- the chunk's rows -----------------------------------------------------------------------------------
    def add(self, model: type, row: dict[str, Any]) -> dict[str, Any]:
        """Queue ``row`` for ``model``'s table (inserted by ``flush``); returns the row, still mutable."""
        self.pending.rows.setdefault(model, []).append(row)
        if model in _IDENTITY and (model is not EntityRole or row["role"] == PersonRole.LEGAL_REPRESENTATIVE):
            self.changed.add(row["entity_id"])
        return row

    def source(self, row: dict[str, Any], record_type: RecordType, source_key: str | None) -> Source:
        """Queue a source record row (filled in further until ``flush``); ``Source`` stands for it meanwhile."""
        ref = row[REF] = Ref()
        self.add(SourceRecord, row)
        held = self.hashes.get(row["agency_id"])
        if held is not None:
            held.add(row["content_hash"])
        return Source(ref, record_type, source_key)

    def stored_hashes(self, agency_id: int, hashes: list[str]) -> set[str]:
        """Which of ``hashes`` the agency's stored source records already have.

        A large import (an index read whole, often kept for a run of files) keeps the hashes of an agency that
        had no source records when it first came: at a million rows, asking the database for every chunk's ten
        thousand hashes took 2 % of the importing thread (py-spy). Another import writing meanwhile would add
        rows this cannot see: a kept writer is reused only when no other writer added source records since
        (``pipeline._stamp``), and within one import such a row would fail the unique key (the chunk is rolled
        back and the import stops with the error), not be stored twice.
        """
        if agency_id not in self.hashes:  # asked once per agency, not per chunk
            empty = self.whole and db.session.scalar(
                select(SourceRecord.id).where(SourceRecord.agency_id == agency_id).limit(1)) is None
            self.hashes[agency_id] = set() if empty else None
        held = self.hashes[agency_id]
        if held is not None:
            return held.intersection(hashes)
        return set(db.session.scalars(select(SourceRecord.content_hash).where(
            SourceRecord.agency_id == agency_id, SourceRecord.content_hash.in_(hashes))))

    def flush(self) -> None:
        """Insert the chunk's rows, one statement per table (ids first where later rows need them)."""
        pending, self.pending = self.pending, _Pending()
        for model in ORDER:
            rows = pending.rows.get(model)
            if not rows:
                continue
            refs = [row.pop(REF, None) for row in rows]
            if refs[0] is not None:
                for ref, new_id in zip(refs, insert_rows(model.__table__, rows, ids=True), strict=True):
                    ref.id = new_id
            else:
                insert_rows(model.__table__, rows)
        if pending.entity_updates:
            # rows with the same columns next to each other: the ORM sends one executemany per run of them
            updates = sorted(pending.entity_updates.items(), key=lambda kv: tuple(sorted(kv[1])))
            db.session.execute(update(MarketEntity), [{"id": k, **v} for k, v in updates])
        if pending.serious_inspections:
            ids = sorted(pending.serious_inspections)
            for start in range(0, len(ids), 500):
                db.session.execute(update(Inspection.__table__).where(Inspection.__table__.c.id.in_(
                    ids[start:start + 500])).values(serious_violation=True))

    def _update_entity(self, entity_id: int, values: dict[str, Any]) -> None:
        self.pending.entity_updates.setdefault(entity_id, {}).update(values)
        self.changed.add(entity_id)

    def prefetch_addresses(self, canonicals: list[dict[str, Any]]) -> None:
        """The chunk's addresses and phones: a small import looks up the ones the database holds, and the new
        ones are created in one statement each (instead of one per row)."""
        addresses: dict[str, dict[str, Any]] = {}
        numbers: dict[str, None] = {}
        for c in canonicals:
            number = normalise_phone(c.get("phone") or "")
            if len(number) >= 5:
                numbers[number] = None
            text = c.get("address")
            norm = normalise_address(text)[:500] if text else ""
            if norm and norm not in addresses:
                addresses[norm] = {"text": str(text)[:500], "text_norm": norm, "district": c.get("district"),
                                   "latitude": c.get("latitude"), "longitude": c.get("longitude")}
        if not self.whole:
            self._look_up(Address, Address.text_norm, addresses.keys() - self.index.address_ids.keys(),
                          self.index.address_ids)
            self._look_up(Phone, Phone.number, numbers.keys() - self.phones.keys(), self.phones)
        phones = [{"number": n, "masked": mask_phone(n)} for n in numbers if n not in self.phones]
        if phones:
            self.phones.update(zip((p["number"] for p in phones),
                                   insert_rows(Phone.__table__, phones, ids=True), strict=True))
        now = utcnow()
        new = [{**row, "created_at": now} for norm, row in addresses.items() if norm not in self.index.address_ids]
        if new:  # text_norm is unique: each new row's id is its address's
            self.index.address_ids.update(zip((a["text_norm"] for a in new),
                                              insert_rows(Address.__table__, new, ids=True), strict=True))

    @staticmethod
    def _look_up(model: type, key: Any, wanted: set[str], cache: dict[str, int]) -> None:
        """The ids of the ``wanted`` values of ``key`` that the database holds, into ``cache`` (small imports)."""
        keys = sorted(wanted)
        for start in range(0, len(keys), 500):
            cache.update(db.session.execute(select(key, model.id).where(key.in_(keys[start:start + 500]))).all())

    def prefetch_entities(self, entity_ids: set[int]) -> None:
        """What ``enrich`` compares against, for the chunk's linked entities, in one query per 500."""
        self.entities = {}
        ids = sorted(entity_ids)
        table = MarketEntity.__table__
        if not self.whole:  # their names, addresses and phones as well
            for start in range(0, len(ids), 500):
                part = ids[start:start + 500]
                for cache, model, column in ((self.names, EntityName, EntityName.name_norm),
                                             (self.addresses, EntityAddress, EntityAddress.address_id),
                                             (self.entity_phones, EntityPhone, EntityPhone.phone_id)):
                    cache.update(db.session.execute(select(model.entity_id, column)
                                                    .where(model.entity_id.in_(part))).all())
        conn = db.session.connection()  # the Core connection's plain rows: cheaper than the session's
        for start in range(0, len(ids), 500):
            for eid, uscc, name_norm, address_id, district, name in conn.execute(select(
                    table.c.id, table.c.uscc, table.c.name_norm, table.c.address_id, table.c.district, table.c.name)
                    .where(table.c.id.in_(ids[start:start + 500]))):
                self.entities[eid] = _Known(uscc, name_norm, address_id, district, name)

    # --- shared objects -------------------------------------------------------------------------------------
    def address_id(self, text: str | None, district: str | None = None,
                   lat: float | None = None, lon: float | None = None) -> int | None:
        """The Address row for ``text`` (created once per normalised form)."""
        if not text:
            return None
        norm = normalise_address(text)[:500]
        if not norm:
            return None
        found = self.index.address_ids.get(norm)  # a small import's too: prefetch_addresses looked the chunk's up
        if found is None:
            table = Address.__table__
            found = self.index.address_ids[norm] = db.session.execute(insert(table).values(
                text=text[:500], text_norm=norm, district=district, latitude=lat, longitude=lon,
                created_at=utcnow()).returning(table.c.id)).scalar_one()
        return found

    def phone_id(self, raw: str | None) -> int | None:
        """The Phone row for ``raw`` (normalised)."""
        number = normalise_phone(raw or "")
        if len(number) < 5:
            return None
        found = self.phones.get(number)
        if found is None:
            table = Phone.__table__
            found = self.phones[number] = db.session.execute(insert(table).values(
                number=number, masked=mask_phone(number)).returning(table.c.id)).scalar_one()
        return found

    def person_id(self, name: str, id_number: str | None, phone: str | None = None) -> int | Ref:
        """The Person with this ID number (keyed hash), or a new person when no usable number is given."""
        id_hash = hash_id_number(id_number, self.pii_key) if id_number and "*" not in id_number else None
        if id_hash and id_hash not in self.people and not self.whole:  # a small import looks each one up
            known = db.session.scalar(select(Person.id).where(Person.id_hash == id_hash))
            if known is not None:
                self.people[id_hash] = known
        if id_hash and id_hash in self.people:
            return self.people[id_hash]
        ref = Ref()
        self.add(Person, {"name": name[:200], "name_norm": normalise_person_name(name)[:200], "id_hash": id_hash,
                          "id_masked": mask_id_number(id_number) if id_number else None,
                          "phone_id": self.phone_id(phone), REF: ref})
        if id_hash:
            self.people[id_hash] = ref
        return ref

    # --- entities -------------------------------------------------------------------------------------------
    def new_entities(self, firsts: list[tuple[dict[str, Any], str | None, Source]]) -> list[int]:
        """Market entities first seen in these rows (canonical fields, valid code, source): one insert."""
        if not firsts:
            return []
        rows = []
        for c, uscc, source in firsts:
            name = c.get("name") or c.get("address") or source.source_key or "?"
            row = {"uscc": uscc, "name": name[:300], "name_norm": normalise_name(name)[:300] or name[:300],
                   "name_core": name_core(name[:300]), "district": c.get("district"),
                   "entity_type": EntityType(c.get("entity_type") or _guess_type(name)),
                   "address_id": self.address_id(c.get("address"), c.get("district"), c.get("latitude"),
                                                 c.get("longitude")),
                   "status": EntityStatus.ACTIVE, **dict.fromkeys(_REGISTER_FIELDS)}
            if source.record_type == RecordType.REGISTRATION:  # inserted with the register's facts, not updated
                row.update(_register_changes(c))
            rows.append(row)
        ids = insert_rows(MarketEntity.__table__, rows, ids=True)
        for entity_id, row, (c, uscc, source) in zip(ids, rows, firsts, strict=True):
            self.pending.created[entity_id] = row
            self.add(EntityName, {"entity_id": entity_id, "name": row["name"], "name_norm": row["name_norm"],
                                  "name_core": row["name_core"],
                                  "kind": NameKind.REGISTERED if source.record_type == RecordType.REGISTRATION
                                  else NameKind.VARIANT, "source_record_id": source.ref})
            self.names.add((entity_id, row["name_norm"]))
            self.entities[entity_id] = _Known(uscc, row["name_norm"], row["address_id"], row["district"],
                                              row["name"])
            if uscc:
                self.index.add_uscc(uscc, entity_id)
            self.index.add_identity(entity_id, c.get("name"), c.get("address"), c.get("district"),
                                    c.get("legal_rep"), c.get("phone"), c.get("latitude"), c.get("longitude"))
            alt = c.get("alt_name")
            if alt and normalise_name(alt) != row["name_norm"]:
                self.names.add((entity_id, normalise_name(alt)[:300]))
                self.add(EntityName, {"entity_id": entity_id, "name": alt[:300],
                                      "name_norm": normalise_name(alt)[:300], "name_core": name_core(alt[:300]),
                                      "kind": NameKind.VARIANT,
                                      "source_record_id": source.ref})
                self.index.add_identity(entity_id, alt, c.get("address"), c.get("district"), c.get("legal_rep"),
                                        c.get("phone"), c.get("latitude"), c.get("longitude"))
        return ids

    def enrich(self, entity_id: int, c: dict[str, Any], source: Source, uscc: str | None) -> bool:
        """Add what this row teaches about a known entity (a code, a name variant, an address, a phone)."""
        changed = False
        entity = self.entities.get(entity_id)
        if entity is None:
            return False
        if uscc and not entity.uscc and uscc not in self.index.by_uscc:
            entity.uscc = uscc
            self._update_entity(entity_id, {"uscc": uscc})
            self.index.add_uscc(uscc, entity_id)
            changed = True
        name = c.get("name")
        if name and normalise_name(name) != entity.name_norm and source.record_type != RecordType.REGISTRATION:
            norm = normalise_name(name)[:300]
            if (entity_id, norm) not in self.names:
                self.names.add((entity_id, norm))
                self.add(EntityName, {"entity_id": entity_id, "name": name[:300], "name_norm": norm,
                                      "name_core": name_core(name[:300]), "kind": NameKind.VARIANT,
                                      "source_record_id": source.ref})
                self.index.add_identity(entity_id, name, None, entity.district)
                changed = True
        address_id = self.address_id(c.get("address"), c.get("district"), c.get("latitude"), c.get("longitude"))
        if address_id and address_id != entity.address_id:
            if (entity_id, address_id) not in self.addresses:
                self.addresses.add((entity_id, address_id))
                self.add(EntityAddress, {"entity_id": entity_id, "address_id": address_id,
                                         "kind": AddressKind.OPERATING, "since": None,
                                         "source_record_id": source.ref})
                # with the entity's name, as the index reads an operating address back (EntityIndex._read)
                self.index.add_identity(entity_id, entity.name, c.get("address"), entity.district,
                                        latitude=c.get("latitude"), longitude=c.get("longitude"))
                changed = True
        phone_id = self.phone_id(c.get("phone"))
        if phone_id:
            if (entity_id, phone_id) not in self.entity_phones:
                self.entity_phones.add((entity_id, phone_id))
                self.add(EntityPhone, {"entity_id": entity_id, "phone_id": phone_id, "source_record_id": source.ref})
                changed = True
        return changed

    def registration(self, entity_id: int, c: dict[str, Any], source: Source, uscc: str | None) -> None:
        """The register's row is the authority on an entity's name, type, address, status and representative."""
        entity = self.entities[entity_id]
        changes: dict[str, Any] = {}
        if uscc and not entity.uscc and uscc not in self.index.by_uscc:
            entity.uscc = changes["uscc"] = uscc
            self.index.add_uscc(uscc, entity_id)
        name = c.get("name")
        if name and name != entity.name:
            if entity.name:
                self.add(EntityName, {"entity_id": entity_id, "name": entity.name, "name_norm": entity.name_norm,
                                      "name_core": name_core(entity.name), "kind": NameKind.VARIANT,
                                      "source_record_id": None})
            entity.name, entity.name_norm = name[:300], normalise_name(name)[:300] or name[:300]
            changes.update(name=entity.name, name_norm=entity.name_norm, name_core=name_core(entity.name))
            self.add(EntityName, {"entity_id": entity_id, "name": entity.name, "name_norm": entity.name_norm,
                                  "name_core": changes["name_core"], "kind": NameKind.REGISTERED,
                                  "source_record_id": source.ref})
            self.names.add((entity_id, entity.name_norm))
        changes.update(_register_changes(c))
        if c.get("district") is not None:
            entity.district = c["district"]
        address_id = self.address_id(c.get("address"), c.get("district"))
        if address_id:
            entity.address_id = changes["address_id"] = address_id
            self.add(EntityAddress, {"entity_id": entity_id, "address_id": address_id, "kind": AddressKind.REGISTERED,
                                     "since": c.get("registration_date"), "source_record_id": source.ref})
            self.addresses.add((entity_id, address_id))
            self.index.add_identity(entity_id, name, c.get("address"), c.get("district"), c.get("legal_rep"),
                                    c.get("phone"))
        phone_id = self.phone_id(c.get("phone"))
        if phone_id and (entity_id, phone_id) not in self.entity_phones:
            self.entity_phones.add((entity_id, phone_id))
            self.add(EntityPhone, {"entity_id": entity_id, "phone_id": phone_id, "source_record_id": source.ref})
        if c.get("legal_rep"):
            person = self.person_id(c["legal_rep"], c.get("legal_rep_id"), c.get("phone"))
            self.add(EntityRole, {"entity_id": entity_id, "person_id": person, "role": PersonRole.LEGAL_REPRESENTATIVE,
                                  "share": None, "start_date": c.get("registration_date"),
                                  "source_record_id": source.ref})
        if c.get("parent_uscc"):
            self.parents.append((entity_id, c["parent_uscc"]))
        inserted = self.pending.created.get(entity_id)
        if inserted is not None:  # created by this chunk: its row (and the updates since) hold the register's facts
            changes = {k: v for k, v in changes.items() if k not in inserted or inserted[k] != v}
            inserted.update(changes)
        if changes:
            self._update_entity(entity_id, changes)

    def link_parents(self) -> int:
        """Branches point at their parent once every register row of the import is in."""
        from ..identifiers import check_uscc

        updates = []
        for entity_id, raw in self.parents:
            check = check_uscc(raw)
            parent = self.index.by_uscc.get(check.code) if check.valid else None
            if parent and parent != entity_id:
                updates.append({"id": entity_id, "parent_id": parent})
        if updates:
            db.session.execute(update(MarketEntity), updates)
        self.parents.clear()
        return len(updates)

    # --- records --------------------------------------------------------------------------------------------
    def write(self, record_type: RecordType, entity_id: int | None, c: dict[str, Any], source: Source,
              options: dict[str, Any]) -> None:
        """Write the fact(s) one row yields."""
        common = {"agency_id": self.agency_id, "source_record_id": source.ref, "external_id": source.source_key}
        if record_type == RecordType.LICENCE:
            self.add(Licence, {"entity_id": entity_id, "licence_no": c.get("licence_no"),
                               "licence_type": c.get("licence_type"), "description": c.get("description"),
                               "issue_date": c.get("issue_date"), "valid_from": c.get("valid_from"),
                               "valid_to": c.get("valid_to"),
                               "licence_status": LicenceStatus(c.get("licence_status") or "unknown"), **common})
        elif record_type == RecordType.INSPECTION:
            self._inspection(entity_id, c, source, options, common)
        elif record_type == RecordType.VIOLATION:
            inspection_id = c.get("_inspection_id")
            found = c.get("found_date") or c.get("_inspection_date")
            self.add(Violation, {"entity_id": entity_id, "inspection_id": inspection_id, "code": c.get("code"),
                                 "description": c.get("description"),
                                 "severity": Severity(c.get("severity") or "minor"), "found_date": found, **common})
            if inspection_id and c.get("severity") in ("serious", "critical"):
                self.pending.serious_inspections.add(inspection_id)
        elif record_type == RecordType.ENFORCEMENT:
            self.add(EnforcementAction, {
                "entity_id": entity_id, "decision_no": c.get("decision_no"), "decision_date": c["decision_date"],
                "legal_basis": c.get("legal_basis"), "penalty_type": PenaltyType(c.get("penalty_type") or "other"),
                "amount": c.get("amount"), "description": c.get("description"),
                "publication_end": c.get("publication_end"), **common})
        elif record_type == RecordType.LIST_ENTRY:
            self.add(ListEntry, {"entity_id": entity_id, "list_type": ListType(c["list_type"]),
                                 "added_date": c["added_date"], "added_reason": c.get("added_reason"),
                                 "removed_date": c.get("removed_date"), "removed_reason": c.get("removed_reason"),
                                 **common})
        elif record_type == RecordType.COMPLAINT:
            self.add(Complaint, {
                "entity_id": entity_id, "address_id": self.address_id(c.get("address"), c.get("district"),
                                                                      c.get("latitude"), c.get("longitude")),
                "received_date": c["received_date"], "category": c.get("category"),
                "description": c.get("description"),
                "complaint_status": ComplaintStatus(c.get("complaint_status") or "open"),
                "link_method": source.link_method, "latitude": c.get("latitude"), "longitude": c.get("longitude"),
                **common})
        elif record_type == RecordType.ROLE:
            person = self.person_id(c["person_name"], c.get("person_id"))
            self.add(EntityRole, {"entity_id": entity_id, "person_id": person, "role": PersonRole(c["role"]),
                                  "share": c.get("share"), "start_date": None, "source_record_id": source.ref})
        elif record_type == RecordType.INVESTMENT:
            investor = c.get("_investor_id")
            if investor:
                self.add(Investment, {"investor_id": investor, "investee_id": entity_id, "share": c.get("share"),
                                      "source_record_id": source.ref})
        elif record_type == RecordType.CONTEXT:
            values = {k: _jsonable(v) for k, v in c.items()
                      if k not in IDENTITY_FIELDS | {"on_date", "subject_key", "kind"} and not k.startswith("_")}
            self.add(ContextValue, {"agency_id": self.agency_id, "source_record_id": source.ref,
                                    "kind": c.get("kind") or options.get("kind", "context"),
                                    "on_date": c.get("on_date"), "district": c.get("district"),
                                    "subject_key": c.get("subject_key") or source.source_key, "values": values})

    def _inspection(self, entity_id: int | None, c: dict[str, Any], source: Source,
                    options: dict[str, Any], common: dict[str, Any]) -> None:
        codes = list(c.get("violation_codes") or [])
        descs = list(c.get("violation_descriptions") or [])
        sevs = list(c.get("violation_severities") or [])
        severity_map = options.get("severity_map") or {}
        inspectors = [*(c.get("inspectors") or []), *(c.get("inspectors_2") or [])]
        count = max(len(codes), len(descs))
        severities = [Severity(severity_map.get(s, s)) if severity_map.get(s, s) in Severity.__members__.values()
                      else Severity.MINOR for s in sevs]
        if not severities and options.get("severity_by_code"):
            severities = [_severity_by_code(code, options["severity_by_code"]) for code in codes]
        ref = Ref()
        self.add(Inspection, {
            "entity_id": entity_id, "inspection_date": c["inspection_date"],
            "inspection_type": InspectionType(c.get("inspection_type") or "routine"),
            "selection_reason": SelectionReason(c.get("selection_reason") or "unknown"),
            "selection_probability": c.get("selection_probability"),
            "result": InspectionResult(c["result"]) if c.get("result") else None,
            "serious_violation": _serious(c, severities, count),
            "violation_count": c.get("violation_count") if c.get("violation_count") is not None else count,
            "inspectors_text": "、".join(inspectors)[:500] or None,
            "notes": (f"follow-up of {c['follow_up_of']}" if c.get("follow_up_of") else None),
            "published": True, **common, REF: ref})
        for i in range(count):
            self.add(Violation, {
                "entity_id": entity_id, "inspection_id": ref, "code": codes[i] if i < len(codes) else None,
                "description": descs[i] if i < len(descs) else None,
                "severity": severities[i] if i < len(severities) else Severity.MINOR,
                "found_date": c["inspection_date"], **{**common, "external_id": f"{source.source_key}#{i + 1}"}})


#: results of a visit that inspected nothing: the business was closed, not found, or let no one in
NOT_INSPECTED = frozenset({InspectionResult.CLOSED, InspectionResult.NOT_FOUND, InspectionResult.NO_ENTRY})


def _serious(c: dict[str, Any], severities: list[Severity], count: int) -> bool | None:
    """Whether the inspection found a serious or critical violation; unknown (None) where the row gives neither
    a result nor any violation (a log of visits) or the visit inspected nothing ("Out of Business"), so that it
    is never read as a visit that found nothing."""
    if count:
        return any(s != Severity.MINOR for s in severities)
    if c.get("result") in NOT_INSPECTED:
        return None
    return False if c.get("result") or c.get("violation_count") is not None else None


#: what the register says of an entity beyond its name, code and address (``registration``)
_REGISTER_FIELDS = ("industry_code", "industry", "registration_date", "registered_capital")


def _register_changes(c: dict[str, Any]) -> dict[str, Any]:
    """The entity's columns a register row sets (its fields that are given)."""
    changes = {attr: c[attr] for attr in (*_REGISTER_FIELDS, "district") if c.get(attr) is not None}
    if c.get("entity_type"):
        changes["entity_type"] = EntityType(c["entity_type"])
    if c.get("entity_status"):
        changes["status"] = EntityStatus(c["entity_status"])
    return changes


def _severity_by_code(code: str, ranges: list[list[Any]]) -> Severity:
    """Severity from numbered violation codes, e.g. [[1, 14, critical], [15, 29, serious], [30, 999, minor]]."""
    try:
        number = int(str(code).strip())
    except ValueError:
        return Severity.MINOR
    for lo, hi, severity in ranges:
        if int(lo) <= number <= int(hi):
            return Severity(severity)
    return Severity.MINOR


def _guess_type(name: str) -> str:
    if "分公司" in name or "分店" in name:
        return "branch"
    if "个体" in name or not any(s in name for s in ("公司", "企业", "合作社", "厂")):
        return "sole_trader" if any("\u4e00" <= ch <= "\u9fff" for ch in name) else "company"
    return "company"


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    return value


__all__ = ["IDENTITY_FIELDS", "LinkMethod", "Ref", "Source", "Writer"]
