"""The kinds of record a profile shows: their model, date, fields, and how a correction edits them.

One table of record kinds, so that the timeline, the record page, objections, corrections and the API
agree on what a record is and which of its fields an owning agency may correct.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from models import (
    Complaint,
    ComplaintStatus,
    EnforcementAction,
    Inspection,
    InspectionResult,
    InspectionType,
    Licence,
    LicenceStatus,
    ListEntry,
    PenaltyType,
    Severity,
    Violation,
)

from .request_guards import MAX_ID


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record: shown on the record page, editable when an objection is accepted."""

    name: str
    kind: str  #: date | text | int | decimal | enum | bool
    label: Any
    enum: type[enum.Enum] | None = None
    required: bool = False


@dataclass(frozen=True)
class RecordKind:
    """A kind of record on the profile."""

    key: str
    model: type
    date_field: str
    fields: tuple[FieldSpec, ...]
    timeline: bool = True


KINDS: dict[str, RecordKind] = {k.key: k for k in (
    RecordKind("inspection", Inspection, "inspection_date", (
        FieldSpec("inspection_date", "date", _l("Date"), required=True),
        FieldSpec("inspection_type", "enum", _l("Type"), InspectionType, required=True),
        FieldSpec("result", "enum", _l("Result"), InspectionResult),
        FieldSpec("violation_count", "int", _l("Violations found"), required=True),
        FieldSpec("inspectors_text", "text", _l("Inspectors")),
        FieldSpec("notes", "text", _l("Notes")),
    )),
    RecordKind("violation", Violation, "found_date", (
        FieldSpec("found_date", "date", _l("Date found"), required=True),
        FieldSpec("code", "text", _l("Code")),
        FieldSpec("description", "text", _l("Description")),
        FieldSpec("severity", "enum", _l("Severity"), Severity, required=True),
        FieldSpec("corrected_date", "date", _l("Corrected on")),
    )),
    RecordKind("enforcement", EnforcementAction, "decision_date", (
        FieldSpec("decision_no", "text", _l("Decision number")),
        FieldSpec("decision_date", "date", _l("Decision date"), required=True),
        FieldSpec("penalty_type", "enum", _l("Penalty"), PenaltyType, required=True),
        FieldSpec("amount", "decimal", _l("Amount (yuan)")),
        FieldSpec("legal_basis", "text", _l("Legal basis")),
        FieldSpec("description", "text", _l("Description")),
        FieldSpec("publication_end", "date", _l("Public until")),
        FieldSpec("repaired_on", "date", _l("Publication ended by credit repair on")),
    )),
    RecordKind("list_entry", ListEntry, "added_date", (
        FieldSpec("added_date", "date", _l("Added on"), required=True),
        FieldSpec("added_reason", "text", _l("Reason")),
        FieldSpec("removed_date", "date", _l("Removed on")),
        FieldSpec("removed_reason", "text", _l("Reason for removal")),
    )),
    RecordKind("complaint", Complaint, "received_date", (
        FieldSpec("received_date", "date", _l("Received on"), required=True),
        FieldSpec("category", "text", _l("Category")),
        FieldSpec("description", "text", _l("Description")),
        FieldSpec("complaint_status", "enum", _l("Status"), ComplaintStatus, required=True),
    )),
    RecordKind("licence", Licence, "issue_date", (
        FieldSpec("licence_no", "text", _l("Licence number")),
        FieldSpec("licence_type", "text", _l("Licence")),
        FieldSpec("issue_date", "date", _l("Issued on")),
        FieldSpec("valid_from", "date", _l("Valid from")),
        FieldSpec("valid_to", "date", _l("Valid until")),
        FieldSpec("licence_status", "enum", _l("Status"), LicenceStatus, required=True),
    ), timeline=False),
)}
TIMELINE_KINDS = tuple(k for k, v in KINDS.items() if v.timeline)
#: CreditRepair.target_type -> record kind
REPAIR_TARGETS = {"enforcement_action": "enforcement", "list_entry": "list_entry"}


class FieldError(ValueError):
    """A submitted field value is not valid; ``field`` names it, ``label`` is what the user knows it by."""

    def __init__(self, spec: FieldSpec, message: str) -> None:
        super().__init__(f"{spec.name}: {message}")
        self.field = spec.name
        self.label = str(spec.label)
        self.message = message


def kind_of(key: str) -> RecordKind | None:
    """The record kind for a key, or None."""
    return KINDS.get(key)


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(kind: RecordKind, record: Any) -> dict[str, Any]:
    """The record's correctable fields, status and source, as JSON-ready values (for RecordRevision)."""
    out = {f.name: _jsonable(getattr(record, f.name)) for f in kind.fields}
    out["status"] = _jsonable(record.status)
    out["source_record_id"] = record.source_record_id
    return out


#: an amount as people write it: digits with an optional decimal part, thousands grouped by commas or not
_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def typed_amount(text: str) -> Decimal:
    """An amount as typed in a form: full-width digits, "1,500.50", "¥1500", "1500元"; ValueError when it is
    none. Commas only where they group thousands ("1.500,50" is refused, not read as 1.50050)."""
    cleaned = unicodedata.normalize("NFKC", text).strip().removeprefix("¥").removesuffix("元").strip()
    if not _AMOUNT.fullmatch(cleaned):
        raise ValueError(text)
    return Decimal(cleaned.replace(",", ""))


def parse_value(spec: FieldSpec, raw: str | None, column: Any = None) -> Any:
    """Turn a submitted string into the field's type; raises FieldError saying what is wrong.

    With the table ``column`` the value must also fit it (text length, numeric precision): what the
    database would refuse, or SQLite would keep while PostgreSQL refuses, is a field error here.
    """
    text = (raw or "").strip()
    if not text:
        if spec.required:
            raise FieldError(spec, gettext("a value is required"))
        return None
    invalid = FieldError(spec, gettext("“%(value)s” is not a valid value", value=text))
    try:
        if spec.kind == "date":
            return date.fromisoformat(text)
        if spec.kind == "int":
            number = int(text)
            if not 0 <= number <= MAX_ID:
                raise invalid
            return number
        if spec.kind == "decimal":
            return _decimal(typed_amount(text), column, invalid)
        if spec.kind == "enum":
            return spec.enum(text)
        if spec.kind == "bool":
            return text.lower() in ("1", "true", "yes", "on")
    except (ValueError, InvalidOperation):
        raise invalid from None
    length = getattr(getattr(column, "type", None), "length", None)
    if length and len(text) > length:
        raise FieldError(spec, gettext("at most %(count)s characters", count=length))
    return text


def numeric_limit(column: Any) -> Decimal | None:
    """The first amount a NUMERIC(precision, scale) column cannot hold (None without a precision)."""
    precision = getattr(getattr(column, "type", None), "precision", None)
    scale = getattr(getattr(column, "type", None), "scale", None) or 0
    return Decimal(10) ** (precision - scale) if precision else None


def _decimal(value: Decimal, column: Any, invalid: FieldError) -> Decimal:
    """A finite amount, not negative, within the column's digits (rounded to its scale as PostgreSQL does)."""
    limit = numeric_limit(column)
    if not value.is_finite() or value < 0 or (limit is not None and value >= limit):
        raise invalid
    if limit is None:
        return value
    return value.quantize(Decimal(1).scaleb(-(column.type.scale or 0)), rounding=ROUND_HALF_UP)


def changed_fields(kind: RecordKind, record: Any, form: dict[str, str], prefix: str = "field-") -> dict[str, Any]:
    """The fields whose submitted value differs from the record's (FieldError on a bad value)."""
    changes = {}
    columns = kind.model.__table__.c
    for spec in kind.fields:
        key = prefix + spec.name
        if key not in form:
            continue
        value = parse_value(spec, form[key], columns.get(spec.name))
        if value != getattr(record, spec.name):
            changes[spec.name] = value
    return changes


def form_value(spec: FieldSpec, record: Any) -> str:
    """The record's current value as a form input string."""
    value = _jsonable(getattr(record, spec.name))
    return "" if value is None else str(value)
