"""The identity block's rows in one statement: names, addresses, phones, licences, people and roles.

Five lists, each with its own order and limit, as one UNION ALL of plain columns: each part fills its own
columns (typed NULLs elsewhere, which PostgreSQL needs to match the parts' types) and numbers its rows in
its own order. One statement instead of five, and plain rows instead of ORM objects (the page only reads
them), cost the page about a fifth of its statements.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Integer, bindparam, cast, func, literal_column, null, select, union_all

from models import (
    Address,
    AddressKind,
    EntityAddress,
    EntityName,
    EntityPhone,
    EntityRole,
    Licence,
    LicenceStatus,
    NameKind,
    Person,
    PersonRole,
    Phone,
    RecordStatus,
)

from ..services.working_days import local_day
from ..sql_lists import in_list

MAX_LICENCES = 200


@dataclass(frozen=True, slots=True)
class NameLine:
    """A name of the entity besides its registered one."""

    name: str
    kind: NameKind
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class AddressLine:
    """An address of the entity."""

    address_id: int
    kind: AddressKind
    text: str | None


@dataclass(frozen=True, slots=True)
class LicenceLine:
    """A licence as the profile lists it."""

    id: int
    agency_id: int | None
    licence_no: str | None
    licence_type: str | None
    issue_date: date | None
    valid_to: date | None
    licence_status: LicenceStatus
    status: RecordStatus

    @property
    def status_today(self) -> LicenceStatus:
        """The status in effect today (a valid licence past its term has expired)."""
        return self.licence_status.on(local_day(), self.valid_to)


@dataclass(frozen=True, slots=True)
class RoleLine:
    """A person's role in the entity, the person's name and ID unmasked (the caller masks them)."""

    role: PersonRole
    share: float | None
    since: date | None
    until: date | None
    name: str
    id_masked: str | None


_ENTITY = bindparam("entity_id", type_=Integer)


def _parts(personal: bool, agencies: bool) -> list[tuple[type | None, dict[str, Any], Any, tuple, int | None]]:
    """Each part: the class its rows become (None: the value itself), its columns, its rows, order and limit."""
    licences = select().where(Licence.entity_id == _ENTITY, Licence.status != RecordStatus.WITHDRAWN)
    if agencies:
        licences = licences.where(in_list(Licence.agency_id, "agencies"))
    return [
        (NameLine, {"name": EntityName.name, "kind": EntityName.kind, "valid_from": EntityName.valid_from,
                    "valid_to": EntityName.valid_to},
         select().where(EntityName.entity_id == _ENTITY),
         (EntityName.valid_from.desc().nulls_last(), EntityName.id), None),
        (AddressLine, {"address_id": EntityAddress.address_id, "kind": EntityAddress.kind, "text": Address.text},
         select().select_from(EntityAddress).outerjoin(Address, Address.id == EntityAddress.address_id)
         .where(EntityAddress.entity_id == _ENTITY),
         (EntityAddress.kind, EntityAddress.id), None),
        (None, {"phone": Phone.number if personal else Phone.masked},
         select().select_from(Phone).join(EntityPhone, EntityPhone.phone_id == Phone.id)
         .where(EntityPhone.entity_id == _ENTITY),
         (EntityPhone.id,), 20),
        (LicenceLine, {"id": Licence.id, "agency_id": Licence.agency_id, "licence_no": Licence.licence_no,
                       "licence_type": Licence.licence_type, "issue_date": Licence.issue_date,
                       "valid_to": Licence.valid_to, "licence_status": Licence.licence_status,
                       "status": Licence.status},
         licences, (Licence.issue_date.desc().nulls_last(), Licence.id.desc()), MAX_LICENCES),
        (RoleLine, {"role": EntityRole.role, "share": EntityRole.share, "since": EntityRole.start_date,
                    "until": EntityRole.end_date, "name": Person.name, "id_masked": Person.id_masked},
         select().select_from(EntityRole).join(Person, Person.id == EntityRole.person_id)
         .where(EntityRole.entity_id == _ENTITY),
         (EntityRole.end_date.is_not(None), EntityRole.start_date.desc().nulls_last(), EntityRole.id), 100),
    ]


@functools.cache
def _statement(personal: bool, agencies: bool):  # noqa: ANN202 - (statement, parts with their column ranges)
    """The UNION ALL for phones masked or not and licences of some agencies or all, built once per process."""
    parts = _parts(personal, agencies)
    slots = [(p, column) for p, part in enumerate(parts) for column in part[1].values()]
    selects = []
    for p, (_cls, _columns, stmt, order, limit) in enumerate(parts):
        values = [column.label(f"c{i}") if q == p else cast(null(), column.type).label(f"c{i}")
                  for i, (q, column) in enumerate(slots)]
        stmt = (stmt.add_columns(literal_column(str(p), Integer).label("part"),
                                 func.row_number().over(order_by=order).label("seq"), *values)
                .order_by(*order).limit(limit))
        sub = stmt.subquery()
        selects.append(select(sub.c.part, sub.c.seq, *[sub.c[f"c{i}"] for i in range(len(slots))]))
    union = union_all(*selects)
    union = union.order_by(union.selected_columns.part, union.selected_columns.seq)
    ranges, start = [], 2
    for cls, columns, *_rest in parts:
        ranges.append((cls, start, start + len(columns)))
        start += len(columns)
    return union, ranges


def identity_rows(connection: Any, entity_id: int, personal: bool, agencies: set[int] | None) -> list[list[Any]]:
    """Names, addresses, phones (masked unless ``personal``), licences (only ``agencies``' unless None)
    and roles of the entity, each list in its order."""
    stmt, ranges = _statement(bool(personal), agencies is not None)
    params: dict[str, Any] = {"entity_id": entity_id}
    if agencies is not None:
        params["agencies"] = sorted(agencies)
    out: list[list[Any]] = [[] for _ in ranges]
    for row in connection.execute(stmt, params):
        cls, start, end = ranges[row[0]]
        out[row[0]].append(row[start] if cls is None else cls(*row[start:end]))
    return out
