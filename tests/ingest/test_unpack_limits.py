"""Decompression bombs: a gzip file or an XLSX workbook that unpacks to too much, or a sheet whose few cells
reach row 1048576 and column XFD, is refused with a message naming the file instead of exhausting memory."""

from __future__ import annotations

import gzip
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from regulator.ingest import unpack
from regulator.ingest.errors import FileError
from regulator.ingest.readers import read_file

ROOT = Path(__file__).resolve().parents[2]


def _workbook(path: Path, far_cell: str | None = None) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(["许可证编号", "企业名称"])
    sheet.append(["L-1", "深圳市测试有限公司"])
    if far_cell:
        sheet[far_cell] = "x"
    book.save(path)
    return path


def test_a_sheet_reaching_the_last_cell_is_refused_not_a_crash(tmp_path: Path) -> None:
    """Five kilobytes naming cell XFD1048576 made the reader allocate 17 billion cells and abort the process
    (a killed web worker); now the import is refused. Run apart, so that the old abort fails this test only."""
    bomb = _workbook(tmp_path / "bomb.xlsx", far_cell="XFD1048576")
    assert bomb.stat().st_size < 10_000
    code = ("from regulator import create_app\nfrom regulator.ingest.errors import FileError\n"
            "from regulator.ingest.readers import read_file\n"
            "app = create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'SECRET_KEY': 'x' * 40, 'TESTING': True})\n"
            "with app.test_request_context('/?lang=en'):\n"
            "    try:\n"
            f"        read_file({str(bomb)!r})\n"
            "    except FileError as exc:\n"
            "        print('refused:', exc)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refused: bomb.xlsx has a sheet whose cells reach row 1048576 and column 16384" in done.stdout


def test_an_ordinary_workbook_still_reads(app, tmp_path: Path) -> None:  # noqa: ANN001
    """The check passes a workbook whose cells are where they are written, far ones within the bound too."""
    source = read_file(_workbook(tmp_path / "ok.xlsx", far_cell="T500"))
    assert source.rows[0]["许可证编号"] == "L-1"


def test_a_sheet_without_cell_references_is_placed_as_the_reader_places_it(app, tmp_path: Path,
                                                                         monkeypatch) -> None:  # noqa: ANN001
    """Cells written without ``r`` follow the one before: a row far down with many such cells is counted."""
    path = _workbook(tmp_path / "plain.xlsx")
    with zipfile.ZipFile(path) as book:
        parts = {name: book.read(name) for name in book.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"</sheetData>",
                                        b'<row r="5000">' + b"<c><v>1</v></c>" * 300 + b"</row></sheetData>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, data in parts.items():
            book.writestr(name, data)
    monkeypatch.setattr(unpack, "MAX_SHEET_CELLS", 1_000_000)
    with pytest.raises(FileError, match="reach row 5000 and column 300"):
        read_file(path)


def test_a_workbook_unpacking_to_too_much_is_refused(app, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """What its parts unpack to counts, not the size of the file."""
    path = _workbook(tmp_path / "big.xlsx")
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/media/padding.bin", b"\0" * 3_000_000)
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(unpack, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    with pytest.raises(FileError, match="big.xlsx unpacks to more than 2 MB"):
        read_file(path)


def test_a_gzip_file_unpacking_to_too_much_is_refused(app, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A gzip file is unpacked in pieces and refused once past the bound; a good one (two members) still reads."""
    path = tmp_path / "rows.csv.gz"
    path.write_bytes(gzip.compress("许可证编号,企业名称\n".encode() + b"L-1,x\n" * 500_000))
    monkeypatch.setattr(unpack, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    with pytest.raises(FileError, match="rows.csv.gz unpacks to more than 2 MB"):
        read_file(path)
    monkeypatch.setattr(unpack, "MAX_UNPACKED_BYTES", 10_000_000)
    path.write_bytes(gzip.compress("许可证编号,企业名称\n".encode()) + gzip.compress(b"L-1,x\nL-2,y\n"))
    assert [r["许可证编号"] for r in read_file(path).rows] == ["L-1", "L-2"]
