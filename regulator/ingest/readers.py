"""Reading agency files: CSV/TSV, XLSX and JSON lines, with the text encoding detected from the bytes."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from . import unpack
from .errors import FileError

FORMATS = ("csv", "tsv", "xlsx", "jsonl")
_SNIFF_BYTES = 256 * 1024
#: how many rows above the header may hold a title (``title_rows``)
TITLE_ROWS = 10
#: what charset-normalizer may call a Chinese legacy encoding; GB18030 is a superset of them all
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "hz", "cp936"}


@dataclass
class SourceFile:
    """A file opened for import: its format, encoding, header and rows as dicts of strings."""

    path: Path
    file_format: str
    encoding: str | None
    headers: list[str]
    file_hash: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: the filled cells of rows above the header (a title such as "XX局检查记录导出", left out; ``title_rows``)
    title: list[str] = field(default_factory=list)
    #: the row of the file (of the sheet, a spreadsheet program's number) that holds the header: data row n is
    #: the file's row ``header_row + n`` (0 for JSON lines, whose rows are numbered by their line)
    header_row: int = 1

    def __len__(self) -> int:
        return len(self.rows)

    def close(self) -> None:
        """Let go of rows kept by another process (``premap.read_ahead``); nothing to do for rows held here."""
        if hasattr(self.rows, "close"):
            self.rows.close()

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


#: what a NUL character in a cell becomes (the file's hash still identifies the original bytes)
NUL_STANDIN = "\ufffd"


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes (a re-run of the same file resumes its batch)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _inner_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1].lstrip(".") if suffixes else ""


def detect_format(path: Path) -> str:
    """The file's format from its extension (``.gz`` compressed text files are read through)."""
    suffix = _inner_suffix(path)
    aliases = {"txt": "csv", "json": "jsonl", "ndjson": "jsonl", "xlsm": "xlsx"}
    fmt = aliases.get(suffix, suffix)
    if fmt not in FORMATS:
        raise FileError(path.name, _("%(file)s is of a type that cannot be imported (.%(suffix)s): use CSV, TSV, "
                                     "XLSX or JSON lines.", file=path.name, suffix=suffix))
    return fmt


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when the bytes decode as such, else GB18030 or what charset-normalizer finds."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:  # a multi-byte character cut by the sample's end
            return "utf-8"
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    name = (best.encoding if best else "gb18030").lower().replace("-", "").replace("_", "")
    if name in _GB_FAMILY or best is None or name.startswith("big5"):
        return "gb18030"
    return best.encoding


def _clean_header(value: Any) -> str:
    return str(value if value is not None else "").strip().lstrip("\ufeff")


def _read_text(path: Path, fmt: str, encoding: str | None) -> tuple[str, str]:
    data = path.read_bytes()
    if path.suffix.lower() == ".gz":
        data = unpack.gunzip(data, path.name)
    enc = encoding or detect_encoding(data[:_SNIFF_BYTES])
    try:
        return data.decode(enc), enc
    except UnicodeDecodeError as exc:
        raise FileError(path.name, _("%(file)s cannot be read as %(encoding)s text (byte %(position)s does not "
                                     "fit): save it as UTF-8 and import it again.", file=path.name, encoding=enc,
                                     position=exc.start)) from exc
    except LookupError as exc:
        raise FileError(path.name, _("The text encoding %(encoding)s is unknown.", encoding=enc)) from exc


def title_rows(rows: list[list[Any]]) -> int:
    """How many rows at the top are a title above the header, not the header: rows with at most one filled cell
    (an export's title, its date, a blank line) before the first row with two or more, within ``TITLE_ROWS``.
    Government exports often open so; a file whose first row has two filled cells, or whose every row has one
    (a file of one column), has none."""
    for n, values in enumerate(rows[:TITLE_ROWS + 1]):
        if sum(1 for v in values if v is not None and str(v).strip()) >= 2:
            return n
    return 0


def _title_of(rows: list[list[Any]]) -> list[str]:
    return [str(v).strip() for values in rows for v in values if v is not None and str(v).strip()]


def _read_delimited(path: Path, text: str, fmt: str) -> tuple[list[str], list[dict[str, Any]], list[str], int]:
    lines = text.split("\n", TITLE_ROWS + 1)[:TITLE_ROWS + 1]
    first = next((line for line in lines if "\t" in line or "," in line), lines[0])  # a title line has neither
    delimiter = "\t" if fmt == "tsv" or first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        top = list(itertools.islice(reader, TITLE_ROWS + 1))
        if not top:
            raise FileError(path.name, _empty(path))
        skip = title_rows(top)
        headers = [_clean_header(h) for h in top[skip]]
        _check_headers(path, headers)
        rows = []
        for line_no, values in enumerate(itertools.chain(top[skip + 1:], reader), start=1):
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(headers):
                rows.append({"__row": line_no, "__width": len(values), "__header_width": len(headers),
                             **dict(zip(headers, values, strict=False)), **_beyond_header(headers, values)})
                continue
            rows.append({"__row": line_no, **dict(zip(headers, values, strict=True))})
    except csv.Error as exc:  # a cell beyond the csv module's limit: a page of text, or a quotation mark left open
        raise FileError(path.name, _("%(file)s cannot be read at line %(line)s: a cell there is longer than "
                                     "%(limit)s characters (is a quotation mark left open?).", file=path.name,
                                     line=reader.line_num, limit=csv.field_size_limit())) from exc
    return headers, rows, _title_of(top[:skip]), skip + 1


def _beyond_header(headers: list[str], values: list[str]) -> dict[str, str]:
    """Values of a row wider than the header, kept under their position ("#15"), so that the quarantined row
    is the row as sent (and two such rows differing only there are not taken for one)."""
    return {f"#{i}": v for i, v in enumerate(values[len(headers):], start=len(headers) + 1)}


def _read_jsonl(path: Path, text: str) -> tuple[list[str], list[dict[str, Any]]]:
    headers: list[str] = []
    rows = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append({"__row": line_no, "__invalid": f"not valid JSON: {exc.msg}", "__text": line})
            continue
        if not isinstance(obj, dict):
            rows.append({"__row": line_no, "__invalid": "not a JSON object", "__text": line})
            continue
        for key in obj:
            if key not in headers:
                headers.append(key)
        rows.append({"__row": line_no, **obj})
    return headers, rows


def _read_xlsx(path: Path) -> tuple[list[str], list[dict[str, Any]], list[str], int]:
    """The first sheet, from cell A1, read with calamine (Rust): ten times faster than openpyxl's read-only
    mode (a 49,296-row sheet of the 1M benchmark: 0.7 s against 7.2 s) and the same text per cell, so that
    rows keep the content hashes they had when openpyxl read them (``_cell_text``)."""
    from python_calamine import CalamineWorkbook

    unpack.check_xlsx(path)
    try:
        values = _table_sheet(CalamineWorkbook.from_path(str(path)))
    except Exception as exc:  # noqa: BLE001 - any failure to open is an unreadable workbook
        raise FileError(path.name, _("%(file)s is not a readable XLSX workbook.", file=path.name)) from exc
    if not values:
        raise FileError(path.name, _empty(path))
    skip = title_rows(values)
    headers = [_clean_header(h) for h in values[skip]]
    _check_headers(path, headers)
    unnamed = [i for i, h in enumerate(headers) if not h]
    rows = []
    for line_no, cells in enumerate(values[skip + 1:], start=1):
        texts = [_cell_text(v) for v in cells]
        if all(t.strip() == "" for t in texts):
            continue
        row = {"__row": line_no, **dict(zip(headers, texts, strict=False))}
        # cells under no header (the sheet's used area is wider than its header row) are kept under their
        # position, as a CSV row's values beyond its header are; the "" key stays as it was for the hashes
        if unnamed:
            row.update({f"#{i + 1}": texts[i] for i in unnamed if i < len(texts) and texts[i].strip()})
        rows.append(row)
    return headers, rows, _title_of([[_cell_text(v) for v in cells] for cells in values[:skip]]), skip + 1


def _table_sheet(book: Any) -> list[list[Any]]:
    """The cells of the first sheet that holds a table (a row of two filled cells or more among its first rows,
    ``title_rows``); the first sheet where none does. A workbook may open with a cover sheet (the export's title
    alone) before the sheet of data, which was read as a file with no rows."""
    first = None
    for index in range(len(book.sheet_names)):
        values = book.get_sheet_by_index(index).to_python(skip_empty_area=False)
        if first is None:
            first = values
        if any(sum(1 for v in row if v is not None and str(v).strip()) >= 2 for row in values[:TITLE_ROWS + 1]):
            return values
    return first or []


def _cell_text(value: Any) -> str:
    """A cell's text as openpyxl's values gave it: whole numbers without ".0", dates as midnight datetimes."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date) and not isinstance(value, datetime):  # calamine: a date where openpyxl gave 00:00
        return datetime(value.year, value.month, value.day).isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _empty(path: Path) -> str:
    return _("%(file)s is empty: it has no header row.", file=path.name)


def _check_headers(path: Path, headers: list[str]) -> None:
    if not any(headers):  # blank lines only: as empty as a file of no bytes
        raise FileError(path.name, _empty(path))
    seen = set()
    for i, h in enumerate(headers, start=1):
        if h and h in seen:
            raise FileError(path.name, _("%(file)s: the header “%(header)s” of column %(column)s appears twice; "
                                         "give each column its own header.", file=path.name, header=h, column=i))
        seen.add(h)


def file_row(row_number: int | None, report: dict[str, Any] | None) -> int | None:
    """Data row ``row_number`` of an import as its file numbers it (the row a spreadsheet program shows, a CSV's
    record, a JSON lines file's line), from the header's row kept in the import's report; the data row itself
    where the report has none (rows pushed over the API, imports from before it was kept)."""
    if row_number is None:
        return None
    header = (report or {}).get("header_row")
    return row_number + int(header) if header is not None else row_number


def read_file(path: str | Path, encoding: str | None = None, fmt: str | None = None) -> SourceFile:
    """Open ``path`` and return its header and rows (``__row`` is the 1-based data row number)."""
    path = Path(path)
    if not path.is_file():
        raise FileError(str(path), _("%(file)s does not exist.", file=str(path)))
    fmt = fmt or detect_format(path)
    digest = file_hash(path)
    title: list[str] = []
    header_row = 0
    if fmt == "xlsx":
        headers, rows, title, header_row = _read_xlsx(path)
        enc = None
    else:
        text, enc = _read_text(path, fmt, encoding)
        if fmt == "jsonl":
            headers, rows = _read_jsonl(path, text)
        else:
            headers, rows, title, header_row = _read_delimited(path, text, fmt)
        if "\x00" not in text and "\\u0000" not in text:
            return SourceFile(path, fmt, enc, headers, digest, rows, title, header_row)
    return SourceFile(path, fmt, enc, [h.replace("\x00", NUL_STANDIN) for h in headers], digest,
                      [_without_nul(row) for row in rows], [t.replace("\x00", NUL_STANDIN) for t in title],
                      header_row)


def _without_nul(row: dict[str, Any]) -> dict[str, Any]:
    """NUL characters as U+FFFD: PostgreSQL text and JSON cannot hold them (the import would fail whole)."""
    return {k.replace("\x00", NUL_STANDIN) if isinstance(k, str) else k:
            v.replace("\x00", NUL_STANDIN) if isinstance(v, str) else v for k, v in row.items()}


def iter_rows(source: SourceFile, start: int = 0) -> Iterator[dict[str, Any]]:
    """Rows from position ``start`` on (a resumed import skips what it already committed)."""
    yield from source.rows[start:]
