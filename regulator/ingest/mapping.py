"""Declarative agency mappings (YAML under ``mappings/``): source columns to canonical fields, per file.

A mapping file names its agency and, for each kind of file the agency sends, which file names it
covers, the record type each row yields, the source-key column, the date formats and one entry per
canonical field::

    agency: MEE
    files:
      mee_inspections:
        match: ["mee_inspections*"]
        record_type: inspection
        source_key: 检查记录号
        date_formats: ["%Y/%m/%d"]
        fields:
          name: 单位名称                       # a column, as is
          inspection_date: {column: 检查时间, type: date, required: true}
          selection_reason: {column: 检查类别, map: {双随机: random_draw, 重点监管: risk_ranking}}
          inspectors_text: {column: 执法人员}
          violation_codes: {column: 问题代码, type: list, split: ";"}
          amount: {column: 罚款金额（元）, type: decimal, scale: 0.0001}
          list_type: {value: serious_illegal}  # a constant

Field types: text (default), date, int, float, decimal, bool, list. ``map`` translates values (an
unknown value rejects the row, naming the column), ``default`` fills empty cells, ``required``
rejects rows where the field stays empty. Adding an agency is adding a file here.
"""

from __future__ import annotations

import fnmatch
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask_babel import gettext as _

from models import RecordType

from .errors import MappingError, RowError

MAPPINGS_DIR = Path(__file__).parent / "mappings"
TYPES = ("text", "date", "int", "float", "decimal", "bool", "list")
#: digits before the point of the largest number a mapping reads (the database's columns hold fewer: ``limits``)
MAX_DIGITS = 20
_TRUE = {"1", "true", "yes", "y", "t", "是", "属实"}
_FALSE = {"0", "false", "no", "n", "f", "否", "不属实"}
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$")
#: an Excel serial date: days since 1899-12-31, the fraction the time of day
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")
#: Excel's last day, 9999-12-31
MAX_SERIAL = 2958465


@dataclass(frozen=True)
class FieldMap:
    """How one canonical field is read from a row."""

    name: str
    #: a column, or several of which the first non-empty one is used
    column: str | tuple[str, ...] | None = None
    type: str = "text"
    value: Any = None
    map: dict[str, Any] | None = None
    default: Any = None
    required: bool = False
    split: str | None = None
    scale: float | None = None
    formats: tuple[str, ...] = ()
    #: the value for anything ``map`` does not list (instead of rejecting the row)
    unmapped: Any = None
    #: cell values that mean "empty" for this field (e.g. "0" for a missing licence number)
    nulls: tuple[str, ...] = ()
    #: what a text cell holds beyond the value, removed (a regular expression: "-\\d+$" after a licence number)
    strip: re.Pattern[str] | None = None

    def read(self, row: dict[str, Any], date_formats: tuple[str, ...], serial_dates: bool = False) -> Any:
        """The field's value in ``row``; raises RowError naming the column when it cannot be read.
        ``serial_dates``: a date column may hold Excel serial numbers (an XLSX file, ``FileMapping.for_format``)."""
        column = self.column
        if column is None:
            raw = self.value
        elif isinstance(column, tuple):
            column, raw = next(((c, row.get(c)) for c in column if not _empty(row.get(c))), (column[0], None))
        else:
            raw = row.get(column)
        return self.convert(column, raw, date_formats, serial_dates)

    def convert(self, column: str | tuple[str, ...] | None, raw: Any, date_formats: tuple[str, ...],
                serial_dates: bool = False) -> Any:
        """The field's value from the cell ``raw`` of ``column`` (what ``read`` does once it found the cell)."""
        if self.strip is not None and isinstance(raw, str):
            raw = self.strip.sub("", raw)
        if self.nulls and isinstance(raw, str) and raw.strip() in self.nulls:
            raw = None
        if _empty(raw):
            raw = self.default
            if _empty(raw):
                if self.required:
                    raise RowError(column, "is required but empty", raw)
                return [] if self.type == "list" else None
            return raw
        if isinstance(raw, (dict, list)) and not (isinstance(raw, list) and self.type == "list"):
            raise RowError(column, "not a single value (a JSON list or object)", raw)
        if self.map is not None:
            key = raw if not isinstance(raw, str) else raw.strip()
            if key not in self.map and self.unmapped is not None:
                key = None
                raw = self.unmapped
            elif key not in self.map:
                raise RowError(column, f"unknown value {key!r} (expected one of "
                                            f"{', '.join(map(str, list(self.map)[:8]))})", raw)
            raw = self.map[key] if key is not None else raw
            if _empty(raw):
                return None
        try:
            return _convert(raw, self, self.formats or date_formats, serial_dates)
        except (ValueError, InvalidOperation) as exc:
            raise RowError(column, str(exc), raw) from None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _convert(raw: Any, spec: FieldMap, date_formats: tuple[str, ...], serial_dates: bool = False) -> Any:
    kind = spec.type
    if kind == "text":
        return unicodedata.normalize("NFC", str(raw)).strip()
    if kind == "list":
        return _as_list(raw, spec.split)
    if kind == "date":
        return parse_date(raw, date_formats, serial_dates)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"not a yes/no value: {raw!r}")
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a {'whole ' if kind == 'int' else ''}number: {raw!r}") from None
    if not number.is_finite():
        raise ValueError(f"not a {'whole ' if kind == 'int' else ''}number: {raw!r}")
    if number.adjusted() >= MAX_DIGITS:  # no column holds it; int() of 1e999999999 would compute a billion digits
        raise ValueError(f"out of range: {raw!r}")
    if kind == "int":
        if number != number.to_integral_value():
            raise ValueError(f"not a whole number: {raw!r}")
        return int(number)
    if spec.scale is not None:
        number = number * Decimal(str(spec.scale))
    return float(number) if kind == "float" else number.quantize(Decimal("0.01"))


def _as_list(raw: Any, split: str | None) -> list[str]:
    if isinstance(raw, list):
        return [str(v).strip() for v in raw if not _empty(v)]
    text = str(raw).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            values = json.loads(text.replace("'", '"'))
            return [str(v).strip() for v in values if not _empty(v)]
        except json.JSONDecodeError:
            pass
    parts = re.split("|".join(re.escape(s) for s in split), text) if split else [text]
    return [p.strip() for p in parts if p.strip()]


def parse_date(raw: Any, formats: tuple[str, ...], serial_dates: bool = False) -> date:
    """A date in one of ``formats`` (strptime), ISO 8601, or 2023年5月1日; ValueError naming the value.

    With ``serial_dates`` (a cell of an XLSX file) a number from 1 to 9999-12-31's 2958465 that no format reads
    is an Excel serial date: a date cell without a date format shows it so (Chinese agencies' exports often have
    them). A CSV or a JSON line keeps refusing a bare number: there it is no date.
    """
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        return _parse_text_date(raw, formats, serial_dates)  # files repeat few dates: strptime is ~10 µs a call
    return _parse_date(raw, formats, serial_dates)


@lru_cache(maxsize=1 << 16)
def _parse_text_date(raw: str, formats: tuple[str, ...], serial_dates: bool) -> date:
    return _parse_date(raw, formats, serial_dates)


def _excel_day(serial: str, raw: Any) -> date:
    """The day of an Excel serial date (1900 date system, the time of day left out): 1 is 1900-01-01; 60 is
    Excel's 1900-02-29, which was no day (Lotus 1-2-3's leap year kept for its files); from 61 the days count
    from 1899-12-30 (61 is 1900-03-01)."""
    days = int(Decimal(serial))
    if days == 60:
        raise ValueError(f"not a day of the calendar: {raw!r}")
    return (date(1899, 12, 31) if days < 60 else date(1899, 12, 30)) + timedelta(days=days)


def _parse_date(raw: Any, formats: tuple[str, ...], serial_dates: bool = False) -> date:
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    for fmt in formats:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    match = _CN_DATE.match(text)
    if match:
        return date(*map(int, match.groups()))
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    if serial_dates and _SERIAL.fullmatch(text) and 1 <= Decimal(text) < MAX_SERIAL + 1:
        return _excel_day(text, raw)
    if any(_shape(fmt).fullmatch(text) for fmt in formats or ("%Y-%m-%d",)):
        raise ValueError(f"not a day of the calendar: {raw!r}")  # 2024-02-30, 2023-13-45: written right, no such day
    raise ValueError(f"not a date in the expected format ({', '.join(formats) or 'ISO'}): {raw!r}")


#: the strftime directives of the mapping files' date formats: the digits each writes, and how people name them
DIRECTIVES = {"%Y": (r"\d{4}", "YYYY"), "%y": (r"\d{2}", "YY"), "%m": (r"\d{1,2}", "MM"), "%d": (r"\d{1,2}", "DD"),
              "%H": (r"\d{1,2}", "hh"), "%M": (r"\d{1,2}", "mm"), "%S": (r"\d{1,2}", "ss")}


@lru_cache(maxsize=64)
def _shape(fmt: str) -> re.Pattern[str]:
    """The digits and separators a date format writes (``%Y-%m-%d``: ``\\d{4}-\\d{1,2}-\\d{1,2}``)."""
    parts = re.split(r"(%[A-Za-z%])", fmt)
    return re.compile("".join(DIRECTIVES[p][0] if p in DIRECTIVES else r"\S+" if p.startswith("%") and len(p) == 2
                              else re.escape(p) for p in parts if p))


@dataclass(frozen=True)
class FileMapping:
    """The mapping of one kind of file of an agency."""

    agency: str
    name: str
    record_type: RecordType
    match: tuple[str, ...]
    source_key: str | None
    fields: tuple[FieldMap, ...]
    date_formats: tuple[str, ...] = ()
    #: extra settings of a record type (e.g. a context kind, how to link address-only rows)
    options: dict[str, Any] = field(default_factory=dict)
    #: date columns may hold Excel serial numbers (the file is a workbook: ``for_format``)
    serial_dates: bool = False

    def for_format(self, file_format: str | None) -> FileMapping:
        """This mapping as it reads a file of ``file_format``: an XLSX file's date columns may hold Excel serial
        numbers (``parse_date``); other files' may not."""
        serial = file_format == "xlsx"
        return self if serial == self.serial_dates else replace(self, serial_dates=serial)

    @property
    def columns(self) -> set[str]:
        """Columns the mapping reads."""
        cols = {c for f in self.fields for c in _columns(f.column)}
        return cols | ({self.source_key} if self.source_key else set())

    @property
    def required_columns(self) -> set[str]:
        """Columns a file must have for this mapping to apply to it."""
        cols = {c for f in self.fields if f.required for c in _columns(f.column)[:1]}
        return cols | ({self.source_key} if self.source_key else set())

    def apply(self, row: dict[str, Any]) -> tuple[dict[str, Any], list[RowError]]:
        """The canonical fields of ``row`` and every error found (all are reported, not just the first)."""
        out: dict[str, Any] = {}
        errors: list[RowError] = []
        for spec in self.fields:
            try:
                out[spec.name] = spec.read(row, self.date_formats, self.serial_dates)
            except RowError as exc:
                if not any(e.column == exc.column and e.message == exc.message for e in errors):
                    errors.append(exc)
        return out, errors

    def apply_all(self, rows: list[dict[str, Any]]) -> list[tuple[dict[str, Any], list[RowError]]]:
        """``apply`` of each row, computed column by column: a field converts each distinct text cell once.

        Files repeat few values in most columns (dates, categories, codes). A row where any field fails is
        mapped again by ``apply``, so its errors (and the fields it keeps) are exactly those of ``apply``.
        """
        failed: set[int] = set()
        names = [spec.name for spec in self.fields]
        columns = [_read_column(spec, rows, self.date_formats, failed, self.serial_dates) for spec in self.fields]
        return [self.apply(row) if n in failed else (dict(zip(names, values, strict=True)), [])
                for n, (row, values) in enumerate(zip(rows, zip(*columns, strict=True) if columns
                                                      else ((),) * len(rows), strict=True))]

    def applies_to(self, filename: str) -> bool:
        """True when ``filename`` matches one of this mapping's patterns."""
        return any(fnmatch.fnmatch(filename.lower(), p.lower()) for p in self.match)


@dataclass(frozen=True)
class AgencyMapping:
    """Every file mapping of one agency."""

    agency: str
    name: str | None
    files: tuple[FileMapping, ...]
    source: Path | None = None
    #: the agency's domain and English name, to register it on its first import
    domain: str | None = None
    name_en: str | None = None

    def for_file(self, filename: str, headers: list[str] | None = None, kind: str | None = None) -> FileMapping:
        """The file mapping for ``filename`` (or the one named ``kind``); MappingError if none fits."""
        if kind:
            for fm in self.files:
                if fm.name == kind:
                    return fm
            raise MappingError(_("The import mapping of agency %(agency)s has no file kind “%(kind)s” (its kinds: "
                                 "%(kinds)s).", agency=self.agency, kind=kind,
                                 kinds=", ".join(f.name for f in self.files)))
        matches = [fm for fm in self.files if fm.applies_to(filename)]
        if not matches and headers is not None:
            have = set(headers)
            matches = [fm for fm in self.files if fm.required_columns and fm.required_columns <= have]
            matches.sort(key=lambda fm: -len(fm.columns & have))
            matches = matches[:1]
        if not matches:
            raise MappingError(_("%(file)s: no file kind of the import mapping of agency %(agency)s fits this file "
                                 "(its kinds: %(kinds)s): choose the file kind.", file=filename,
                                 agency=self.agency, kinds=", ".join(f.name for f in self.files)))
        return matches[0]


_FAILED = object()


def _read_column(spec: FieldMap, rows: list[dict[str, Any]], date_formats: tuple[str, ...],
                 failed: set[int], serial_dates: bool = False) -> list[Any]:
    """``spec.read`` of each row (``_FAILED`` where it raises, its row number added to ``failed``)."""
    out: list[Any] = []
    column = spec.column
    if not isinstance(column, str):  # a constant or the first non-empty of several columns: row by row
        for n, row in enumerate(rows):
            try:
                out.append(spec.read(row, date_formats, serial_dates))
            except RowError:
                out.append(_FAILED)
                failed.add(n)
        return out
    if spec.type == "text" and spec.map is None and not spec.nulls and spec.strip is None:
        # plain text (names, addresses: few repeats): what ``convert`` gives a non-blank str, without a memo
        normalize = unicodedata.normalize
        for n, row in enumerate(rows):
            raw = row.get(column)
            if type(raw) is str and raw.strip():  # noqa: E721
                out.append(normalize("NFC", raw).strip())
                continue
            try:
                out.append(spec.convert(column, raw, date_formats, serial_dates))
            except RowError:
                out.append(_FAILED)
                failed.add(n)
        return out
    memo: dict[str, Any] = {}
    convert = spec.convert
    copy = spec.type == "list"  # each row gets its own list, as from ``read``
    for n, row in enumerate(rows):
        raw = row.get(column)
        if type(raw) is str:  # noqa: E721 - exactly str: 1 == 1.0 == True as dict keys
            value = memo.get(raw, _FAILED)
            if value is _FAILED and raw not in memo:
                try:
                    value = convert(column, raw, date_formats, serial_dates)
                except RowError:
                    value = _FAILED
                memo[raw] = value
        else:
            try:
                value = convert(column, raw, date_formats, serial_dates)
            except RowError:
                value = _FAILED
        if value is _FAILED:
            failed.add(n)
        elif copy and type(value) is list:  # noqa: E721
            value = list(value)
        out.append(value)
    return out


def _columns(column: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if column is None:
        return ()
    return column if isinstance(column, tuple) else (column,)


def _field(name: str, spec: Any, where: str) -> FieldMap:
    if isinstance(spec, str):
        return FieldMap(name=name, column=spec)
    if not isinstance(spec, dict):
        raise MappingError(f"{where}: field {name!r} must be a column name or a mapping")
    unknown = set(spec) - {"column", "type", "value", "map", "default", "required", "split", "scale", "formats",
                                "unmapped", "nulls", "strip"}
    if unknown:
        raise MappingError(f"{where}: field {name!r} has unknown keys {sorted(unknown)}")
    kind = spec.get("type", "text")
    if kind not in TYPES:
        raise MappingError(f"{where}: field {name!r} has unknown type {kind!r} (use one of {TYPES})")
    if "column" not in spec and "value" not in spec:
        raise MappingError(f"{where}: field {name!r} needs a column or a value")
    split = spec.get("split")
    mapping = spec.get("map")
    if mapping is not None:
        mapping = {str(k) if not isinstance(k, bool) else k: v for k, v in mapping.items()}
    formats = spec.get("formats") or ()
    try:
        strip = re.compile(str(spec["strip"])) if spec.get("strip") else None
    except re.error as exc:
        raise MappingError(f"{where}: field {name!r}: strip is not a regular expression ({exc})") from None
    column = spec.get("column")
    if isinstance(column, list):
        column = tuple(str(c) for c in column)
    return FieldMap(name=name, column=column, type=kind, value=spec.get("value"), map=mapping,
                    default=spec.get("default"), required=bool(spec.get("required", False)),
                    split=split, scale=spec.get("scale"), unmapped=spec.get("unmapped"),
                    nulls=tuple(str(v) for v in spec.get("nulls") or ()), strip=strip,
                    formats=tuple([formats] if isinstance(formats, str) else formats))


def parse_mapping(data: dict[str, Any], source: Path | None = None) -> AgencyMapping:
    """Build an AgencyMapping from the parsed YAML, with errors that name the file and the field."""
    where = str(source or "mapping")
    if not isinstance(data, dict) or "agency" not in data or "files" not in data:
        raise MappingError(f"{where}: needs 'agency' and 'files'")
    code = str(data["agency"])
    files = []
    for name, spec in (data["files"] or {}).items():
        at = f"{where}: file {name}"
        try:
            record_type = RecordType(spec["record_type"])
        except (KeyError, ValueError):
            raise MappingError(f"{at}: record_type must be one of {[t.value for t in RecordType]}") from None
        fields = tuple(_field(k, v, at) for k, v in (spec.get("fields") or {}).items())
        formats = spec.get("date_formats") or []
        match = spec.get("match") or [f"{name}*"]
        files.append(FileMapping(
            agency=code, name=name, record_type=record_type,
            match=tuple([match] if isinstance(match, str) else match),
            source_key=spec.get("source_key"), fields=fields,
            date_formats=tuple([formats] if isinstance(formats, str) else formats),
            options=dict(spec.get("options") or {})))
    return AgencyMapping(agency=code, name=data.get("name"), files=tuple(files), source=source,
                         domain=data.get("domain"), name_en=data.get("name_en"))


def mapping_file(code: str, directory: Path | None = None) -> Path:
    """The YAML file of agency ``code`` (case-insensitive) in ``directory`` or the packaged mappings."""
    folder = Path(directory or MAPPINGS_DIR)
    for path in sorted(folder.glob("*.y*ml")):
        if path.stem.lower() == code.lower():
            return path
    known = ", ".join(sorted(p.stem for p in folder.glob("*.y*ml")))
    raise MappingError(_("There is no import mapping for agency %(code)s (there are mappings for %(known)s): ask the "
                         "administrator to add one.", code=code, known=known))


@lru_cache(maxsize=64)
def _load_cached(path: Path, mtime: float) -> AgencyMapping:
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise MappingError(f"{path}: not valid YAML: {exc}") from exc
    return parse_mapping(data, path)


def load_mapping(code: str, directory: Path | None = None) -> AgencyMapping:
    """Load the mapping of agency ``code`` (cached until the file changes)."""
    path = mapping_file(code, directory)
    return _load_cached(path, path.stat().st_mtime)


def available_mappings(directory: Path | None = None) -> list[str]:
    """Agency codes that have a mapping file."""
    return sorted(p.stem for p in Path(directory or MAPPINGS_DIR).glob("*.y*ml"))
