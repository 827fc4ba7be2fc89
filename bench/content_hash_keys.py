"""What a unique content-hash key costs SQLite to insert, by how the hash is stored.

    python bench/content_hash_keys.py [--rows 1000000] [--pad 700]

``source_record``'s unique ``(agency_id, content_hash)`` holds the SHA-256 of each row as 64 hex characters,
a random insertion point per row. Here ``--rows`` rows of ``--pad`` bytes (about a source record's stored
JSON) go into a fresh table with the import's settings (WAL, ``synchronous=NORMAL``, ``bulk.SQLITE_CACHE_KIB``
of cache), 10,000 per ``executemany`` and commit, once without the unique key and once with it for each
form of the hash: 64 and 32 hex characters, 16 bytes, a 64-bit integer. Prints one line per form:
``key=… seconds=… cpu_s=…``.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regulator.ingest.bulk import SQLITE_CACHE_KIB  # noqa: E402

FORMS = {
    "none": None,
    "hex64": lambda h: h,
    "hex32": lambda h: h[:32],
    "bytes16": lambda h: bytes.fromhex(h[:32]),
    "int64": lambda h: int(h[:16], 16) - (1 << 63),
}


def main() -> None:
    """Insert the rows once per form of the key and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pad", type=int, default=700, help="bytes of other data per row")
    args = parser.parse_args()
    hashes = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(args.rows)]
    pad = "x" * args.pad
    work = Path(tempfile.mkdtemp(prefix="bench-keys-"))
    try:
        for name, form in FORMS.items():
            rows = [(1, form(h) if form else h, pad) for h in hashes]
            target = sqlite3.connect(work / f"{name}.db", isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"cache_size=-{SQLITE_CACHE_KIB}"):
                target.execute(f"PRAGMA {pragma}")
            unique = ", UNIQUE (agency_id, content_hash)" if form else ""
            target.execute(f"CREATE TABLE t (id INTEGER PRIMARY KEY, agency_id INTEGER NOT NULL, "
                           f"content_hash NOT NULL, raw TEXT{unique})")
            started, started_cpu = time.perf_counter(), time.thread_time()
            for at in range(0, len(rows), 10_000):
                target.execute("BEGIN")
                target.executemany("INSERT INTO t (agency_id, content_hash, raw) VALUES (?, ?, ?)",
                                   rows[at:at + 10_000])
                target.execute("COMMIT")
            print(f"key={name} seconds={time.perf_counter() - started:.1f} "
                  f"cpu_s={time.thread_time() - started_cpu:.1f}", flush=True)
            target.close()
            (work / f"{name}.db").unlink()
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
