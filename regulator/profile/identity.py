"""The identity block of a profile: names over time, addresses, people and phones, licences.

Personal data is masked here, once, for viewers who may not see it (regulator.privacy): templates and
the API only ever receive the form the viewer is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Integer, bindparam, select

from models import (
    EntityName,
    EntityRole,
    MarketEntity,
    NameKind,
    Person,
    PersonRole,
)

from ..extensions import db
from ..privacy import mask_name
from .identity_rows import AddressLine, LicenceLine, NameLine, identity_rows
from .places import Place, places


@dataclass
class PersonLine:
    """A person's role in the entity, as the viewer may see it."""

    role: str
    name: str
    id_masked: str | None
    share: float | None
    since: date | None
    until: date | None


@dataclass
class Identity:
    """Everything the identity block shows."""

    entity: MarketEntity
    names: list[NameLine]
    addresses: list[AddressLine]
    representative: PersonLine | None
    people: list[PersonLine] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    licences: list[LicenceLine] = field(default_factory=list)
    parent: MarketEntity | None = None
    #: what the block shows of ``addresses``: other spellings of the registered address, and the other places
    registered_variants: list[str] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)


def legal_representative(entity_id: int, personal: bool) -> PersonLine | None:
    """The current legal representative (latest start), masked unless ``personal``."""
    lines = people_of(entity_id, personal, roles=(PersonRole.LEGAL_REPRESENTATIVE,))
    current = [p for p in lines if p.until is None] or lines
    return current[0] if current else None


# built once with the entity as a parameter (building it anew for each page cost about as much CPU as
# executing it); the profile's identity block has its people from identity_rows
_ENTITY = bindparam("entity_id", type_=Integer)
_PEOPLE = (select(EntityRole, Person).join(Person, Person.id == EntityRole.person_id)
           .where(EntityRole.entity_id == _ENTITY)
           .order_by(EntityRole.end_date.is_not(None), EntityRole.start_date.desc().nulls_last(), EntityRole.id)
           .limit(100))


def people_of(entity_id: int, personal: bool, roles: tuple[PersonRole, ...] | None = None) -> list[PersonLine]:
    """The entity's people and roles, newest first; names masked and ID numbers hidden unless ``personal``."""
    stmt = _PEOPLE
    if roles:
        stmt = stmt.where(EntityRole.role.in_(roles))
    return [PersonLine(role=str(r.role.value), name=p.name if personal else mask_name(p.name),
                       id_masked=p.id_masked if personal else None, share=r.share,
                       since=r.start_date, until=r.end_date)
            for r, p in db.session.execute(stmt, {"entity_id": entity_id}).all()]


def load_identity(entity: MarketEntity, personal: bool, agencies: set[int] | None = None) -> Identity:
    """The identity block; ``agencies`` limits licences to those agencies' (None: all)."""
    names, addresses, phones, licences, roles = identity_rows(db.session.connection(), entity.id, personal, agencies)
    people = [PersonLine(role=str(r.role.value), name=r.name if personal else mask_name(r.name),
                         id_masked=r.id_masked if personal else None, share=r.share, since=r.since, until=r.until)
              for r in roles]
    reps = [p for p in people if p.role == PersonRole.LEGAL_REPRESENTATIVE.value]
    representative = next((p for p in reps if p.until is None), reps[0] if reps else None)
    parent = db.session.get(MarketEntity, entity.parent_id) if entity.parent_id else None
    registered_variants, other_places = places(entity.address.text if entity.address else None, addresses)
    return Identity(entity=entity, names=[n for n in names if n.name != entity.name or n.kind != NameKind.REGISTERED],
                    addresses=addresses, representative=representative, people=people, phones=phones,
                    licences=licences, parent=parent, registered_variants=registered_variants,
                    places=other_places)


def public_representative(entity_id: int) -> str | None:
    """The legal representative's masked name: all the public profile shows of a person."""
    line = legal_representative(entity_id, personal=False)
    return line.name if line else None


def former_names(entity_id: int) -> list[EntityName]:
    """Names the entity was registered under before (public facts of registration)."""
    return list(db.session.scalars(select(EntityName).where(EntityName.entity_id == entity_id,
                                                            EntityName.kind == NameKind.FORMER)
                                   .order_by(EntityName.valid_to.desc().nulls_last())))


def licences_payload(licences: list[LicenceLine]) -> list[dict[str, Any]]:
    """Licences as JSON for the API."""
    return [{"id": lic.id, "agency_id": lic.agency_id, "licence_no": lic.licence_no, "licence_type": lic.licence_type,
             "issue_date": lic.issue_date, "valid_to": lic.valid_to, "status": lic.status_today.value,
             "recorded_status": lic.licence_status.value,
             "record_status": lic.status.value} for lic in licences]
