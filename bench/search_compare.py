"""The first page of search results for sampled queries, as JSON, to compare two versions of search;
with ``--quality``, how often search finds the entity a query was made from, and its CPU per search.

    python -m bench.search_compare --url postgresql+psycopg://postgres@127.0.0.1:5432/load2_100k -n 100 > after.json
    python -m bench.search_compare --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load_1m --quality -n 600

Run it with each version's checkout on PYTHONPATH against the same database (built by ``bench/load.py
build``: its sample file holds the queries) and diff the outputs: entity ids, matched names and scores.

``--quality`` samples ``-n`` entities (seed 11), makes one query from each name as people type them (the
load benchmark's ``_queries``: the core alone, a legal-form variant, or one character wrong) and prints
one JSON line: the share of queries with the sought entity first (``top1``) and on the first page
(``top20``), and Python and PostgreSQL CPU ms per search (this process and the backend of its connection,
from /proc). Several entities share a core in the demo world (the same shop in every district), so
``top1`` depends on how equal cores are ordered.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEFAULT_URL, _sample_file, cpu_seconds  # noqa: E402


def quality(n: int) -> dict:
    """The sought entity first / on the first page, and CPU per search, for ``n`` sampled entities' names."""
    from sqlalchemy import func, select, text

    from bench.profile_pages import _queries
    from models import MarketEntity
    from regulator.extensions import db
    from regulator.public.search import search_entities

    rng = random.Random(11)
    top = db.session.scalar(select(func.max(MarketEntity.id)))
    ids = rng.sample(range(1, top + 1), min(n, top))
    rows = db.session.execute(select(MarketEntity.id, MarketEntity.name).where(
        MarketEntity.id.in_(ids), MarketEntity.merged_into_id.is_(None)).order_by(MarketEntity.id)).all()
    queries = [(entity_id, _queries([name], rng)[0]) for entity_id, name in rows]
    backend = [db.session.scalar(text("SELECT pg_backend_pid()"))] if db.engine.dialect.name == "postgresql" else []
    for _entity_id, query in queries[:30]:  # warm the statement and count caches
        search_entities(query)
    pg0, py0 = cpu_seconds(backend), time.process_time()
    first = on_page = 0
    for entity_id, query in queries:
        found = [hit.entity_id for hit in search_entities(query).items]
        first += bool(found) and found[0] == entity_id
        on_page += entity_id in found
    py, pg = time.process_time() - py0, cpu_seconds(backend) - pg0
    return {"queries": len(queries), "top1": round(first / len(queries), 4), "top20": round(on_page / len(queries), 4),
            "python_cpu_ms": round(1000 * py / len(queries), 2), "postgres_cpu_ms": round(1000 * pg / len(queries), 2)}


def main() -> None:
    """Print {query: [[entity id, matched name, matched kind, score], ...]} for ``-n`` sampled queries."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("-n", type=int, default=100)
    parser.add_argument("--quality", action="store_true", help="the sought entity's rank and CPU per search")
    args = parser.parse_args()
    from bench.profile_pages import _app
    from regulator.public.search import search_entities

    if args.quality:
        with _app(args.url).app_context():
            print(json.dumps(quality(args.n)))  # noqa: T201
        return

    queries = json.loads(_sample_file(args.url).read_text())["queries"]
    sample = random.Random(5).sample(queries, min(args.n, len(queries)))
    with _app(args.url).app_context():
        pages = {q: [[h.entity_id, h.matched_name, h.matched_kind, round(h.score, 9)]
                     for h in search_entities(q).items] for q in sample}
    json.dump(pages, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
