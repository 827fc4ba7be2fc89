"""Shares of a py-spy profile per function: the figures the benchmark docs quote from ``py-spy record -f raw``.

    py-spy record -r 50 -f raw -o ingest.txt -- python bench/ingest.py --records 100000
    python bench/pyspy_shares.py ingest.txt                     # inclusive shares under ingest_file
    python bench/pyspy_shares.py ingest.txt --self              # self time (the innermost frame) per function
    python bench/pyspy_shares.py push.txt --root EntityIndex.read_whole --top 20

Only samples whose stack holds a frame of ``--root`` count; a function is counted once per sample however
often it recurs in the stack. Functions are named as py-spy names them, with their file's name.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<name>.*?) \((?P<path>[^:()]*)(?::\d+)?\)$")


def _function(frame: str) -> str:
    match = _FRAME.match(frame)
    return f"{match['name']} ({Path(match['path']).name})" if match else frame


def shares(path: Path, root: str, self_time: bool) -> tuple[int, Counter]:
    """Samples under ``root``, and per function the samples it was in (or at the top of, with ``self_time``)."""
    total, counts = 0, Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, n = line.rpartition(" ")
        frames = [_function(f) for f in stack.split(";")]
        if not any(f.startswith(f"{root} (") for f in frames):
            continue
        total += int(n)
        for name in ([frames[-1]] if self_time else set(frames)):
            counts[name] += int(n)
    return total, counts


def main() -> None:
    """Print the largest shares."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path, help="a py-spy profile written with -f raw")
    parser.add_argument("--root", default="ingest_file", help="count only samples under this function")
    parser.add_argument("--self", dest="self_time", action="store_true", help="self time instead of inclusive")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    total, counts = shares(args.profile, args.root, args.self_time)
    print(f"{total} samples under {args.root}")
    for name, n in counts.most_common(args.top):
        print(f"{100 * n / max(total, 1):5.1f} %  {name}")


if __name__ == "__main__":
    main()
