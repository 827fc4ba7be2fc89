"""Ingest benchmark: the demo generator's agency files for a world of N records, imported and linked.

    python bench/ingest.py --records 20000                       # fresh SQLite file under /tmp
    python bench/ingest.py --records 20000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_ingest
    python bench/ingest.py --records 1000000 --keep     # keep the files and database under /tmp/bench-ingest-XXXX

Generates a world whose files hold about N data rows (5.7 rows per entity), writes them in each agency's
own format, migrates a fresh database, registers the agencies and times `ingest_directory` (every file
through its mapping, linking by key and Splink). Prints per-file figures (the batch's own seconds, then
the wall seconds since the previous file, reading included, and the seconds waited for workers), the
linkage score against the hidden truth, and on its last line
``records=… seconds=… cpu_s=… child_cpu_s=… waited_s=… records_per_s=… load=… peak_rss_mb=… child_peak_rss_mb=…
precision=… recall=… f1=…``: ``cpu_s`` and ``peak_rss_mb`` of the importing process, ``child_…`` of the workers
that read and map files ahead (``premap``), ``waited_s`` the seconds the importing process waited for them.
The line before it gives the seconds spent in commits and the CPU seconds of the importing thread alone
(``cpu_s`` also counts the process's other threads: DuckDB's, and the one that checkpoints SQLite's log).
The generated files and the SQLite database (2.3 GB at a million rows) are deleted at the end unless
``--keep`` is given (``bench/sqlite_floor.py``, ``ingest_cache.py``, ``ingest_dump.py`` and ``ingest_small_file.py``
read them).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import demo_app  # noqa: E402
from regulator.ingest.pipeline import CHUNK_SIZE  # noqa: E402

ROWS_PER_ENTITY = 5.7



def _time_commits() -> list[float]:
    """[seconds, number] of the database commits from now on (the dialect's ``do_commit``, wrapped)."""
    from sqlalchemy.engine import default

    spent = [0.0, 0]
    commit = default.DefaultDialect.do_commit

    def timed(self, connection) -> None:  # noqa: ANN001
        started = time.perf_counter()
        commit(self, connection)
        spent[0] += time.perf_counter() - started
        spent[1] += 1

    default.DefaultDialect.do_commit = timed
    return spent


def main() -> None:
    """Run the benchmark once and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000, help="agency rows to generate (about)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file under /tmp")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--chunk-size", type=int, default=CHUNK_SIZE, help="rows per chunk (the CLI's default)")
    parser.add_argument("--no-reuse-index", dest="reuse_index", action="store_false",
                        help="read the writer's caches again for each file (IngestOptions.reuse_index)")
    parser.add_argument("--no-map-ahead", dest="map_ahead", action="store_false",
                        help="read and map each file in the importing process (IngestOptions.map_ahead)")
    parser.add_argument("--ahead-bytes", type=int, default=None,
                        help="files of at least this size go to a worker (premap.AHEAD_BYTES and COLD_AHEAD_BYTES)")
    parser.add_argument("--keep", action="store_true", help="keep the generated files and the SQLite database")
    parser.add_argument("--recheck", action="store_true",
                        help="then match the pending reviews again (flask linkage recheck) and score the linkage again")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        _run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run(args: argparse.Namespace, work: Path) -> None:
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"

    from regulator.demo import generate_world, write_agency_files

    started = time.perf_counter()
    world = generate_world(n_entities=max(int(args.records / ROWS_PER_ENTITY), 10), seed=args.seed)
    manifest = write_agency_files(world, work / "files")
    rows = sum(e["rows"] for e in manifest)
    print(f"generated {len(world.entities)} entities, {rows} rows in {len(manifest)} files "
          f"({time.perf_counter() - started:.1f} s) under {work}{'' if args.keep else ' (deleted at the end)'}")

    with demo_app(url):
        from regulator.ingest import IngestOptions, premap
        from regulator.ingest.demo import ingest_directory, score_linkage

        if args.ahead_bytes is not None:
            premap.AHEAD_BYTES = premap.COLD_AHEAD_BYTES = args.ahead_bytes
        committing = _time_commits()
        started, cpu_started, thread_started = time.perf_counter(), time.process_time(), time.thread_time()
        last = [started, 0.0]

        def echo(line: str) -> None:
            """The file's line, with its wall seconds (reading it included) and the seconds waited for workers."""
            now, waited = time.perf_counter(), sum(premap.waited.values())
            print(f"{line} (wall {now - last[0]:.1f} s, waited {waited - last[1]:.1f} s)")
            last[:] = [now, waited]

        batches = ingest_directory(work / "files", IngestOptions(notify=False, chunk_size=args.chunk_size,
                                                                 reuse_index=args.reuse_index,
                                                                 map_ahead=args.map_ahead), echo=echo)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        main_cpu = time.thread_time() - thread_started
        premap.stop_workers()  # waited for, so that their CPU time and peak memory are counted below
        score = score_linkage(work / "files", batches)
        rechecked = _recheck(work / "files", batches) if args.recheck else None
    read = sum(b.rows_read for b in batches)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"linkage: {score}")
    if rechecked:
        print(rechecked)
    print("waited for the worker: " + ", ".join(f"{k} {v:.1f} s" for k, v in premap.waited.items()))
    print(f"commits: {committing[1]} taking {committing[0]:.1f} s; CPU of the importing thread {main_cpu:.1f} s")
    print(f"records={read} seconds={seconds:.1f} cpu_s={cpu:.1f} "
          f"child_cpu_s={children.ru_utime + children.ru_stime:.1f} waited_s={sum(premap.waited.values()):.1f} "
          f"records_per_s={read / seconds:.0f} "
          f"load={os.getloadavg()[0]:.1f} peak_rss_mb={peak:.0f} child_peak_rss_mb={children.ru_maxrss / 1024:.0f} "
          f"precision={score['precision']:.4f} recall={score['recall']:.4f} f1={score['f1']:.4f}")


def _recheck(files: Path, batches: list) -> str:
    """``flask linkage recheck`` after the imports, timed, and the linkage scored again."""
    from regulator.extensions import db
    from regulator.ingest.demo import score_linkage
    from regulator.linkage.recheck import recheck

    started = time.perf_counter()
    report = recheck()
    db.session.commit()
    seconds = time.perf_counter() - started
    score = score_linkage(files, batches)
    return (f"recheck: {report.summary()}, in {seconds:.1f} s; after: precision "
            f"{score['precision']:.4f} recall {score['recall']:.4f} f1 {score['f1']:.4f} entities {score['entities']} "
            f"(true {score['true_entities']})")


if __name__ == "__main__":
    main()
