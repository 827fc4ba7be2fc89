"""The first files of a generated world imported into a fresh SQLite database with a given bulk page cache.

    python bench/ingest.py --records 1000000 --keep              # leaves its files under /tmp/bench-ingest-XXXX
    python bench/ingest_cache.py /tmp/bench-ingest-XXXX/files --cache-kib 262144 [--files 5]

Imports the first ``--files`` files of the world's manifest with ``ingest_directory`` (as ``bench/ingest.py``
does: one process, ``reuse_index``, ``map_ahead``, the next file read ahead) with ``bulk.SQLITE_CACHE_KIB``
set to ``--cache-kib``, and prints per file the wall seconds and the importing thread's CPU seconds, then
the peak memory. Alternate the sizes to compare them (docs/benchmarks.md, "Stop 26").
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

from bench.databases import demo_app  # noqa: E402


def main() -> None:
    """Run once and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, help="a generated world's files (with manifest.json)")
    parser.add_argument("--cache-kib", type=int, required=True, help="bulk.SQLITE_CACHE_KIB")
    parser.add_argument("--files", dest="count", type=int, default=5, help="how many files of the manifest")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    manifest = json.loads((args.files / "manifest.json").read_text(encoding="utf-8"))
    first = [{**entry, "path": str((args.files / entry["path"]).resolve())} for entry in manifest["files"][:args.count]]
    (work / "manifest.json").write_text(json.dumps({**manifest, "files": first}), encoding="utf-8")
    try:
        with demo_app(f"sqlite:///{work / 'bench.db'}"):
            from regulator.ingest import IngestOptions, bulk
            from regulator.ingest.demo import ingest_directory

            bulk.SQLITE_CACHE_KIB = args.cache_kib
            figures: list[str] = []
            last = [time.perf_counter(), time.thread_time()]
            started = last[0]

            def echo(line: str) -> None:
                now, cpu = time.perf_counter(), time.thread_time()
                figures.append(f"{Path(line.split(':')[0].strip()).stem} {now - last[0]:.1f}/{cpu - last[1]:.1f}")
                last[:] = [now, cpu]

            ingest_directory(work, IngestOptions(notify=False, reuse_index=True, map_ahead=True), echo=echo)
            total = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"cache_kib={args.cache_kib} " + " ".join(figures) + f" total_s={total:.1f} peak_rss_mb={peak}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
