"""Field sizes: a value longer or larger than its database column holds is a row error, not a failed import.

PostgreSQL refuses a string longer than its ``VARCHAR(n)`` column, a number beyond its ``INTEGER`` or
``NUMERIC(p, s)`` column, and the whole chunk's transaction with it; SQLite stores the string silently and fails
on an integer beyond 64 bits. Checking canonical values against the target columns before writing quarantines
just the row, naming its column and the limit.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Float, Integer, Numeric, String

from models import (
    Complaint,
    EnforcementAction,
    Inspection,
    Licence,
    ListEntry,
    MarketEntity,
    Person,
    RecordType,
    Violation,
)

from .errors import RowError

#: the tables each record type writes (besides the entity every record may create)
TARGETS: dict[RecordType, tuple[type, ...]] = {
    RecordType.REGISTRATION: (MarketEntity,),
    RecordType.ROLE: (Person,),
    RecordType.LICENCE: (Licence,),
    RecordType.INSPECTION: (Inspection,),
    RecordType.VIOLATION: (Violation,),
    RecordType.ENFORCEMENT: (EnforcementAction,),
    RecordType.LIST_ENTRY: (ListEntry,),
    RecordType.COMPLAINT: (Complaint,),
}


@cache
def limits(record_type: RecordType) -> dict[str, int | Decimal]:
    """Canonical field name -> what the narrowest column of that name it may land in holds: the ``VARCHAR``
    length (an int), or the smallest magnitude an ``INTEGER`` or ``NUMERIC(p, s)`` column cannot hold (a
    Decimal)."""
    out: dict[str, int | Decimal] = {}
    for model in (*TARGETS.get(record_type, ()), MarketEntity):
        for column in model.__table__.columns:
            kind = column.type
            if isinstance(kind, String) and kind.length and column.name != "uscc":
                limit: int | Decimal = kind.length
            elif isinstance(kind, Integer):
                limit = Decimal(2) ** (63 if isinstance(kind, BigInteger) else 31)
            elif isinstance(kind, Numeric) and not isinstance(kind, Float) and kind.precision:
                limit = Decimal(10) ** (kind.precision - (kind.scale or 0))
            else:
                continue
            out[column.name] = min(out.get(column.name, limit), limit)
    return out


def too_large(record_type: RecordType, canonical: dict[str, Any], column_of: Any) -> list[RowError]:
    """A row error for each canonical text longer, or number larger (either side of zero), than its column
    holds."""
    bounds = limits(record_type)
    errors = []
    for name, value in canonical.items():
        limit = bounds.get(name)
        if limit is None or value is None:
            continue
        if isinstance(limit, int):
            if isinstance(value, str) and len(value) > limit:
                errors.append(RowError(column_of(name) or name,
                                       f"too long: {len(value)} characters, at most {limit}", value[:50]))
        elif isinstance(value, (int, Decimal)) and not isinstance(value, bool) and abs(value) >= limit:
            top = limit - 1 if isinstance(value, int) else limit - Decimal("0.01")
            errors.append(RowError(column_of(name) or name, f"out of range: from -{top} to {top}", str(value)))
    return errors
