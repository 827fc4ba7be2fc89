"""Where search's candidate statement spends its time, per plan node, and how many queries scan all names.

Against a database built by ``bench/load.py build``:

    python -m bench.search_plan --url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load_1m -n 150

For the first ``-n`` sample queries of the load benchmark, search runs as it does for a request, and its
candidate statement is run once more under ``EXPLAIN (ANALYZE, BUFFERS)`` with the same parameters
(captured from the cursor). Prints one JSON object: mean execution and planning ms per query, and per plan
node (type and relation or index) the mean ms (inclusive, times loops) and shared blocks hit and read; and
over all the sample's queries, how many fell through to the scan of every name (a ``LIKE`` statement).
``--no-parallel`` plans as the web workers do (``max_parallel_workers_per_gather=0``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import DEFAULT_URL, _sample_file  # noqa: E402


def _nodes(plan: dict):  # noqa: ANN202 - a generator of plan dicts
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("-n", type=int, default=150)
    parser.add_argument("--no-parallel", action="store_true")
    args = parser.parse_args()
    from sqlalchemy import event, text

    from bench.profile_pages import _app
    from regulator.extensions import db
    from regulator.public.search import search_entities

    queries = json.loads(_sample_file(args.url).read_text())["queries"]
    statements: list[tuple[str, object]] = []
    with _app(args.url).app_context():
        if args.no_parallel:
            db.session.execute(text("SET max_parallel_workers_per_gather = 0"))

        def capture(_conn, _cursor, statement, parameters, *_rest) -> None:  # noqa: ANN001
            statements.append((statement, parameters))

        event.listen(db.engine, "before_cursor_execute", capture)
        totals: dict = defaultdict(float)
        nodes: dict = defaultdict(lambda: defaultdict(float))
        explained = scans = 0
        for i, query in enumerate(queries):
            statements.clear()
            search_entities(query)
            scans += any(" LIKE " in s.upper() for s, _p in statements)
            candidate = [(s, p) for s, p in statements if s.lstrip().upper().startswith("WITH CANDIDATE")]
            if i >= args.n or not candidate:
                continue
            statement, parameters = candidate[0]
            plan = db.session.connection().exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters).scalar()[0]
            explained += 1
            totals["execution_ms"] += plan["Execution Time"]
            totals["planning_ms"] += plan["Planning Time"]
            for node in _nodes(plan["Plan"]):
                key = ":".join(filter(None, (node["Node Type"], node.get("Relation Name"), node.get("Index Name"))))
                nodes[key]["ms"] += node["Actual Total Time"] * node["Actual Loops"]
                nodes[key]["blocks_hit"] += node["Shared Hit Blocks"]
                nodes[key]["blocks_read"] += node["Shared Read Blocks"]
        event.remove(db.engine, "before_cursor_execute", capture)
    print(json.dumps({  # noqa: T201
        "explained": explained, **{k: round(v / max(explained, 1), 3) for k, v in totals.items()},
        "nodes": {k: {m: round(v / max(explained, 1), 3) for m, v in d.items()} for k, d in nodes.items()},
        "queries": len(queries), "name_scans": scans}, indent=1))


if __name__ == "__main__":
    main()
