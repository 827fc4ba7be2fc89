"""Spreadsheet exports neutralise formulas: any text, CSV or XLSX, never opens as a formula."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from models import Role
from regulator.exports import FORMULA_STARTS, neutralise, to_csv, to_xlsx
from regulator.extensions import db
from regulator.services import audit

HOSTILE = st.sampled_from(["=1+1", "=cmd|' /C calc'!A0", "+SUM(A1:A9)", "-2+3", "@SUM(1)", "\t=1", "\r=1",
                           '=HYPERLINK("http://evil.example","x")', "=IMPORTXML(A1)", "ok", "-", "'=already"])
CELL = st.one_of(st.text(max_size=40), st.builds(lambda a, b: a + b, HOSTILE, st.text(max_size=10)),
                 st.integers(-10**9, 10**9), st.none())


def _inert(original: object, written: object) -> bool:
    if not isinstance(original, str):
        return written == original or (original is None and written in ("", None))
    # XML stores a carriage return as a line feed
    expected = "'" + original if original.startswith(FORMULA_STARTS) else original
    return written == expected.replace("\r\n", "\n").replace("\r", "\n")


@given(st.lists(st.lists(CELL, min_size=1, max_size=5), min_size=1, max_size=8))
@settings(max_examples=200, deadline=None)
def test_csv_cells_never_start_a_formula(rows) -> None:  # noqa: ANN001
    """Every text cell read back is the original, or the original behind an apostrophe when it was a formula."""
    width = max(len(r) for r in rows)
    rows = [r + [None] * (width - len(r)) for r in rows]
    body = to_csv([f"c{i}" for i in range(width)], rows).decode("utf-8").removeprefix("\ufeff")
    read = list(csv.reader(io.StringIO(body, newline="")))[1:]
    assert len(read) == len(rows)
    for original_row, read_row in zip(rows, read, strict=True):
        for original, cell in zip(original_row, read_row, strict=True):
            # numbers stay numbers (-1 is a value, not a formula); text never starts a formula
            assert not isinstance(original, str) or not cell.startswith(FORMULA_STARTS)
            expected = "" if original is None else neutralise(original)
            assert cell == str(expected)


@given(st.lists(st.lists(CELL, min_size=3, max_size=3), min_size=1, max_size=5))
@settings(max_examples=50, deadline=None)
def test_xlsx_cells_are_values_not_formulas(rows) -> None:  # noqa: ANN001
    """In the workbook every text cell is a string cell; none is a formula."""
    clean = [[c if not isinstance(c, str) else "".join(ch for ch in c if ch.isprintable() or ch in "\t\r")
              for c in r] for r in rows]
    book = load_workbook(io.BytesIO(to_xlsx(["a", "b", "c"], clean)))
    written = list(book.active.iter_rows(min_row=2, max_row=1 + len(clean), max_col=3))
    for original_row, cells in zip(clean, written, strict=True):
        for original, cell in zip(original_row, cells, strict=True):
            assert cell.data_type != "f"
            if isinstance(original, str) and original:
                assert _inert(original, cell.value)


def test_audit_export_neutralises_user_text(app, make, client, auth) -> None:  # noqa: ANN001
    """Text typed by users (a search term in the audit details) cannot run as a formula in the export."""
    make.user("admin", Role.ADMIN)
    audit.record("public.search", q="=HYPERLINK(\"http://evil.example\")")
    db.session.commit()
    auth.login("admin")
    body = client.get("/admin/audit/export.csv?action=public.search").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows and rows[0]["details"].startswith("q=")
    assert all(not v.startswith(FORMULA_STARTS) for r in rows for v in r.values())
