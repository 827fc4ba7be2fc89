"""How often the matching features' normaliser meets a value it has normalised before (a value cache's worth).

    python bench/feature_value_hits.py --records 300000

Runs ``bench/ingest.py`` with ``linkage.features.on_uniques`` counted: per column function (company names,
addresses, ...), the distinct values of each call, how many of them an earlier call had already normalised, and
the CPU seconds the function took. A cache by value across calls could save at most the hits' share of those
seconds. Prints one line per function after the benchmark's own output.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    """Count, run the ingest benchmark, print the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=300_000)
    args = parser.parse_args()

    import pyarrow.compute as pc

    from regulator.linkage import features

    original = features.on_uniques
    seen: dict[str, set] = defaultdict(set)
    distinct, hits, seconds = Counter(), Counter(), Counter()

    def counted(values, fn):  # noqa: ANN001, ANN202 - on_uniques' own signature
        name = getattr(fn, "__name__", "?")
        values_now = pc.unique(values).to_pylist()
        known = seen[name]
        distinct[name] += len(values_now)
        hits[name] += sum(1 for v in values_now if v in known)
        known.update(values_now)
        started = time.process_time()
        try:
            return original(values, fn)
        finally:
            seconds[name] += time.process_time() - started

    features.on_uniques = counted
    sys.argv = ["bench/ingest.py", "--records", str(args.records)]
    try:
        runpy.run_path(str(ROOT / "bench" / "ingest.py"), run_name="__main__")
    finally:
        features.on_uniques = original
    for name in sorted(distinct):
        print(f"{name}: distinct={distinct[name]} seen_before={hits[name]} "
              f"({hits[name] / max(distinct[name], 1):.0%}) cpu_s={seconds[name]:.2f}")


if __name__ == "__main__":
    main()
