"""An import into a SQLite file leaves its WAL checkpoints to a thread: off on the writing connection while
a chunk is written, run after each chunk's commit, back on for every connection once the import ends. The
writing connection's large page cache lasts as long (a run of files being one import), then is given back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select

from models import ImportBatch, SourceRecord
from regulator.extensions import db
from regulator.ingest import IngestOptions, checkpoint, pipeline
from regulator.signals import records_changed


def _autocheckpoint() -> int:
    return db.session.connection().exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()


def _cache_size() -> int:
    return db.session.connection().exec_driver_sql("PRAGMA cache_size").scalar()


@contextmanager
def _statements(wanted: str) -> Iterator[list[str]]:
    """The statements equal to ``wanted`` (case aside) run on the engine within the block."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:  # noqa: ANN001 - SQLAlchemy's event signature
        if statement.strip().upper() == wanted.upper():
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _pooled_cache_sizes() -> list[int]:
    """The cache size of every connection the pool holds (all taken out at once)."""
    db.session.remove()
    idle = [db.engine.connect() for _ in range(max(db.engine.pool.checkedin(), 1))]
    try:
        return [c.exec_driver_sql("PRAGMA cache_size").scalar() for c in idle]
    finally:
        for conn in idle:
            conn.close()


def _register_in_chunks(demo_world: Path, probe: Callable[[], Any]) -> tuple[ImportBatch, list[Any]]:
    """The demo register imported in chunks of 40, with what ``probe`` returned before each chunk's commit."""
    during: list[Any] = []

    def receiver(_sender, **_kw) -> None:  # noqa: ANN001 - blinker's signature; sent before each chunk's commit
        during.append(probe())

    records_changed.connect(receiver)
    try:
        batch = pipeline.ingest_file(demo_world / "SAMR/samr_registration.csv", "SAMR",
                                     IngestOptions(chunk_size=40))
    finally:
        records_changed.disconnect(receiver)
    return batch, during


def test_an_import_checkpoints_in_a_thread_of_its_own(app, backend, agencies, demo_world, monkeypatch):
    started: list[checkpoint.Checkpointer] = []

    class Recorded(checkpoint.Checkpointer):
        def __init__(self, path: str) -> None:
            self.wakes = 0
            super().__init__(path)
            started.append(self)

        def wake(self) -> None:
            self.wakes += 1
            super().wake()

    monkeypatch.setattr(checkpoint, "Checkpointer", Recorded)
    path = db.engine.url.database
    batch, during = _register_in_chunks(demo_world, lambda: (
        _autocheckpoint() if backend == "sqlite" else None, checkpoint.importing(path),
        started[0].wakes if started else None))
    chunks = -(-batch.rows_read // 40)
    assert batch.rows_accepted == db.session.scalar(select(func.count(SourceRecord.id))) > 80
    assert len(during) == chunks
    if backend != "sqlite":
        assert not started and all(d == (None, False, None) for d in during)
        return
    assert [d[:2] for d in during] == [(0, True)] * chunks  # the writer does not checkpoint
    (thread,) = started
    # woken after each commit (before a chunk's commit, the earlier chunks' wakes are in); the thread runs once
    # per wake or fewer (wakes while it runs are one), and a last time when stopped
    assert [d[2] for d in during] == list(range(chunks))
    assert thread.wakes == chunks and 1 <= thread.runs <= chunks + 1 and not thread._thread.is_alive()
    assert not checkpoint.importing(path)
    assert _autocheckpoint() == checkpoint.DEFAULT_AUTOCHECKPOINT
    db.session.commit()
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        busy, logged, copied = raw.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        assert busy == 0 and logged == copied


def test_connections_checkpoint_by_themselves_outside_an_import(sqlite_app):
    db.session.connection()
    path = db.engine.url.database
    assert not checkpoint.importing(path)
    assert _autocheckpoint() == checkpoint.DEFAULT_AUTOCHECKPOINT
    with checkpoint.beside(db.engine) as thread:
        assert thread is not None and checkpoint.importing(path)
        checkpoint.writing(db.session.connection())
        assert _autocheckpoint() == 0
        db.session.commit()  # the connection goes back to the pool: on again
        assert _autocheckpoint() == checkpoint.DEFAULT_AUTOCHECKPOINT
        with checkpoint.beside(db.engine) as nested:  # a second import of the process shares the thread
            assert nested is thread
        assert checkpoint.importing(path)  # the outer import still runs
    assert not checkpoint.importing(path) and not thread._thread.is_alive()


def test_the_journal_mode_is_asked_once_per_engine(sqlite_app):
    """WAL mode persists in the file: each import after the first finds its thread's file without a query."""
    with _statements("PRAGMA journal_mode") as asked:
        for _ in range(3):
            with checkpoint.beside(db.engine) as thread:
                assert thread is not None
    assert len(asked) <= 1


def test_an_import_has_a_large_page_cache_and_gives_it_back(sqlite_app, demo_world):
    """Each chunk is written with ``bulk.SQLITE_CACHE_KIB`` of page cache; the connection has its own size
    again once the import is over."""
    from regulator.ingest import bulk

    from .test_small_import import _register_agencies

    _register_agencies()
    before = _cache_size()
    db.session.commit()
    batch, during = _register_in_chunks(demo_world, _cache_size)
    assert before != -bulk.SQLITE_CACHE_KIB
    assert len(during) == -(-batch.rows_read // 40) and set(during) == {-bulk.SQLITE_CACHE_KIB}
    assert _cache_size() == before
    assert set(_pooled_cache_sizes()) == {before}


def test_a_run_of_files_keeps_its_page_cache_from_first_file_to_last(sqlite_app, demo_world):
    """``ingest_directory`` is one import for the cache: enlarged once per connection, not once per file, and
    given back after the run."""
    from regulator.ingest import bulk
    from regulator.ingest.demo import ingest_directory

    from .test_small_import import _register_agencies

    _register_agencies()
    before = _cache_size()
    db.session.commit()
    with _statements(f"PRAGMA cache_size=-{bulk.SQLITE_CACHE_KIB}") as enlarged:
        batches = ingest_directory(demo_world, IngestOptions(notify=False, reuse_index=True))
    assert len(batches) > 20
    assert 1 <= len(enlarged) <= db.engine.pool.checkedin() + db.engine.pool.checkedout()
    assert not checkpoint.importing(db.engine.url.database)
    assert set(_pooled_cache_sizes()) == {before}
