"""Files read and mapped by a worker process while the importing process links and writes.

Reading a file and mapping and validating its rows (``prepare_rows``) read no database and take about a
fifth of an import's CPU time. A machine's second core can take them, but not a thread: the importing
thread holds the interpreter lock for all but short calls (a helper thread gained nothing, stop 22 in
docs/benchmarks.md). Nor a child forked per file (stop 23): it shares the importing process's heap,
gigabytes at a million rows, copy-on-write, and reference counting writes to every page the importing
process touches, so each is copied again after every fork (27 CPU seconds more at a million rows than
the mapping saved). Nor multiprocessing's fork server or spawn: their children run the caller's main
script again, and start cold for each file.

So one worker per importing process, a Python started once (``python -c … serve(fd)``) that imports
only what reading and mapping need, takes one file after another: it reads the file and sends back what
``open_import`` checks (format, encoding, headers, hash, number of rows, or the error); told the mapping
and the checkpoint, it maps one chunk after another and sends each as plain tuples (``prepare.pack``)
through a socket, which holds less than a chunk, so it runs at most a chunk or two ahead. It writes
nothing: the importing process stays the only writer, so checkpoints, resuming and a failed chunk's
rollback are as without it. An error in the worker is raised in the importing process where it would
have been raised there; a worker that dies is an error naming the rows it did not send. An import that
stops before its last chunk stops the worker; the next file starts another. Small files are read here:
the worker pays off from a second chunk, or from some 60,000 rows where it must be started first. A run
of files has a second worker read the next file and map its first chunks (``prefetch``) while the
current one is imported, so that they are not waited for either. The worker also encodes the JSON the
source records store of each row (``prepare.pack``), which the importing process would encode otherwise, and
for a register the matching features of its new entities' identity rows (``prepare.identity_seed``).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from .errors import FileError, IngestError
from .mapping import AgencyMapping, FileMapping
from .prepare import SEED_PROFILE, Prepared, packed_chunk, prepare_rows, unpack
from .readers import SourceFile, read_file

#: files at least this large are read and mapped by a worker that is running already, or that reads them while
#: another file is imported (``prefetch``): some 2,500 rows of the demo's files (smaller ones cost the worker's
#: round trips for little to overlap)
AHEAD_BYTES = 500_000
#: ... and by a worker started for them, which first imports what it needs (1.4 s, waited for): from about
#: 60,000 rows it saves more than that (a 5 MB register file of 17,543 rows took 3.9 s with it, 2.9 s without)
COLD_AHEAD_BYTES = 16_000_000

#: chunks a worker maps before it is asked to, while the importing process opens the batch and reads its
#: caches: with the mapping and chunk size it was told to expect (``Plan``), from the first row
SPECULATE_CHUNKS = 2

#: how much lower a worker's priority is than the importing process's, which waits for it only when it is behind
WORKER_NICENESS = 5
#: seconds this process has waited for workers: for a file to be read ("file"), for the first chunk of a file
#: and for the others: what the workers did not hide (bench/ingest.py prints them)
waited: Counter[str] = Counter()

#: ``(number of rows, prepared rows)`` of each chunk
Chunks = Iterator[tuple[int, list[Prepared]]]
#: what the importing process expects to ask for: the agency's mapping, the file kind, the chunk size
Plan = tuple[AgencyMapping, str | None, int]


def available() -> bool:
    """Whether a worker can help here: a second core (and sockets between processes, as on Unix)."""
    return (os.cpu_count() or 1) > 1 and hasattr(socket, "AF_UNIX")


class _Worker:
    """The worker process and this end of its socket."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (root, os.environ.get("PYTHONPATH"))))}
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter, our module
            [sys.executable, "-c", f"from regulator.ingest.premap import serve; serve({theirs.fileno()})"],
            pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())

    def receive(self, what: str, waiting_for: str) -> tuple[str, Any]:
        started = time.perf_counter()
        try:
            data = self.conn.recv_bytes()
            waited[waiting_for] += time.perf_counter() - started
            return pickle.loads(data)  # noqa: S301 - our own worker's bytes
        except (EOFError, OSError):
            code = self.process.wait()
            raise IngestError(f"the process reading and mapping {what} ended without sending them "
                              f"(exit code {code})") from None

    def stop(self) -> None:
        self.conn.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


_lock = threading.Lock()
_idle: list[_Worker] = []
#: workers told to read a file that no import has opened yet (``prefetch``), by the file's resolved path
_reading: dict[str, _Worker] = {}


def _take() -> _Worker:
    with _lock:
        while _idle:
            worker = _idle.pop()
            if worker.process.poll() is None:
                return worker
            worker.stop()
    return _Worker()


def _give_back(worker: _Worker) -> None:
    with _lock:
        _idle.append(worker)


@atexit.register
def stop_workers() -> None:
    """Stop the idle workers and those reading a file nobody opened (at exit, or to count their resources:
    they are waited for)."""
    with _lock:
        while _idle:
            _idle.pop().stop()
        while _reading:
            _reading.popitem()[1].stop()


class RowsAhead:
    """The rows of a file that a worker has read: their number, then their chunks, mapped there."""

    def __init__(self, count: int, worker: _Worker) -> None:
        self.count, self.worker = count, worker
        self.done = False

    def __len__(self) -> int:
        return self.count

    def chunks(self, fmap: FileMapping, start: int, size: int) -> Chunks:
        """Each chunk from row ``start`` on, mapped with ``fmap``."""
        self.worker.conn.send(("map", fmap, start, size))
        for at in range(start, self.count, size):
            n = min(size, self.count - at)
            kind, payload = self.worker.receive(f"rows {at + 1}-{at + n}", "later chunks" if at > start else
                                                "first chunk")
            # after an error or the last chunk the worker waits for the next file
            self.done = kind == "error" or at + n >= self.count
            if kind == "error":
                raise payload
            packed, seed = payload
            if seed is not None:
                _seed(seed)
            yield n, unpack(packed)

    def close(self) -> None:
        """Keep the worker for the next file if it sent all it had to; otherwise (the import stopped early,
        an error) stop it. Closing again does nothing."""
        worker, self.worker = self.worker, None
        if worker is None:
            return
        if self.done:
            _give_back(worker)
        else:
            worker.stop()


def _seed(seed: tuple[list[tuple[Any, ...]], Any]) -> None:
    """Keep the features the worker prepared for a register chunk's new identity rows (``prepare.identity_seed``)."""
    from ..linkage.entity_rows import FEATURES

    identities, prepared = seed
    FEATURES.seed(SEED_PROFILE, identities, prepared)


def _large(path: str | Path, threshold: int) -> bool:
    return available() and Path(path).is_file() and Path(path).stat().st_size >= threshold


def prefetch(path: str | Path, plan: Plan | None = None) -> None:
    """Have a worker read ``path`` now (and map its first chunks as ``plan`` says), while this process imports
    another file (a run of files: the next one); ``read_ahead`` takes it from there. Only files the worker
    would read anyway."""
    key = str(Path(path).resolve())
    if not _large(path, AHEAD_BYTES) or key in _reading:
        return
    worker = _take()
    try:
        worker.conn.send(("read", str(path), plan))
    except OSError:
        worker.stop()
        return
    with _lock:
        _reading[key] = worker


def forget(path: str | Path) -> None:
    """Stop the worker reading ``path`` ahead, if any: the run that asked for it stopped before its turn."""
    with _lock:
        worker = _reading.pop(str(Path(path).resolve()), None)
    if worker is not None:
        worker.stop()


def read_ahead(path: str | Path, plan: Plan | None = None) -> SourceFile:
    """``read_file(path)``, done by a worker that keeps the rows (``rows`` is a ``RowsAhead``; close it) and maps
    the first chunks as ``plan`` says while this process gets ready to ask for them."""
    with _lock:
        worker = _reading.pop(str(Path(path).resolve()), None)
    try:
        if worker is None:
            worker = _take()
            worker.conn.send(("read", str(path), plan))
        kind, payload = worker.receive(f"the file {Path(path).name}", "file")
    except BaseException:
        worker.stop()
        raise
    if kind == "error":
        _give_back(worker)
        if isinstance(payload, FileError):
            read_file(path)  # the same error, its message translated in this process's language
        raise payload
    file_format, encoding, headers, digest, count, title, header_row = payload
    return SourceFile(Path(path), file_format, encoding, headers, digest, RowsAhead(count, worker), title,
                      header_row)


def open_source(path: str | Path, ahead: bool, plan: Plan | None = None) -> SourceFile:
    """The file read by a worker (``ahead``, a large file, a second core) or here."""
    with _lock:
        warm = bool(_idle) or str(Path(path).resolve()) in _reading
    if ahead and _large(path, AHEAD_BYTES if warm else COLD_AHEAD_BYTES):
        return read_ahead(path, plan)
    return read_file(path)


@contextmanager
def prepared_chunks(fmap: FileMapping, rows: list[dict[str, Any]] | RowsAhead, start: int,
                    size: int) -> Iterator[Chunks]:
    """Each chunk of ``rows`` from ``start``, mapped: by the worker that read them, or here.

    Leaving the block lets the worker go, stopping it when the import stopped early (an error, a limit
    on chunks).
    """
    if not isinstance(rows, RowsAhead):
        yield _mapped_here(fmap, rows, start, size)
        return
    try:
        yield rows.chunks(fmap, start, size)
    finally:
        rows.close()


def _mapped_here(fmap: FileMapping, rows: list[dict[str, Any]], start: int, size: int) -> Chunks:
    for at in range(start, len(rows), size):
        chunk = rows[at:at + size]
        yield len(chunk), prepare_rows(fmap, chunk)


def _send(conn: Connection, kind: str, payload: Any) -> None:
    conn.send_bytes(pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL))


def serve(fd: int) -> None:
    """The worker: for each file asked for, read it, say what it holds, then map the chunks asked for.

    Ends when the importing process closes its end or goes away.
    """
    conn = Connection(fd)
    with contextlib.suppress(OSError):
        os.nice(WORKER_NICENESS)
    try:
        while True:
            order, path, plan = conn.recv()
            if order != "read":
                raise ValueError(f"unknown order {order!r}")
            try:
                source = read_file(path)
            except Exception as exc:  # noqa: BLE001 - any error goes back, to be raised where it would have been
                _send(conn, "error", _sendable(exc))
                continue
            rows = source.rows
            _send(conn, "file", (source.file_format, source.encoding, source.headers, source.file_hash, len(rows),
                                 source.title, source.header_row))
            expected, early = _speculate(conn, source, plan)
            order, fmap, start, size = conn.recv()
            if (fmap, size) != expected:
                early.clear()
            for at in range(start, len(rows), size):
                packed = early.pop(at, None)
                if packed is None:
                    try:
                        packed = packed_chunk(fmap, rows[at:at + size])
                    except Exception as exc:  # noqa: BLE001 - as above
                        _send(conn, "error", _sendable(exc))
                        break
                _send(conn, "rows", packed)
            del source, rows, early
    except (EOFError, OSError):
        return  # the importing process closed its end (it stopped early, or ended), or was killed
    finally:
        conn.close()


def _speculate(conn: Connection, source: SourceFile, plan: Plan | None) -> tuple[tuple[Any, int] | None,
                                                                                  dict[int, Any]]:
    """The first chunks mapped as ``plan`` expects, until the importing process asks (or ``SPECULATE_CHUNKS``).

    Returns what they were mapped with and the packed chunks by first row; a mapping that fails here maps
    nothing early (the error is raised when the chunk is asked for).
    """
    early: dict[int, Any] = {}
    if plan is None:
        return None, early
    mapping, kind, size = plan
    try:
        fmap = mapping.for_file(source.path.name, source.headers, kind).for_format(source.file_format)
        for at in range(0, min(len(source.rows), size * SPECULATE_CHUNKS), size):
            if conn.poll():
                break
            early[at] = packed_chunk(fmap, source.rows[at:at + size])
    except Exception:  # noqa: BLE001 - see above
        return None, {}
    return (fmap, size), early


def _sendable(exc: Exception) -> Exception:
    """``exc`` where it survives pickling, else a ``RuntimeError`` with its type, message and traceback."""
    try:
        pickle.loads(pickle.dumps(exc))  # noqa: S301 - just made
        return exc
    except Exception:  # noqa: BLE001 - whatever pickling raises, the message still goes back
        return RuntimeError(f"{type(exc).__name__}: {exc}\n{''.join(traceback.format_exception(exc))}")
