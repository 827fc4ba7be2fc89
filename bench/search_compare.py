"""The first page of search results for sampled queries, as JSON, to compare two versions of search.

    python -m bench.search_compare --url postgresql+psycopg://postgres@127.0.0.1:5432/load2_100k -n 100 > after.json

Run it with each version's checkout on PYTHONPATH against the same database (built by ``bench/load.py
build``: its sample file holds the queries) and diff the outputs: entity ids, matched names and scores.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEFAULT_URL, _sample_file  # noqa: E402


def main() -> None:
    """Print {query: [[entity id, matched name, matched kind, score], ...]} for ``-n`` sampled queries."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("-n", type=int, default=100)
    args = parser.parse_args()
    from bench.profile import _app
    from regulator.public.search import search_entities

    queries = json.loads(_sample_file(args.url).read_text())["queries"]
    sample = random.Random(5).sample(queries, min(args.n, len(queries)))
    with _app(args.url).app_context():
        pages = {q: [[h.entity_id, h.matched_name, h.matched_kind, round(h.score, 9)]
                     for h in search_entities(q).items] for q in sample}
    json.dump(pages, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
