"""A row's part of an import that reads no database: its content hash, mapping and validation.

``prepare_rows`` turns a chunk of read rows into ``Prepared`` items; ``pack`` and ``unpack`` carry them
between processes (``premap``), with the JSON the source record stores of them already encoded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from models import RecordType
from models.base import json_text

from ..identifiers import check_uscc
from .bulk import JsonText
from .errors import RowError
from .facts import Source
from .limits import too_large
from .mapping import FileMapping
from .resolve import Resolution, tax_number_org

#: record types whose rows need no entity
ENTITYLESS = {RecordType.CONTEXT}


@dataclass
class Prepared:
    """A row after mapping and validation."""

    row_number: int
    #: the row as read; its JSON text (``JsonText``) where a worker mapped it: the text is all that is stored
    raw: dict[str, Any] | str
    content_hash: str
    canonical: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    uscc_raw: str | None = None
    uscc: str | None = None  # valid, normalised
    source_key: str | None = None
    #: ``jsonable(canonical)`` encoded by the worker that mapped the row (None: encode it when stored)
    canonical_json: str | None = None
    resolution: Resolution = field(default_factory=Resolution)
    source: Source | None = None


#: ``json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))``, built once
_ROW_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def content_hash(raw: dict[str, Any]) -> str:
    """SHA-256 of a row's content (column names and values, order-free): the same row hashes the same.

    Stored hashes must keep matching re-imports: the hashed text is what ``json.dumps`` with the
    arguments above gives (the encoder is built once rather than per row).
    """
    return hashlib.sha256(_ROW_JSON.encode(raw).encode("utf-8")).hexdigest()


#: value types JSON takes as they are (anything else is checked for a date or a decimal)
_PLAIN = frozenset({str, int, float, bool, list, type(None)})


def jsonable(canonical: dict[str, Any]) -> dict[str, Any]:
    """Canonical fields as JSON (dates ISO, decimals as strings)."""
    out = {}
    for key, value in canonical.items():
        if key.startswith("_"):
            continue
        if type(value) not in _PLAIN:
            if isinstance(value, (date, datetime)):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = str(value)
        out[key] = value
    return out


def raw_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row as the file gave it: without the reader's ``__`` keys, or its text where it could not be split."""
    if "__text" in row:
        return {"__text": row["__text"]}
    return {k: v for k, v in row.items() if not k.startswith("__")}


def prepare_rows(fmap: FileMapping, rows: list[dict[str, Any]]) -> list[Prepared]:
    """Map and validate rows (the part of an import that reads no database), mapping them column by column."""
    items: list[Prepared] = []
    mapped: list[Prepared] = []
    for row in rows:
        raw = raw_row(row)
        item = Prepared(row_number=int(row.get("__row", 0)), raw=raw, content_hash=content_hash(raw),
                        source_key=_source_key(fmap, raw))
        items.append(item)
        if "__invalid" in row:
            item.errors.append(RowError(None, row["__invalid"], row.get("__text")))
        elif "__width" in row:
            item.errors.append(RowError(None, f"row has {row['__width']} fields, the header has "
                                              f"{row['__header_width']}"))
        else:
            mapped.append(item)
    for item, (canonical, errors) in zip(mapped, fmap.apply_all([i.raw for i in mapped]), strict=True):
        item.canonical, item.errors = canonical, errors
        _validate(fmap, item)
    return items


def pack(items: list[Prepared]) -> list[tuple[Any, ...]]:
    """Prepared rows as plain tuples, which another process unpickles in a fraction of the time dataclasses
    take, with the raw row and ``jsonable(canonical)`` as the JSON text their columns store. ``RowError`` is a
    dataclass exception and does not survive pickling (its ``args`` are empty), hence its fields as a tuple.
    The texts travel as plain strings: a ``str`` subclass unpickles through its class (``bench/ingest_pickle_cost.py``
    on a 100k world's files: 0.95 s against 0.35 s), so ``unpack`` makes them ``JsonText`` again."""
    return [(i.row_number, json_text(i.raw), i.content_hash, i.canonical,
             None if i.errors else json_text(jsonable(i.canonical)),
             [(e.column, e.message, e.value) for e in i.errors] or None, i.findings or None, i.uscc_raw, i.uscc,
             i.source_key)
            for i in items]


#: the linkage profile whose features a worker prepares for a register's new entities (``LinkageSettings``'s default)
SEED_PROFILE = "company"


def identity_seed(fmap: FileMapping, items: list[Prepared]) -> tuple[list[tuple[Any, ...]], Any] | None:
    """For a register file, the identity rows its accepted rows' new entities will have in the entity index
    (``Writer.new_entities`` and ``Writer.registration``: the row's name, or its other name, with its address,
    district, representative, phone and coordinates; the registered address without coordinates) and their
    matching features, prepared here by the worker that maps the rows (``FeatureCache.seed`` keeps them in
    the importing process). None for other files, whose rows mostly link to known entities."""
    if fmap.record_type != RecordType.REGISTRATION:
        return None
    from ..linkage.entity_rows import prepare_identities  # Splink: imported by a worker mapping a register only

    identities: dict[tuple[Any, ...], None] = {}
    for item in items:
        if item.errors:
            continue
        c = item.canonical
        name, address, rest = c.get("name"), c.get("address"), (c.get("district"), c.get("legal_rep"), c.get("phone"))
        identities[(name, address, *rest, c.get("latitude"), c.get("longitude"))] = None
        if address:
            identities[(name, address, *rest, None, None)] = None
        alt = c.get("alt_name")
        if alt and alt != name:
            identities[(alt, address, *rest, c.get("latitude"), c.get("longitude"))] = None
    if not identities:
        return None
    rows = list(identities)
    return rows, prepare_identities(SEED_PROFILE, rows)


def packed_chunk(fmap: FileMapping, rows: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], Any]:
    """A chunk of rows mapped (``prepare_rows``) and packed, with the features of a register's new identity
    rows (``identity_seed``): what a worker sends for each chunk."""
    items = prepare_rows(fmap, rows)
    return pack(items), identity_seed(fmap, items)


def unpack(packed: list[tuple[Any, ...]]) -> list[Prepared]:
    """``Prepared`` rows again from ``pack``'s tuples (``raw`` and the canonical JSON as ``JsonText``: the importing
    process inserts them as they are)."""
    return [Prepared(row_number, JsonText(raw), digest, canonical, [RowError(*e) for e in errors] if errors else [],
                     findings or [], uscc_raw, uscc, source_key,
                     None if canonical_json is None else JsonText(canonical_json))
            for row_number, raw, digest, canonical, canonical_json, errors, findings, uscc_raw, uscc, source_key
            in packed]


def _source_key(fmap: FileMapping, raw: dict[str, Any]) -> str | None:
    if not fmap.source_key:
        return None
    value = raw.get(fmap.source_key)
    return None if value in (None, "") else str(value)[:200]


def _validate(fmap: FileMapping, item: Prepared) -> None:
    c = item.canonical
    item.errors.extend(too_large(fmap.record_type, c, lambda name: source_column(fmap, name)))
    raw_code = c.get("uscc")
    check = check_uscc(raw_code) if raw_code else None
    if fmap.record_type not in ENTITYLESS and fmap.record_type not in (RecordType.VIOLATION, RecordType.ROLE) \
            and fmap.record_type != RecordType.COMPLAINT and not c.get("name") and not (check and check.valid):
        item.errors.append(RowError(None, "names no entity: neither a name nor a valid credit code"))
    if fmap.record_type == RecordType.COMPLAINT and not (c.get("name") or c.get("uscc") or c.get("address")
                                                         or c.get("latitude") is not None):
        item.errors.append(RowError(None, "names no entity and no place"))
    if check is not None:
        item.uscc_raw = str(raw_code)[:64]
        if check.valid:
            item.uscc = check.code
            if check.code != str(raw_code).strip():
                item.findings.append({"kind": "uscc_normalised", "value": item.uscc_raw})
        else:
            org = tax_number_org(check.code)
            kind = "tax_number" if org else f"uscc_{check.problem}"
            item.findings.append({"kind": kind, "column": source_column(fmap, "uscc"), "value": item.uscc_raw})


def source_column(fmap: FileMapping, field_name: str) -> str | None:
    """The file's column that a canonical field is read from (the first, where it joins several)."""
    for spec in fmap.fields:
        if spec.name == field_name:
            return spec.column if isinstance(spec.column, str) or spec.column is None else spec.column[0]
    return None

