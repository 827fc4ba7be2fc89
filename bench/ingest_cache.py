"""The first files of a generated world imported into a fresh SQLite database with a given bulk page cache.

    python bench/ingest.py --records 1000000                     # leaves its files under /tmp/bench-ingest-XXXX
    python bench/ingest_cache.py /tmp/bench-ingest-XXXX/files --cache-kib 262144 [--files 5]

Imports the first ``--files`` files of the world's manifest as a run does (``ingest_directory``: one process,
``reuse_index``, ``map_ahead``) with ``bulk.SQLITE_CACHE_KIB`` set to ``--cache-kib``, and prints per file
the wall seconds and the importing thread's CPU seconds, then the peak memory. Alternate the sizes to
compare them (docs/benchmarks.md, "Stop 26").
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import fresh_database  # noqa: E402
from regulator import create_app  # noqa: E402
from regulator.config import TestingConfig  # noqa: E402


def main() -> None:
    """Run once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, help="a generated world's files (with manifest.json)")
    parser.add_argument("--cache-kib", type=int, required=True, help="bulk.SQLITE_CACHE_KIB")
    parser.add_argument("--files", dest="count", type=int, default=5, help="how many files of the manifest")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    url = f"sqlite:///{work / 'bench.db'}"
    fresh_database(url)
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    cfg.update(SQLALCHEMY_DATABASE_URI=url, TESTING=False)
    try:
        with create_app(cfg).app_context():
            from flask_migrate import upgrade

            from regulator.demo import AGENCIES
            from regulator.extensions import db
            from regulator.ingest import IngestOptions, bulk, checkpoint
            from regulator.ingest.pipeline import ingest_file
            from regulator.services.agencies import upsert_agency

            bulk.SQLITE_CACHE_KIB = args.cache_kib
            upgrade()
            for agency in AGENCIES:
                upsert_agency(agency["code"], agency["name"], agency["domain"])
            db.session.commit()
            options = IngestOptions(notify=False, reuse_index=True, map_ahead=True)
            manifest = json.loads((args.files / "manifest.json").read_text(encoding="utf-8"))
            figures, total = [], 0.0
            with checkpoint.beside(db.engine):  # as ingest_directory runs them
                for entry in manifest["files"][:args.count]:
                    started, cpu = time.perf_counter(), time.thread_time()
                    ingest_file(args.files / entry["path"], entry["agency"], options)
                    seconds = time.perf_counter() - started
                    total += seconds
                    figures.append(f"{Path(entry['path']).stem} {seconds:.1f}/{time.thread_time() - cpu:.1f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"cache_kib={args.cache_kib} " + " ".join(figures) + f" total_s={total:.1f} peak_rss_mb={peak}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
