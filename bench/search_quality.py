"""How often search finds the entity a query was made from, and its CPU per search, on a built world.

    python -m bench.search_quality --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load_1m -n 600

Samples ``-n`` entities (seed 11), makes one query from each name as people type them (the load
benchmark's ``_queries``: the core alone, a legal-form variant, or one character wrong) and runs public
search in-process. Prints one JSON line: the share of queries with the sought entity first (``top1``) and
on the first page (``top20``), and Python and PostgreSQL CPU ms per search (this process and the backend
of its connection, from /proc). Several entities share a core in the demo world (the same shop in
every district), so ``top1`` depends on how equal cores are ordered.
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

from bench.load import DEFAULT_URL, cpu_seconds  # noqa: E402


def main() -> None:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("-n", type=int, default=600)
    args = parser.parse_args()
    from sqlalchemy import func, select, text

    from bench.profile import _app, _queries
    from models import MarketEntity
    from regulator.extensions import db
    from regulator.public.search import search_entities

    with _app(args.url).app_context():
        rng = random.Random(11)
        top = db.session.scalar(select(func.max(MarketEntity.id)))
        ids = rng.sample(range(1, top + 1), min(args.n, top))
        rows = db.session.execute(select(MarketEntity.id, MarketEntity.name).where(
            MarketEntity.id.in_(ids), MarketEntity.merged_into_id.is_(None)).order_by(MarketEntity.id)).all()
        queries = [(entity_id, _queries([name], rng)[0]) for entity_id, name in rows]
        backend = [db.session.scalar(text("SELECT pg_backend_pid()"))] if db.engine.dialect.name == "postgresql" \
            else []
        for _entity_id, query in queries[:30]:  # warm the statement and count caches
            search_entities(query)
        pg0, py0 = cpu_seconds(backend), time.process_time()
        first = on_page = 0
        for entity_id, query in queries:
            found = [hit.entity_id for hit in search_entities(query).items]
            first += bool(found) and found[0] == entity_id
            on_page += entity_id in found
        py, pg = time.process_time() - py0, cpu_seconds(backend) - pg0
    n = len(queries)
    print(json.dumps({"queries": n, "top1": round(first / n, 4), "top20": round(on_page / n, 4),  # noqa: T201
                      "python_cpu_ms": round(1000 * py / n, 2), "postgres_cpu_ms": round(1000 * pg / n, 2)}))


if __name__ == "__main__":
    main()
