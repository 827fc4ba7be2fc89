"""Hostile agency files: every row is accepted or quarantined with a reason, or the file is refused whole.

Hypothesis takes a real agency file (the demo world's SAMR licences) and damages it: cells replaced by huge
text, NUL and control characters, broken quotes, formula starts, HTML, random unicode; the whole file
written in another encoding or with stray undecodable bytes. The import must never fail with anything but
a clear file error; when it runs, rows read = accepted + rejected + duplicate, and each rejected row keeps a
reason that names its column.
"""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from models import SourceRecord, SourceStatus
from regulator.extensions import db
from regulator.ingest.errors import IngestError
from regulator.ingest.pipeline import IngestOptions, ingest_file

HOSTILE_CELL = st.one_of(
    st.just("x" * 30_000), st.just("a\x00b"), st.just('"unclosed'), st.just('say ""hi"" "'),
    st.just("=HYPERLINK(\"http://evil.example\")"), st.just("<script>alert(1)</script>"), st.just("\r\n\r\n"),
    st.just(""), st.just("2023-13-45"), st.just("９１４４０３００ＭＡ５ＦＸ"),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=50))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1-garbage"])


def _damaged(header: list[str], rows: list[list[str]], edits: list[tuple[int, int, str]], encoding: str) -> bytes:
    rows = [list(r) for r in rows]
    for r, c, value in edits:
        rows[r % len(rows)][c % len(header)] = value
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "latin-1-garbage":
        return text.encode("utf-8") + b"\xff\xfe\x80 broken tail\n"
    if encoding == "gb18030":
        return text.encode("gb18030", errors="replace")
    return text.encode(encoding)


@pytest.fixture
def licences(demo_world):  # noqa: ANN001, ANN201
    """The header and first 20 rows of the demo SAMR licence file."""
    with open(demo_world / "SAMR/samr_licences.csv", encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        return next(reader), list(reader)[:20]


def test_hostile_files_are_quarantined_row_by_row_or_refused_whole(app, agencies, licences, tmp_path) -> None:  # noqa: ANN001
    """No crash: a clear file error, or every row accounted for with reasons on the rejected ones."""
    header, rows = licences
    counter = [0]

    @given(edits=st.lists(st.tuples(st.integers(0, 19), st.integers(0, 30), HOSTILE_CELL), max_size=6),
           encoding=ENCODINGS)
    @settings(max_examples=12, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    def check(edits: list[tuple[int, int, str]], encoding: str) -> None:
        counter[0] += 1
        path = tmp_path / f"samr_licences_{counter[0]}.csv"
        path.write_bytes(_damaged(header, rows, edits, encoding))
        try:
            batch = ingest_file(path, "SAMR", IngestOptions())
        except IngestError as exc:
            db.session.rollback()
            assert path.name in str(exc) or str(exc), "a file error must say what is wrong"
            return
        assert batch.rows_read == batch.rows_accepted + batch.rows_rejected + batch.rows_duplicate
        stored = db.session.scalars(select(SourceRecord).where(SourceRecord.batch_id == batch.id)).all()
        assert len(stored) == batch.rows_read - batch.rows_duplicate
        for record in stored:
            if record.status == SourceStatus.REJECTED:
                assert record.errors and all(e.get("message") or e.get("reason") for e in record.errors)

    check()

