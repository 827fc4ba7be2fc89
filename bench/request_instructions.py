"""Instructions per request (callgrind): a deterministic measure of the load scenarios' Python-side CPU.

    python -m bench.request_instructions --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load_100k \
        --scenario profile search tasks -n 40

Timings on a shared VM drift by a third; instruction counts do not. For each scenario the script runs
itself under ``valgrind --tool=callgrind`` with instrumentation off, serves the scenario in-process as
bench/load_profile.py does (production app, test client signed in through the login form, 20 requests of
warm-up), switches instrumentation on for ``-n`` requests only (callgrind's client requests, through a
tiny C helper compiled with gcc against valgrind's header) and prints the instructions per request
(Ir of this process only; PostgreSQL's backend is not counted). ``--callgrind-out DIR`` keeps the
profiles for ``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELPER = r"""
#include <valgrind/callgrind.h>
void start_counting(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void stop_counting(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""


def _helper() -> ctypes.CDLL:
    """The client-request helper, compiled once into the temporary directory."""
    target = Path(tempfile.gettempdir()) / "regulator_callgrind_helper.so"
    if not target.exists():
        source = target.with_suffix(".c")
        source.write_text(HELPER)
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(target), str(source)], check=True)  # noqa: S603, S607
    return ctypes.CDLL(str(target))


def child(url: str, scenario: str, n: int) -> None:
    """Inside valgrind: warm up, then count ``n`` requests."""
    from bench.load import _paths, _sample_file, ensure_inspector_tasks
    from bench.load_profile import login, production_app, production_environment

    sample = {**json.loads(_sample_file(url).read_text()), "tasks_path": "/inspector/"}
    production_environment(url)
    if scenario == "tasks":
        ensure_inspector_tasks(url)
    app = production_app()
    client = login(app, "bench.insp" if scenario == "tasks" else "bench.coord")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"  # as bench/load.py's clients send
    rng = random.Random(11)
    for _ in range(20):
        assert client.get(_paths(scenario, sample, rng)).status_code == 200  # noqa: S101
    helper = _helper()
    helper.start_counting()
    for _ in range(n):
        status = client.get(_paths(scenario, sample, rng)).status_code
        if status != 200:
            raise RuntimeError(f"{scenario}: HTTP {status}")
    helper.stop_counting()


def run(url: str, scenario: str, n: int, out_dir: Path) -> dict:
    """One scenario under callgrind; instructions per request."""
    _helper()
    out = out_dir / f"callgrind.{scenario}.out"
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
    subprocess.run(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",  # noqa: S603, S607
                    sys.executable, "-m", "bench.request_instructions", "--child", "--url", url,
                    "--scenario", scenario, "-n", str(n)], check=True, cwd=ROOT, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    total = int(re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE).group(1))
    return {"scenario": scenario, "requests": n, "instructions_per_request": round(total / n)}


def main() -> None:
    """Command line."""
    from bench.load import DEFAULT_URL

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("-n", type=int, default=40)
    parser.add_argument("--scenario", nargs="+", default=["profile", "search", "tasks"])
    parser.add_argument("--callgrind-out", type=Path, help="keep the callgrind profiles here")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.url, args.scenario[0], args.n)
        return
    with tempfile.TemporaryDirectory() as tmp:
        out_dir = args.callgrind_out or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        for scenario in args.scenario:
            print(json.dumps(run(args.url, scenario, args.n, out_dir)), flush=True)  # noqa: T201


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
