"""Cost of one ``match_records`` candidate step against many entity rows: kept counts vs counting every row.

    python bench/linkage_candidates.py 60000      # entities of the demo world; a 2,000-record chunk

Times ``matching._candidates`` (capped candidate rows, term frequencies, entity count) five times with
``EntityRows``' kept ``KeyStats`` and five times with every row counted again, and checks both agree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regulator.demo import generate_world  # noqa: E402
from regulator.linkage import matching  # noqa: E402
from regulator.linkage.demo_frames import demo_frames  # noqa: E402
from regulator.linkage.entity_rows import COLUMNS, EntityRows  # noqa: E402
from regulator.linkage.profiles import UID, get_profile  # noqa: E402


def main() -> None:
    """Print the milliseconds per call both ways."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entities", type=int, nargs="?", default=60_000, help="entities of the demo world")
    n = parser.parse_args().entities
    frames = demo_frames(generate_world(n_entities=n, seed=3))
    rows = [tuple(None if pd.isna(r.get(c)) else r.get(c) for c in COLUMNS) for r in frames.entities.to_dict("records")]
    kept = EntityRows()
    kept.extend(rows)
    kept.stats("company")
    profile = get_profile("company")
    records = frames.records.iloc[:2000]
    right = profile.prepare(records.assign(**{UID: np.arange(len(records))}))

    def run(label: str) -> tuple:
        started = time.process_time()
        for _ in range(5):
            out = matching._candidates(kept, right, profile)
        print(f"{label}: {(time.process_time() - started) / 5 * 1000:.1f} ms a call, {len(kept)} entity rows, "
              f"{out[0].num_rows} candidates")
        return out

    a = run("kept counts")
    EntityRows.stats = lambda self, name: None  # the old path: every row counted on each call
    b = run("every row")
    assert a[0].equals(b[0]) and a[4].n == b[4].n
    assert all(a[3][c].sort_by(c).equals(b[3][c].sort_by(c)) for c in a[3])


if __name__ == "__main__":
    main()
