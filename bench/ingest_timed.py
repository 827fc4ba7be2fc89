"""``bench/ingest.py`` with some functions of the import timed: calls and seconds of each, printed at the end.

    python bench/ingest_timed.py --wrap regulator.ingest.pipeline:_supersede_quarantined -- --records 1000000

A profiler's share says where time goes; this gives a step's own seconds, to compare two versions of it
(docs/benchmarks.md, stop 35). Each ``--wrap MODULE:FUNCTION`` is replaced, before the run, by a wrapper that
counts its calls and their seconds; callers that look the function up in its module at call time see the wrapper.
Everything after ``--`` goes to ``bench/ingest.py``.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import runpy
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _wrap(target: str, totals: dict[str, list[float]]) -> None:
    module_name, _, name = target.partition(":")
    module = importlib.import_module(module_name)
    original = getattr(module, name)
    totals[target] = [0, 0.0]

    @functools.wraps(original)
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            totals[target][0] += 1
            totals[target][1] += time.perf_counter() - started

    setattr(module, name, timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrap", action="append", required=True, metavar="MODULE:FUNCTION",
                        help="a function to time (repeat for more)")
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="-- then the arguments of bench/ingest.py")
    args = parser.parse_args()
    totals: dict[str, list[float]] = {}
    for target in args.wrap:
        _wrap(target, totals)
    sys.argv = ["bench/ingest.py", *[a for a in args.rest if a != "--"]]
    try:
        runpy.run_path(str(ROOT / "bench" / "ingest.py"), run_name="__main__")
    finally:
        print(json.dumps({t: {"calls": int(c), "seconds": round(s, 3)} for t, (c, s) in totals.items()}))


if __name__ == "__main__":
    main()
