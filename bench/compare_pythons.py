"""The same requests under two Python interpreters: Python CPU ms per request of each load scenario.

    python bench/compare_pythons.py --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load_1m \
        --python .venv/bin/python .venv-system/bin/python --rounds 4 -n 300

Each interpreter needs the project installed in its own venv (``make install PYTHON=... VENV=...``). For
each round, ``python -m bench.load_profile`` runs under both interpreters at the same time, one per core,
so that both see the same phase of this VM, whose speed drifts by half within minutes; run one after the
other, the second of a pair can land in another phase. Prints one JSON line per round and interpreter
(Python CPU ms per request per scenario, this process only), then the median of the rounds for each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEFAULT_URL  # noqa: E402


def one_round(pythons: list[str], url: str, n: int, scenarios: list[str]) -> list[dict]:
    """``bench.load_profile`` under every interpreter at once; their figures."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([python, "-m", "bench.load_profile", "--url", url, "-n", str(n),  # noqa: S603
                               "--scenario", *scenarios], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True) for python in pythons]
    figures = []
    for python, proc in zip(pythons, procs, strict=True):
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"{python}: bench.load_profile failed ({proc.returncode})")
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        figures.append({"python": python, **{d["scenario"]: d["python_cpu_ms"] for d in lines}})
    return figures


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--python", nargs=2, required=True, help="two interpreters, each in a venv with the project")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--scenario", nargs="+", default=["profile", "search", "tasks"])
    args = parser.parse_args()
    rounds = []
    for _ in range(args.rounds):
        for figures in one_round(args.python, args.url, args.n, args.scenario):
            print(json.dumps(figures), flush=True)  # noqa: T201
            rounds.append(figures)
    for python in args.python:
        mine = [r for r in rounds if r["python"] == python]
        print(json.dumps({"python": python, "median": {s: round(statistics.median(r[s] for r in mine), 2)  # noqa: T201
                                                       for s in args.scenario}}))


if __name__ == "__main__":
    main()
