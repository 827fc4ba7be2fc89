"""Unpacking compressed files within bounds: a small gzip file or XLSX workbook can unpack to gigabytes (a
decompression bomb), and a few kilobytes of XLSX naming one cell at XFD1048576 make the XLSX reader allocate
every cell up to it (17 billion) and abort the process. Both are refused before they are unpacked."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from flask_babel import gettext as _

from .errors import FileError

#: the most a compressed file may unpack to (as much as an upload may be uncompressed)
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
#: the most cells a sheet's used area (first row and column to its last) may hold
MAX_SHEET_CELLS = 20_000_000
_CHUNK = 1024 * 1024
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""\br\s*=\s*["']([A-Za-z]*)(\d*)["']""")
#: how Excel and openpyxl write a cell and a row: no namespace prefix, the reference first
_CELL_REFS = re.compile(rb'<c r="([A-Z]+)(\d+)"')
_ROW_REFS = re.compile(rb'<row r="(\d+)"')


def gunzip(data: bytes, name: str, limit: int | None = None) -> bytes:
    """The unpacked bytes of a gzip file (several members as one), or FileError if it is not one or unpacks
    to more than ``limit`` (``MAX_UNPACKED_BYTES``)."""
    limit = limit or MAX_UNPACKED_BYTES
    out: list[bytes] = []
    size = 0
    rest = data
    try:
        while rest:
            unpacker = zlib.decompressobj(wbits=31)
            pending = rest
            while pending:
                piece = unpacker.decompress(pending, _CHUNK)
                size += len(piece)
                if size > limit:
                    raise FileError(name, _too_large(name, limit))
                out.append(piece)
                pending = unpacker.unconsumed_tail
                if unpacker.eof:
                    break
            if not unpacker.eof:
                raise EOFError("truncated gzip member")
            rest = unpacker.unused_data.lstrip(b"\x00")
    except (zlib.error, EOFError) as exc:
        raise FileError(name, _("%(file)s is not a readable gzip file.", file=name)) from exc
    return b"".join(out)


def check_xlsx(path: Path) -> None:
    """FileError unless the workbook unpacks to at most ``MAX_UNPACKED_BYTES`` (what each part says and what it
    holds) and each worksheet's used area holds at most ``MAX_SHEET_CELLS`` cells."""
    limit, max_cells = MAX_UNPACKED_BYTES, MAX_SHEET_CELLS
    try:
        with zipfile.ZipFile(path) as book:
            parts = book.infolist()
            if sum(p.file_size for p in parts) > limit:
                raise FileError(path.name, _too_large(path.name, limit))
            for part in parts:
                sheet = part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")
                with book.open(part) as stream:  # reads no more than the part says, and checks its CRC
                    rows, columns = _used_area(stream) if sheet else (_drain(stream), 0)
                if sheet and rows * columns > max_cells:
                    raise FileError(path.name, _("%(file)s has a sheet whose cells reach row %(rows)s and column "
                                                 "%(columns)s: more than %(cells)s cells, too many to read.",
                                                 file=path.name, rows=rows, columns=columns, cells=max_cells))
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise FileError(path.name, _("%(file)s is not a readable XLSX workbook.", file=path.name)) from exc


def _too_large(name: str, limit: int) -> str:
    return _("%(file)s unpacks to more than %(size)s MB: split it into smaller files.", file=name,
             size=limit // (1024 * 1024))


def _drain(stream) -> int:  # noqa: ANN001 - a zip member's stream
    while stream.read(_CHUNK):
        pass
    return 0


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _used_area(stream) -> tuple[int, int]:  # noqa: ANN001 - a zip member's stream
    """The last row and column a sheet's cells reach, counted as the reader places them: by their ``r``
    reference, or one after the row or cell before. Where every row and cell has its reference (as Excel and
    openpyxl write them) the references alone tell, read in bulk."""
    state = [0, 0, 0, 0]  # row, column, last row, last column
    carry = b""
    while chunk := stream.read(_CHUNK):
        text = carry + chunk
        cut = text.rfind(b"<")
        text, carry = (text[:cut], text[cut:]) if cut > text.rfind(b">") else (text, b"")
        cells, rows = _CELL_REFS.findall(text), _ROW_REFS.findall(text)
        if b":c " not in text and b":row " not in text and len(rows) == text.count(b"<row ") + text.count(b"<row>") \
                and len(cells) == text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/"):
            numbers = {n for _letters, n in cells} | set(rows)
            if numbers:
                state[2] = max(state[2], *map(int, numbers))
            if cells:
                state[3] = max(state[3], *map(_column_number, {letters for letters, _n in cells}))
                state[0], state[1] = int(cells[-1][1]), _column_number(cells[-1][0])
        else:
            _place_each(text, state)
    return state[2], state[3]


def _place_each(text: bytes, state: list[int]) -> None:
    for tag in _TAG.finditer(text):
        ref = _REF.search(tag.group(2))
        if tag.group(1) == b"row":
            state[0] = int(ref.group(2)) if ref and ref.group(2) else state[0] + 1
            state[1] = 0
        else:
            state[1] = _column_number(ref.group(1)) if ref and ref.group(1) else state[1] + 1
            if ref and ref.group(2):
                state[0] = int(ref.group(2))
            state[3] = max(state[3], state[1])
        state[2] = max(state[2], state[0])
