"""Variants of the Chicago benchmark's model measured on kept imports, without reading the database again.

    python bench/chicago_variants.py dump --cutoff 2013-05-01 --until 2013-07-01 --database /tmp/chi_2013-05-01.db \\
        --table /tmp/mj13.pkl
    python bench/chicago_variants.py eval --table /tmp/mj13.pkl /tmp/so13.pkl /tmp/nd13.pkl [--seeds 0,1,2] \\
        [--lgb extra_trees=true path_smooth=20] [--drop chain_size] [--threads 1]

``dump`` reads a database that ``bench/chicago.py --database FILE`` loaded for the window's cutoff back once
(``bench.chicago.feature_table``) and pickles the feature table with the window. ``eval`` trains and scores as
``bench.chicago.run`` does without the inspector (``PARAMS``, the inspector averaged out with its training shares,
the seeds averaged), with more LightGBM settings or columns left out, and prints days earlier and AUC per window and
their mean: the validation protocol of docs/benchmarks.md ("Risk model (issue 5)"). For new features, call
``evaluate(load_table(path), X)`` with the table's ``X`` and the new columns added (dated before each inspection).
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from datetime import date
from pathlib import Path

import lightgbm as lgb
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench.chicago as chicago  # noqa: E402
from risk.evaluate import schedule_gain, summary  # noqa: E402
from risk.model import RiskClassifier, marginal_proba  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "chicago"


class TunedClassifier(RiskClassifier):
    """``RiskClassifier`` whose booster gets more LightGBM settings (``extra``) and a thread count."""

    extra: dict = {}
    threads: int = 2

    def _booster(self, trees: int, constraints: list[int]) -> lgb.LGBMClassifier:
        booster = super()._booster(trees, constraints)
        return booster.set_params(n_jobs=self.threads, **self.extra)


def dump(cutoff: date, until: date | None, database: Path, table: Path) -> None:
    """Read the kept import back once and pickle its feature table with the window."""
    from regulator import create_app
    from regulator.config import TestingConfig

    marker = database.with_name(database.name + ".loaded")
    if not marker.exists() or f" {cutoff.isoformat()} " not in marker.read_text():
        raise SystemExit(f"{database}: not loaded for the cutoff {cutoff} (run bench/chicago.py --database first)")
    config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
    config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database.resolve()}", TESTING=False)
    with create_app(config).app_context():
        X, canvass = chicago.feature_table()
    with table.open("wb") as fh:
        pickle.dump({"X": X, "canvass": canvass, "cutoff": cutoff, "until": until}, fh)
    print(f"{table}: {len(X)} inspections, {X.shape[1]} columns", flush=True)


def load_table(path: Path) -> dict:
    """A table written by ``dump`` (pickled frames: read only tables you wrote yourself)."""
    with Path(path).open("rb") as fh:
        return pickle.load(fh)  # noqa: S301 - a table this script wrote (dump), never received


def evaluate(table: dict, X: pd.DataFrame | None = None, seeds: tuple[int, ...] = chicago.SEEDS,
             extra: dict | None = None, threads: int = 2, data_dir: Path = DATA) -> tuple[float, float]:
    """Days earlier and AUC of the inspector-free ranking on the table's window (``X``: the table's features, or
    a variant of them with the same rows)."""
    X = table["X"] if X is None else X
    canvass = table["canvass"]
    dates = canvass["inspection_date"]
    day = pd.Timestamp(table["cutoff"])
    train = (dates < day).to_numpy() & canvass["critical"].notna().to_numpy()
    test = (dates >= day).to_numpy()
    if table["until"] is not None:
        test = test & (dates < pd.Timestamp(table["until"])).to_numpy()
    y = canvass["critical"].fillna(0).to_numpy(int)
    weights = chicago.inspector_weights(X, canvass, train, test)
    score = np.zeros(int(test.sum()))
    for seed in seeds:
        model = TunedClassifier(random_state=seed, **chicago.PARAMS)
        model.extra, model.threads = dict(extra or {}), threads
        model.fit(X.loc[train], y[train], dates=dates[train])
        score += marginal_proba(model, X.loc[test], "inspector", weights) / len(seeds)
    truth = chicago.truth_of(data_dir).reindex(canvass.loc[test, "external_id"].astype(str).to_numpy())
    critical = pd.to_numeric(truth["critical_count"], errors="coerce")
    have = critical.notna().to_numpy()
    outcome = (critical[have] > 0).to_numpy(int)
    days = schedule_gain(truth.loc[have, "Inspection_Date"], outcome, score[have])["days_earlier"]
    return days, summary(outcome, score[have])["auc"]


def _setting(text: str) -> tuple[str, object]:
    key, _, value = text.partition("=")
    if not key or not value:
        raise argparse.ArgumentTypeError(f"{text!r}: expected name=value")
    lowered = value.lower()
    if lowered in ("true", "false"):
        return key, lowered == "true"
    try:
        return key, int(value)
    except ValueError:
        try:
            return key, float(value)
        except ValueError:
            return key, value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump", help="read a kept import back once and pickle its feature table")
    d.add_argument("--cutoff", required=True, type=date.fromisoformat)
    d.add_argument("--until", default=None, type=date.fromisoformat)
    d.add_argument("--database", required=True, type=Path)
    d.add_argument("--table", required=True, type=Path)
    e = sub.add_parser("eval", help="days earlier and AUC of a variant on pickled windows")
    e.add_argument("--table", required=True, type=Path, nargs="+")
    e.add_argument("--seeds", default=",".join(map(str, chicago.SEEDS)))
    e.add_argument("--lgb", type=_setting, nargs="*", default=[], help="more LightGBM settings, name=value")
    e.add_argument("--drop", nargs="*", default=[], help="feature columns left out")
    e.add_argument("--threads", type=int, default=2, help="LightGBM threads (1 on a crowded machine)")
    e.add_argument("--data", type=Path, default=DATA, help="the Chicago files (outcomes of the scored rows)")
    args = parser.parse_args(argv)
    if args.command == "dump":
        dump(args.cutoff, args.until, args.database, args.table)
        return
    seeds = tuple(int(s) for s in args.seeds.split(","))
    results = []
    for path in args.table:
        started = time.perf_counter()
        table = load_table(path)
        missing = [c for c in args.drop if c not in table["X"].columns]
        if missing:
            raise SystemExit(f"{path}: no columns {missing}")
        days, auc = evaluate(table, table["X"].drop(columns=args.drop), seeds, dict(args.lgb), args.threads,
                             args.data)
        results.append(days)
        print(f"{path.name} ({table['cutoff']}..{table['until'] or 'end'}): {days:.2f} days earlier, AUC {auc:.3f} "
              f"({time.perf_counter() - started:.0f}s)", flush=True)
    print(f"mean {np.mean(results):.2f} days earlier over {len(results)} windows")


if __name__ == "__main__":
    main()
