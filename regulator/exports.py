"""Tables as CSV or XLSX downloads, with spreadsheet formula injection neutralised.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would run as a formula when
the file is opened in a spreadsheet; such text cells get a leading apostrophe (OWASP's advice). Numbers
are kept as numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: Any) -> Any:
    """The value, with text that a spreadsheet would take as a formula made inert."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 CSV with a byte-order mark (so spreadsheet programs read Chinese correctly)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], title: str = "export") -> bytes:
    """One worksheet; text cells stored as strings, never as formulas."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", "_", title)[:31] or "export"  # characters a sheet name may not hold
    sheet.append([neutralise(h) for h in header])
    for row in rows:
        sheet.append([neutralise(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def attachment(filename: str) -> str:
    """A Content-Disposition header for a download named ``filename``, which may hold Chinese: RFC 6266's
    ``filename*`` carries it, a plain ``filename`` its ASCII part for clients that read only that."""
    plain = filename.encode("ascii", "ignore").decode().replace('"', "") or "download"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


def download(header: Sequence[str], rows: Iterable[Sequence[Any]], filename: str, fmt: str) -> Response:
    """A CSV or XLSX attachment named ``filename.<fmt>``."""
    if fmt == "xlsx":
        body, mime = to_xlsx(header, list(rows), title=filename), XLSX_MIME
    else:
        fmt, body, mime = "csv", to_csv(header, rows), "text/csv"
    return Response(body, mimetype=mime, headers={"Content-Disposition": attachment(f"{filename}.{fmt}")})
