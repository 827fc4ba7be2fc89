"""What a small file costs in a run of imports into a large database (the per-file fixed part).

    cp /tmp/bench-ingest-XXXX/bench.db /tmp/bench1m.db       # the database of a bench/ingest.py --keep run
    python bench/ingest_small_file.py sqlite:////tmp/bench1m.db \\
        /tmp/bench-ingest-XXXX/files/NHC/nhc_serious_list.csv NHC [--profile]

Writes copies of FILE whose first column's values carry a prefix (X, Y, Z: rows the database has not seen),
imports them one after the other in one process as a directory run does (``reuse_index``: the first reads
the whole index, the next ones take the index the previous one kept) and prints each import's seconds. With
``--profile`` the last import runs under cProfile (cumulative times printed). The database is written to.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import csv  # noqa: E402
import pstats  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

from regulator import create_app  # noqa: E402
from regulator.config import TestingConfig  # noqa: E402


def _copy(source: Path, prefix: str, out: Path) -> Path:
    with source.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    target = out / f"{source.stem}_{prefix}{source.suffix}"
    with target.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([rows[0], *([f"{prefix}{r[0]}", *r[1:]] for r in rows[1:])])
    return target


def main() -> None:
    """Import the copies and print their times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database_url")
    parser.add_argument("file", type=Path, help="a UTF-8 CSV file of the agency (first column: its row key)")
    parser.add_argument("agency")
    parser.add_argument("--profile", action="store_true", help="profile the last import")
    args = parser.parse_args()
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    cfg.update(SQLALCHEMY_DATABASE_URI=args.database_url, TESTING=False)
    out = Path(tempfile.mkdtemp(prefix="small-file-"))
    copies = [_copy(args.file, prefix, out) for prefix in "XYZ"]
    with create_app(cfg).app_context():
        from regulator.ingest import IngestOptions
        from regulator.ingest.pipeline import ingest_file

        options = IngestOptions(notify=False, reuse_index=True)
        profile = cProfile.Profile()
        for n, path in enumerate(copies, start=1):
            last = args.profile and n == len(copies)
            started = time.perf_counter()
            if last:
                profile.enable()
            batch = ingest_file(path, args.agency, options)
            if last:
                profile.disable()
            print(f"{path.name}: {batch.rows_accepted} accepted, {batch.rows_duplicate} duplicate, "
                  f"{time.perf_counter() - started:.2f} s")
    if args.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
