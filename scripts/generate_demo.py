"""Generate the demo world and write every agency's files: a thin wrapper around ``regulator.demo``."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, generate, write, print the manifest summary and timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entities", type=int, default=2000,
                        help="number of market entities (50 to 1,000,000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path("demo_data"), help="output folder")
    parser.add_argument("--formats", default=None,
                        help="force one format for every agency: csv, tsv, jsonl, xlsx")
    parser.add_argument("--start", type=date.fromisoformat, default=date(2021, 1, 1))
    parser.add_argument("--end", type=date.fromisoformat, default=date(2025, 12, 31))
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(message)s")

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from regulator.demo import generate_world, write_agency_files

    t0 = time.perf_counter()
    world = generate_world(n_entities=args.entities, seed=args.seed, start=args.start, end=args.end)
    t1 = time.perf_counter()
    entries = write_agency_files(world, args.out, formats=args.formats)
    t2 = time.perf_counter()

    print(f"{'agency':<6} {'file':<34} {'format':<6} {'encoding':<10} {'rows':>10}  record types")
    for e in entries:
        name = Path(e["path"]).name
        print(f"{e['agency']:<6} {name:<34} {e['format']:<6} {e['encoding']:<10} {e['rows']:>10,}  "
              f"{', '.join(e['record_types'])}")
    rows = sum(e["rows"] for e in entries)
    print(f"\n{len(entries)} files, {rows:,} rows ({rows / args.entities:.1f} per entity) in {args.out}")
    print(f"world: {t1 - t0:.1f} s; files: {t2 - t1:.1f} s; total: {t2 - t0:.1f} s")
    print("tables: " + ", ".join(f"{k} {v:,}" for k, v in world.summary().items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
