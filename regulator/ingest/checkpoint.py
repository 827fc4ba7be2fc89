"""SQLite's write-ahead-log checkpoints during an import, run in a thread of their own beside it.

In WAL mode every commit appends the pages it changed to the log, and a commit that leaves more than
1,000 pages there (``wal_autocheckpoint``) then copies them into the database file itself, in the
committing thread. A 10,000-row chunk changes some 5,000 pages, so every chunk paid for that copy: 8 % of
the import's time at a million rows. SQLite's documentation names the way out ("Application-initiated
checkpoints", https://www.sqlite.org/wal.html): turn automatic checkpoints off on the writing connection
and run them from another thread. The copy is done in SQLite's C code, which releases the interpreter
lock, so it runs on the second core while the import links and writes the next chunk.

``beside(engine)`` runs such a thread for the duration of an import into a SQLite file. While it runs,
``writing(conn)`` (called by ``bulk.insert_rows`` before a chunk's inserts) turns automatic checkpoints
off on that connection, and the pool's check-in turns them back on, so no connection leaves the import
with them off. ``committed(engine)`` after each chunk's commit wakes the thread, which runs a ``PASSIVE``
checkpoint: it never blocks the writer nor waits for readers. When the import ends the thread runs a last
one and stops. Nothing else changes: what a checkpoint copies and when a reader sees it are SQLite's
business, as before.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

log = logging.getLogger(__name__)
#: SQLite's own default, restored on connections given back to the pool
DEFAULT_AUTOCHECKPOINT = 1000
_OFF = "wal_autocheckpoint_off"
#: how much lower the thread's priority is than the import's: it runs on a core the import leaves idle
NICENESS = 10


class Checkpointer:
    """A thread that checkpoints the WAL of one SQLite file whenever it is woken, until stopped."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.runs = 0
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=f"checkpoint {path}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Checkpoint what the last commits logged (soon, in the thread)."""
        self._wake.set()

    def stop(self) -> None:
        """Run a last checkpoint and end the thread."""
        self._stop = True
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        _yield_cpu()
        connection = sqlite3.connect(self.path, timeout=0)
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                try:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.runs += 1
                except sqlite3.Error as exc:  # another checkpoint running, a file gone: the next one catches up
                    log.debug("checkpoint of %s skipped: %s", self.path, exc)
                if self._stop:
                    return
        finally:
            connection.close()


def _yield_cpu() -> None:
    """Give this thread a lower priority than the import's own (Linux sets it per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: the same priority as before
        pass


_running: dict[str, Checkpointer] = {}
_lock = threading.Lock()


#: per engine, its WAL file's database once found (WAL mode persists in the file: asked once per engine)
_wal_files: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _wal_file(engine: Engine) -> str | None:
    """The database file of ``engine`` if it is a SQLite file in WAL mode."""
    if engine.dialect.name != "sqlite":
        return None
    known = _wal_files.get(engine)
    if known is not None:
        return known
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    if str(mode).lower() != "wal":
        return None
    _wal_files[engine] = path
    return path


@contextmanager
def beside(engine: Engine) -> Iterator[Checkpointer | None]:
    """Checkpoints of ``engine``'s SQLite file in a thread while the block runs (nothing for other databases).

    An import that runs while another one in this process already has a thread for the file shares it.
    """
    path = _wal_file(engine)
    if path is None:
        yield None
        return
    with _lock:
        if path in _running:
            owner = None
            checkpointer = _running[path]
        else:
            owner = checkpointer = _running[path] = Checkpointer(path)
    try:
        yield checkpointer
    finally:
        if owner is not None:
            with _lock:
                del _running[path]
            owner.stop()


def writing(conn: Any) -> None:
    """Before a chunk's inserts on ``conn``: leave its checkpoints to the thread, if one runs for its file."""
    if conn.info.get(_OFF) or conn.engine.url.database not in _running:
        return
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    conn.info[_OFF] = True


def importing(path: str | None) -> bool:
    """Whether an import into the SQLite file ``path`` runs now (with its checkpoint thread)."""
    return path in _running


def committed(engine: Engine) -> None:
    """After a chunk's commit: wake the thread of ``engine``'s file, if one runs."""
    checkpointer = _running.get(engine.url.database or "")
    if checkpointer is not None:
        checkpointer.wake()


@event.listens_for(Pool, "checkin")
def _restore(dbapi_connection: Any, record: Any) -> None:
    """A connection back in the pool checkpoints by itself again."""
    if dbapi_connection is not None and record.info.pop(_OFF, None):
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={DEFAULT_AUTOCHECKPOINT}")
