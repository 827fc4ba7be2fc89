"""What SQLite alone takes to write the rows an import wrote: the floor under ``bench/ingest.py``'s seconds.

    python bench/ingest.py --records 1000000 --keep   # leaves its database under /tmp/bench-ingest-XXXX
    python bench/sqlite_floor.py /tmp/bench-ingest-XXXX/bench.db [--chunk-rows 10000] [--page-size 16384]

Creates an empty database with the same schema (tables, indexes, triggers) and the connection settings an
import writes with (the source's page size unless ``--page-size`` is given, write-ahead log,
``synchronous=NORMAL``, ``bulk.SQLITE_CACHE_KIB`` of page cache, automatic checkpoints off; foreign keys
unchecked, since rows may refer to later rows of their own table, as a merged entity to the one it went into:
a floor a little below the import's), then inserts every row of every table of the given database into it,
table after table in the order of their foreign keys, ``--chunk-rows`` rows per ``executemany`` and commit,
as tuples read beforehand (the reading is not timed).
No mapping, hashing, linking or Python objects of the import's own: only SQLite's B-trees, indexes, unique
constraints and log. Prints the seconds per table, the checkpoint that copies the log into the file at the
end (the copy is deleted then), and on its last line ``rows=… seconds=… cpu_s=… checkpoint_s=… page_size=…``
(``cpu_s`` of the writing thread).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402, F401 - every table of the metadata
from models.base import Base  # noqa: E402
from regulator.ingest.bulk import SQLITE_CACHE_KIB  # noqa: E402


def _schema(source: sqlite3.Connection) -> list[str]:
    """The statements that create the source's tables, then its indexes and triggers."""
    rows = source.execute("SELECT type, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                          "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END").fetchall()
    return [sql for _type, sql in rows]


def _target(path: Path, statements: list[str], page_size: int) -> sqlite3.Connection:
    target = sqlite3.connect(path, isolation_level=None)
    target.execute(f"PRAGMA page_size={int(page_size)}")  # before the log and the first table: fixed once either exists
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"cache_size=-{SQLITE_CACHE_KIB}",
                   "wal_autocheckpoint=0"):
        target.execute(f"PRAGMA {pragma}")
    for sql in statements:
        target.execute(sql)
    return target


def main() -> None:
    """Copy the rows once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", type=Path, help="a SQLite database an import wrote (bench/ingest.py's bench.db)")
    parser.add_argument("--chunk-rows", type=int, default=10_000, help="rows per executemany and commit")
    parser.add_argument("--page-size", type=int, default=None,
                        help="the new database's page size in bytes (default: the source's)")
    args = parser.parse_args()
    source = sqlite3.connect(f"file:{args.database}?mode=ro", uri=True)
    present = {name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    work = Path(tempfile.mkdtemp(prefix="bench-floor-"))
    page_size = args.page_size or source.execute("PRAGMA page_size").fetchone()[0]
    target = _target(work / "floor.db", _schema(source), page_size)
    total_rows, total_s, cpu_s = 0, 0.0, 0.0
    for table in (t.name for t in Base.metadata.sorted_tables if t.name in present):
        cursor = source.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from our own metadata
        rows = cursor.fetchall()
        if not rows:
            continue
        insert = f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(cursor.description))})'  # noqa: S608
        started, started_cpu = time.perf_counter(), time.thread_time()
        for at in range(0, len(rows), args.chunk_rows):
            target.execute("BEGIN")
            target.executemany(insert, rows[at:at + args.chunk_rows])
            target.execute("COMMIT")
        seconds = time.perf_counter() - started
        cpu_s += time.thread_time() - started_cpu
        total_rows, total_s = total_rows + len(rows), total_s + seconds
        print(f"  {table}: {len(rows)} rows, {seconds:.1f} s", flush=True)
        del rows
    started = time.perf_counter()
    target.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    checkpoint_s = time.perf_counter() - started
    target.close()
    print(f"checkpoint: {checkpoint_s:.1f} s; database {(work / 'floor.db').stat().st_size / 1e6:.0f} MB (deleted)")
    shutil.rmtree(work)
    print(f"rows={total_rows} seconds={total_s:.1f} cpu_s={cpu_s:.1f} checkpoint_s={checkpoint_s:.1f} "
          f"page_size={page_size}")


if __name__ == "__main__":
    main()
