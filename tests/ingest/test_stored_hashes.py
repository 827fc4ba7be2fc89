"""Duplicate rows found by content hash, asked of the database or of the hashes a large import keeps
(``Writer.stored_hashes``): the same counts either way, and no rows stored twice."""

from __future__ import annotations

import shutil

from sqlalchemy import event, func, select

from models import SourceRecord
from regulator.extensions import db
from regulator.ingest import IngestOptions, pipeline


class _HashQueries:
    """Counts the statements that look content hashes up in ``source_record``."""

    def __init__(self) -> None:
        self.count = 0

    def __enter__(self) -> _HashQueries:
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement: str, *_args: object) -> None:  # noqa: ANN001
        if "content_hash IN" in statement.replace("\n", " ") or "content_hash = ANY" in statement:
            self.count += 1


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(SourceRecord))


def test_a_run_keeps_the_hashes_of_agencies_it_started_and_counts_duplicates_as_the_database_does(
        app, agencies, demo_world, tmp_path) -> None:  # noqa: ANN001
    register = tmp_path / "samr_registration.csv"
    shutil.copyfile(demo_world / "SAMR" / "samr_registration.csv", register)
    inspections = tmp_path / "samr_inspections.csv"
    lines = (demo_world / "SAMR" / "samr_inspections.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = len(lines) - 1
    # the second row again at the end: a duplicate of a row some chunks earlier
    inspections.write_text("\n".join([*lines, lines[2]]) + "\n", encoding="utf-8-sig")
    run = IngestOptions(notify=False, reuse_index=True, map_ahead=False, chunk_size=20)
    pipeline._kept.clear()
    try:
        with _HashQueries() as asked:
            first = pipeline.ingest_file(register, "SAMR", run)
            batch = pipeline.ingest_file(inspections, "SAMR", run)
        assert asked.count == 0  # SAMR had no rows when the run began: its hashes are the writer's
        assert (batch.rows_read, batch.rows_duplicate) == (rows + 1, 1)
        assert _stored() == first.rows_read + rows

        with _HashQueries() as asked:  # the same file again in the same run: every row a duplicate
            again = pipeline.ingest_file(inspections, "SAMR", run)
        assert asked.count == 0
        assert (again.rows_read, again.rows_duplicate, again.rows_accepted) == (rows + 1, rows + 1, 0)
        assert _stored() == first.rows_read + rows

        pipeline._kept.clear()  # a new process: SAMR has rows, so the database is asked
        with _HashQueries() as asked:
            fresh = pipeline.ingest_file(inspections, "SAMR", run)
        assert asked.count >= 1
        assert (fresh.rows_duplicate, fresh.rows_accepted) == (rows + 1, 0)
        assert _stored() == first.rows_read + rows
    finally:
        pipeline._kept.clear()


def test_an_agency_with_rows_before_the_run_is_asked_every_chunk(app, agencies, demo_world, tmp_path) -> None:  # noqa: ANN001
    register = demo_world / "SAMR" / "samr_registration.csv"
    pipeline.ingest_file(register, "SAMR", IngestOptions(notify=False, map_ahead=False))
    stored = _stored()
    pipeline._kept.clear()
    try:
        with _HashQueries() as asked:
            again = pipeline.ingest_file(register, "SAMR", IngestOptions(notify=False, reuse_index=True,
                                                                         map_ahead=False, chunk_size=50))
        assert asked.count == -(-again.rows_read // 50)
        assert again.rows_duplicate == again.rows_read and _stored() == stored
    finally:
        pipeline._kept.clear()
