"""How long `flask risk score` takes over a large world: train once, then time scoring every entity.

    python bench/risk_score.py --entities 100000 [--url sqlite:////tmp/regulator_bench_risk.db]

Loads the demo world in bulk (``bench.profile_world``), trains a model without and one with the
relationship-graph features on the same split (prints test AUC and average precision of both), activates
the graph one (``--no-graph``: the plain one),
then times ``services.risk_models.score_all``: loading the record frames, building features for every
entity, predicting, reasons from LightGBM's contributions, one bulk insert of the scores, and the credit
recompute that follows.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.databases import fresh_database  # noqa: E402
from bench.profile_pages import _app  # noqa: E402
from bench.profile_world import load_world  # noqa: E402


def run(args: argparse.Namespace) -> dict[str, float]:
    from flask_migrate import upgrade

    from regulator.extensions import db
    from regulator.services import risk_models
    from regulator.services.risk_frames import load_frames

    if not args.reuse:
        fresh_database(args.url)
    app = _app(args.url)
    timings: dict[str, float] = {}
    with app.app_context():
        if args.reuse:
            row = risk_models.get_version()
        else:
            upgrade()
            timings.update(load_world(args.entities))
            t0 = time.perf_counter()
            frames = load_frames()
            timings["load_frames"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            plain = risk_models.train(frames=frames, notes="bench, no graph", graph=False)
            db.session.commit()
            timings["train without graph features"] = time.perf_counter() - t0
            t0 = time.perf_counter()
            row = risk_models.train(frames=frames, activate_it=True, notes="bench", graph=not args.no_graph)
            db.session.commit()
            timings["train with graph features (same split)"] = time.perf_counter() - t0
            for name, version in (("without graph", plain), ("with graph", row)):
                m = version.metrics
                print(f"{name}: test auc={m.get('auc'):.4f} average precision={m.get('average_precision'):.4f} "
                      f"n_train={m.get('n_train')} n_test={m.get('n_test')} importance="
                      f"{list(version.evaluation.get('importance', {}))[:8]}")
        as_of = date.today()
        t0 = time.perf_counter()
        report = risk_models.score_all(as_of=as_of, recompute_credit=False)
        db.session.commit()
        timings["risk score: frames, features, predict, reasons, insert"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        from regulator.services import credit

        credit.recompute(trigger="bench")
        db.session.commit()
        timings["credit recompute with the probabilities"] = time.perf_counter() - t0
        print(f"{report.entities} entities; model {row.version} test auc={row.metrics.get('auc')}; "
              f"{row.metrics.get('n_train')} training inspections")
    for key, value in timings.items():
        print(f"{key}: {value:.1f} s")
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--url", default="sqlite:////tmp/regulator_bench_risk.db")
    parser.add_argument("--no-graph", action="store_true", help="the active model without graph features")
    parser.add_argument("--reuse", action="store_true", help="score the world and model already in --url again")
    logging.basicConfig(level=logging.WARNING)
    run(parser.parse_args())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
