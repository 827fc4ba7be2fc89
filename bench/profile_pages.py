"""Profile benchmark: page latency at 100k entities, served by the app (Flask test client).

    python bench/profile_pages.py --entities 100000                      # SQLite file under /tmp
    python bench/profile_pages.py --entities 100000 --url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Builds the demo world (generator + bulk loader), gives one entity thousands of records, computes
publication ends, credit classes (timed: `flask credit recompute --all`'s work) and the search index,
then times the internal profile (coordinator: FULL; inspector: AGENCY), deep timeline pages of the heavy
entity, the public profile and public search. Prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import fresh_database  # noqa: E402
from bench.profile_world import add_heavy_entity, load_world  # noqa: E402
from models import Inspection, MarketEntity, Role  # noqa: E402
from regulator import create_app  # noqa: E402
from regulator.config import TestingConfig  # noqa: E402
from regulator.extensions import db  # noqa: E402
from regulator.services import credit, disclosure, name_index  # noqa: E402
from regulator.services import users as user_service  # noqa: E402

PASSWORD = "bench-password-123"  # noqa: S105 - a throwaway benchmark account



def _app(url: str):  # noqa: ANN202
    cfg = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    cfg.update(SQLALCHEMY_DATABASE_URI=url, BABEL_DEFAULT_LOCALE="zh_Hans_CN", TESTING=False)
    return create_app(cfg)


def _timed(client, urls: list[str]) -> dict[str, float]:  # noqa: ANN001
    times = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
    times.sort()
    return {"n": len(times), "p50": statistics.median(times), "p95": times[int(0.95 * (len(times) - 1))],
            "max": times[-1]}


def _login(app, username: str):  # noqa: ANN001, ANN202
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"cannot sign in as {username}")
    return client


def _queries(names: list[str], rng: random.Random) -> list[str]:
    """Search inputs as people type them: core only, legal-form variant, one character wrong."""
    out = []
    for name in names:
        core = name.replace("深圳市", "").replace("有限公司", "")
        variant = rng.choice([core, core + "有限责任公司", name.replace("（", "(").replace("）", ")")])
        if len(core) > 3 and rng.random() < 0.3:
            i = rng.randrange(len(core))
            variant = core[:i] + "华" + core[i + 1:]
        out.append(variant)
    return out


def run(args: argparse.Namespace) -> dict:
    """Build (unless --reuse), then measure; returns the figures."""
    figures: dict = {"entities": args.entities}
    if not args.reuse:
        fresh_database(args.url)
    app = _app(args.url)
    rng = random.Random(args.seed)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        if not args.reuse:
            figures["build"] = load_world(args.entities, args.seed)
            heavy_id = int(db.session.scalar(select(func.min(MarketEntity.id))))
            figures["heavy_records_added"] = add_heavy_entity(heavy_id, args.heavy)
            started = time.perf_counter()
            disclosure.fill_publication_ends()
            report = credit.recompute(trigger="bench")
            db.session.commit()
            figures["credit_recompute_all_s"] = time.perf_counter() - started
            figures["classes"] = report.by_class
            started = time.perf_counter()
            figures["name_grams"] = name_index.reindex()
            db.session.commit()
            figures["name_index_s"] = time.perf_counter() - started
            started = time.perf_counter()
            db.session.execute(text("ANALYZE"))  # PostgreSQL's autovacuum does this by itself; SQLite does not
            db.session.commit()
            figures["analyze_s"] = time.perf_counter() - started
            user_service.create_user("bench.coord", PASSWORD, Role.COORDINATOR, agency_code="SAMR")
            user_service.create_user("bench.insp", PASSWORD, Role.INSPECTOR, agency_code="SAMR")
            db.session.commit()
        heavy_id = int(db.session.scalar(select(func.min(MarketEntity.id))))
        figures["heavy_records"] = db.session.scalar(select(func.count(Inspection.id))
                                                     .where(Inspection.entity_id == heavy_id))
        ids = list(db.session.scalars(select(MarketEntity.id)))
        sample = rng.sample(ids, args.samples)
        samr_seen = list(db.session.scalars(select(Inspection.entity_id).where(Inspection.agency_id == 1)
                                            .distinct().limit(5000)))
        names = list(db.session.scalars(select(MarketEntity.name).where(MarketEntity.id.in_(sample))))
        db.session.remove()
    coord, insp, anonymous = _login(app, "bench.coord"), _login(app, "bench.insp"), app.test_client()
    with app.app_context():
        _timed(coord, [f"/entities/{i}" for i in sample[:10]])  # warm caches and templates
        figures["pages_ms"] = {
            "profile, typical entity (coordinator)": _timed(coord, [f"/entities/{i}" for i in sample]),
            "profile, typical entity (inspector, own agency only)": _timed(
                insp, [f"/entities/{i}" for i in rng.sample(samr_seen, min(args.samples, len(samr_seen)))]),
            "profile, heavy entity page 1": _timed(coord, [f"/entities/{heavy_id}"] * args.heavy_samples),
            "profile, heavy entity page 100": _timed(coord, [f"/entities/{heavy_id}?page=100"] * args.heavy_samples),
            "profile, heavy entity, violations only": _timed(
                coord, [f"/entities/{heavy_id}?kind=violation&page=5"] * args.heavy_samples),
            "public profile, typical entity": _timed(anonymous, [f"/entity/{i}" for i in sample]),
            "public search": _timed(anonymous, [f"/search?q={q}" for q in _queries(names, rng)]),
        }
    return figures


def main() -> int:
    """Parse arguments, run, print a Markdown table and the JSON figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--url", default="sqlite:////tmp/regulator_bench_profile.db")
    parser.add_argument("--heavy", type=int, default=5000, help="extra inspections on the heavy entity")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--heavy-samples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="measure an already built database")
    figures = run(parser.parse_args())
    sys.stdout.write("| page | n | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|\n")
    for name, f in figures["pages_ms"].items():
        sys.stdout.write(f"| {name} | {f['n']} | {f['p50']:.1f} | {f['p95']:.1f} | {f['max']:.1f} |\n")
    sys.stdout.write(json.dumps(figures, indent=2, ensure_ascii=False, default=str) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
