"""What ``FeatureCache.take`` costs over a run of small parts: taken part by part (``entity_rows._take``, the
cache's way) or from one table of one Arrow chunk per part (``Table.take``, its way before stop 25).

    python bench/feature_cache_chunks.py 60000 600      # entities of a demo world, parts

An import adds entity rows a part at a time (one part per chunk that created entities), and each part's
features are taken from the cache. Prints, per variant (twice, alternated), the seconds of the first pass
(features prepared, the cache growing) and of a second pass over the same parts (every row a hit).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402

from regulator.demo import generate_world  # noqa: E402
from regulator.linkage import entity_rows  # noqa: E402
from regulator.linkage.demo_frames import demo_frames  # noqa: E402
from regulator.linkage.entity_rows import COLUMNS, FeatureCache  # noqa: E402


def main() -> None:
    """Run both variants twice on one demo world's entity rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entities", type=int, help="entities of the demo world")
    parser.add_argument("parts", type=int, help="parts the entity rows are added in")
    args = parser.parse_args()
    entities, parts = args.entities, args.parts
    frames = demo_frames(generate_world(n_entities=entities, seed=3))
    distinct = frames.entities.drop_duplicates(ignore_index=True).reindex(columns=list(COLUMNS))
    rows = [tuple(None if pd.isna(v) else v for v in r) for r in distinct.itertuples(index=False)]
    size = -(-len(rows) // parts)
    print(f"{len(rows)} entity rows in {parts} parts")
    by_parts = entity_rows._take

    def whole_table(parts: list, starts: object, index: object) -> object:
        return pa.concat_tables(parts).take(pa.array(index))

    for label, take in (("part by part", by_parts), ("Table.take over one chunk a part", whole_table)) * 2:
        entity_rows._take = take
        cache = FeatureCache()
        seconds = []
        for _ in range(2):
            started = time.perf_counter()
            for start in range(0, len(rows), size):
                cache.take("company", rows[start:start + size], start)
            seconds.append(time.perf_counter() - started)
        print(f"{label}: first pass {seconds[0]:.2f} s, second pass {seconds[1]:.2f} s, "
              f"{len(cache._parts['company'][0])} parts")
    entity_rows._take = by_parts


if __name__ == "__main__":
    main()
