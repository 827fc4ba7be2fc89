"""Real-data benchmark: Chicago's food inspections, against the city's published model (7.44 days earlier).

    python bench/chicago.py --data ../shared/data/chicago --cutoff 2014-07-01 --out scores.csv [--with-inspector]

1. Imports the departments' files into a fresh platform database through the platform's own ingest and
   linkage (``bench/chicago_platform.py``: ``regulator.ingest.ingest_file`` with the Chicago mappings, as
   ``flask ingest`` does; Splink links inspections without a known licence number). Outcomes of
   inspections dated on or after the cutoff are blanked in a temporary copy first, so they are never
   stored; when the file has them they are kept aside for the metrics only. ``--loader direct`` writes
   the tables directly instead (``bench/chicago_direct.py``, linked by licence number only): a fallback.
2. Reads the records back with the platform's bulk loader and builds point-in-time features
   (``risk.features``) as of each inspection's day.
3. Trains ``RiskClassifier`` on canvass inspections dated before the cutoff (target: a critical
   violation, numbers 1-14; the latest of them hold out for early stopping, then the trees are grown
   again on all of them: ``PARAMS``), scores every canvass inspection dated on or after it, and writes
   ``Inspection_ID,score``.
4. Where outcomes of the scored rows are present, prints the city's metrics: AUC, mean days earlier and
   the share of critical findings in the first half of the period (model against the actual schedule),
   and the same metrics for the city's own model refit on this window (``bench/chicago_city.py``: its
   features and glmnet fit, with the inspector and without), the like-for-like reference.

The inspector (one of six anonymised groups) explains much of whether a critical violation is written
up. The model learns with it (so that it does not mistake a strict inspector for a bad business), but
the ranking uses the actual inspector of a scored inspection only with ``--with-inspector``. Without it
the score is averaged over the inspector groups in proportion to their share of past inspections
(``risk.model.marginal_proba``): an entity ranking that does not depend on who will be drawn to inspect.
``--linear-weight W`` blends in the ranking of a penalised logistic regression (``linear_scores``), rank
against rank (an experiment: see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.chicago_platform import ingest_directory, licence_flags, licence_names, read_canvass  # noqa: E402
from risk.evaluate import schedule_gain, summary  # noqa: E402
from risk.features import Timeline, build_features, namesake_counts, to_days  # noqa: E402
from risk.model import RiskClassifier, marginal_proba, shares_by_group  # noqa: E402

CITY_DAYS = 7.44
FACILITY_LEVELS = 12  # the most frequent facility types; the rest are one level
SEEDS = (0, 1, 2)
#: ``--linear-weight``: the logistic regression's share of the blended inspector-free ranking (the rest:
#: LightGBM's). 0.7 was best on the 2013 validation windows but worse on both 2014 test windows
#: (docs/benchmarks.md), so the default stays LightGBM alone
LINEAR_WEIGHT = 0.0
LINEAR_C = 0.003  # inverse L2 strength on the standardised features
INSPECTOR_SCALE = 30.0  # the inspector dummies' scale: their penalty is 1/900 of a feature's
#: LightGBM settings chosen on the 2013 validation windows (docs/benchmarks.md): half the features per tree and
#: at least 300 inspections per leaf (the defaults, 0.8 and 20, fit the inspector's noise more), and the trees
#: grown again on every training inspection once early stopping has found their number (``refit_trees``: the
#: latest months before the cutoff, held out for early stopping, shape the ranking too; better on the three
#: validation windows, +0.48 days on their mean; worse on the demo world, so the platform's default is without)
PARAMS = {"colsample_bytree": 0.5, "min_child_samples": 300, "refit_trees": True}


def truth_of(data_dir: Path) -> pd.DataFrame:
    """The food inspections' dates and critical counts as the file has them (for the metrics only)."""
    path = data_dir / "food_inspections.csv.gz"
    frame = pd.read_csv(path, usecols=["Inspection_ID", "Inspection_Date", "critical_count"], dtype=str)
    frame["Inspection_Date"] = pd.to_datetime(frame["Inspection_Date"], errors="coerce")
    return frame.set_index("Inspection_ID")


# --------------------------------------------------------------------------------------------- features
def inspection_context() -> pd.DataFrame:
    """The city's per-inspection densities (heat_*), indexed by Inspection_ID as text."""
    from sqlalchemy import select

    from models import ContextValue
    from regulator.extensions import db

    rows = db.session.execute(select(ContextValue.subject_key, ContextValue.values)
                              .where(ContextValue.kind == "inspection_context")).all()
    return pd.DataFrame([v for _, v in rows], index=[k for k, _ in rows])


def history_excess(inspections: pd.DataFrame, queries: pd.DataFrame) -> dict[str, np.ndarray]:
    """Past critical findings beyond what the inspectors who made them usually find.

    A finding by an inspector who rarely reports one says more about the business than one by an
    inspector who often does. Uses only past inspections (the upcoming inspector plays no part).
    """
    past = inspections.dropna(subset=["critical"])
    found = past["critical"].astype(float)
    group = past["inspector"].astype("string").fillna("-")
    rate = found.groupby(group).transform("mean")
    line = Timeline(past["entity_id"].to_numpy("int64"), to_days(past["inspection_date"]),
                    {"excess": (found - rate).to_numpy()})
    keys, days = queries["entity_id"].to_numpy("int64"), to_days(queries["as_of"])
    return {"hist_excess": line.sum("excess", keys, days), "hist_last_excess": line.last("excess", keys, days)}


def flag_features(queries: pd.DataFrame) -> dict[str, np.ndarray]:
    """Whether the business held a licence with each flag (alcohol, tobacco) that began before the day."""
    flags = licence_flags()
    keys, days = queries["entity_id"].to_numpy("int64"), to_days(queries["as_of"])
    out = {}
    for column in flags.columns.drop(["entity_id", "start"]):
        line = Timeline(flags["entity_id"].to_numpy("int64"), to_days(flags["start"]),
                        {"flag": flags[column].to_numpy(float)})
        out[f"licence_{column.split('_')[0]}"] = (line.count(keys, days, where="flag") > 0).astype(float)
    return out


def chain_features(queries: pd.DataFrame) -> dict[str, np.ndarray]:
    """How many businesses traded under the business's name (store numbers aside) before the day: outlets of
    chains find fewer critical violations than single shops. From the licence terms' names and start days;
    businesses without a licence term use their entity name."""
    from sqlalchemy import select

    from models import MarketEntity
    from regulator.extensions import db

    entity_names = pd.Series(dict(db.session.execute(select(MarketEntity.id, MarketEntity.name)).all()))
    keys, days = queries["entity_id"].to_numpy("int64"), to_days(queries["as_of"])
    return {"chain_size": namesake_counts(licence_names(), keys, days, fallback=entity_names)}


def feature_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features of every canvass inspection as of its day, and the inspections (ids, dates, outcomes).

    The inspector group is a column too: training uses it to explain away how strict each group is;
    scoring without ``--with-inspector`` averages it out (``marginal_proba``).
    """
    from regulator.services.risk_frames import load_frames

    frames = load_frames()
    canvass = read_canvass()
    insp = frames.inspections
    # the log repeats the canvass visits of the food file, without results: history counts each visit once
    ours = insp["inspection_id"].isin(canvass["inspection_id"])
    insp = insp.loc[ours | insp["inspection_type"].ne("routine")].copy()
    ours = insp["inspection_id"].isin(canvass["inspection_id"])
    outcome = canvass.set_index("inspection_id")["critical"]
    insp["serious_violation"] = insp["serious_violation"].map({True: 1.0, False: 0.0})  # None: unknown
    insp.loc[ours, "serious_violation"] = insp.loc[ours, "inspection_id"].map(outcome)
    unknown = ours & insp["serious_violation"].isna()
    insp.loc[unknown, ["violation_count", "result"]] = np.nan  # outcomes not stored: unknown, not "none found"
    frames.inspections = insp
    frames.entities = frames.entities.drop(columns=["district", "industry", "industry_name"])
    frames.attributes = ["latitude", "longitude"]
    queries = pd.DataFrame({"entity_id": canvass["entity_id"].astype("int64"), "as_of": canvass["inspection_date"]})
    X = build_features(frames, queries)
    for name, values in {**history_excess(canvass, queries), **flag_features(queries),
                         **chain_features(queries)}.items():
        X[name] = values
    common = canvass["facility_type"].value_counts().index[:FACILITY_LEVELS]
    X["facility_type"] = pd.Categorical(canvass["facility_type"].where(canvass["facility_type"].isin(common)))
    X["risk_level"] = canvass["risk_level"].to_numpy(float)
    heat = inspection_context().reindex(canvass["external_id"].astype(str))
    for column in heat.columns:
        X[column] = pd.to_numeric(heat[column], errors="coerce").to_numpy(float)
    X["inspector"] = pd.Categorical(canvass["inspector"].astype("string"))
    return X, canvass


def linear_scores(X: pd.DataFrame, y: np.ndarray, train: np.ndarray, test: np.ndarray) -> np.ndarray:
    """A second model family, as the city's model (glmnet): strongly L2-penalised logistic regression on
    standardised features (counts and days log-scaled, missing values as the training median plus a missing
    flag, categories one-hot), with the inspector group as dummies that the penalty barely touches (scaled
    up): each group's strictness is explained in full, not left to the area's features. Returns the scored
    rows' linear predictor without the inspector's term: averaging the inspector out adds the same constant
    to every row, so this is the inspector-free ranking."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    categorical = [c for c in X.columns if isinstance(X[c].dtype, pd.CategoricalDtype) and c != "inspector"]
    numeric = X.drop(columns=[*categorical, "inspector"]).astype(float)
    missing = numeric.isna().astype(float).add_suffix("_missing")
    numeric = numeric.fillna(numeric.loc[train].median())
    numeric = np.sign(numeric) * np.log1p(numeric.abs())
    design = pd.concat([numeric, missing, *(pd.get_dummies(X[c].astype("string"), prefix=c, dtype=float)
                                            for c in categorical)], axis=1)
    scaled = np.nan_to_num(StandardScaler().fit(design.loc[train]).transform(design))
    inspector = INSPECTOR_SCALE * pd.get_dummies(X["inspector"].astype("string"), dtype=float).to_numpy()
    model = LogisticRegression(C=LINEAR_C, max_iter=2000).fit(np.hstack([scaled, inspector])[train], y[train])
    return scaled[test] @ model.coef_[0, :scaled.shape[1]]


def rank_average(*scores: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    """Weighted mean of the scores' ranks, scaled to 0..1 (a blend of models whose scales differ)."""
    from scipy.stats import rankdata

    return sum(w * rankdata(s) / len(s) for s, w in zip(scores, weights, strict=True))


# ---------------------------------------------------------------------------------------------- running
def load(data_dir: Path, cutoff: date, loader: str, tmp: Path) -> None:
    """Fill the (empty, migrated) database of the current app context from the files."""
    if loader == "direct":
        from bench.chicago_direct import load_into_platform, read_sources

        print(f"loaded {load_into_platform(read_sources(data_dir), cutoff)}", flush=True)
    else:
        seconds = ingest_directory(data_dir, cutoff, tmp, log=lambda line: print(line, flush=True))
        print(f"ingest {sum(seconds.values()):.0f}s in all", flush=True)


def inspector_weights(X: pd.DataFrame, canvass: pd.DataFrame, train: np.ndarray, test: np.ndarray,
                      by: str = "overall") -> pd.Series | pd.DataFrame:
    """How to weigh the inspector groups when averaging them out: each group's share of the training
    inspections (``overall``), or, per scored inspection, its share of the canvass inspections in the
    business's postcode over the year before the cutoff (``postcode``; see docs/benchmarks.md: the city
    moved its inspectors between areas at the start of 2014, and this weighting then failed)."""
    if by == "overall":
        return X.loc[train, "inspector"].value_counts()
    dates = canvass["inspection_date"]
    known = train & canvass["inspector"].notna().to_numpy()
    recent = known & (dates >= dates[known].max() - pd.Timedelta(days=365)).to_numpy()
    return shares_by_group(canvass.loc[recent, "postcode"], canvass.loc[recent, "inspector"],
                           canvass.loc[test, "postcode"]).set_axis(X.loc[test].index)


def run(data_dir: Path, cutoff: date, out: Path, with_inspector: bool, until: date | None = None,
        loader: str = "platform", database: Path | None = None, weights_by: str = "overall",
        linear_weight: float = LINEAR_WEIGHT) -> dict:
    """The whole benchmark; returns the metrics (also printed).

    ``database``: keep the SQLite database there; one already loaded for the same cutoff and loader is
    reused (its stamp file says how it was loaded) instead of loading the files again.
    """
    from flask_migrate import upgrade

    from regulator import create_app
    from regulator.config import TestingConfig

    started = time.perf_counter()
    truth = truth_of(data_dir)
    stamp = f"{loader} {cutoff.isoformat()} {data_dir.resolve()}"
    with tempfile.TemporaryDirectory() as tmp:
        path = database or Path(tmp) / "chicago.db"
        marker = path.with_name(path.name + ".loaded")
        reuse = path.exists() and marker.exists() and marker.read_text() == stamp
        if path.exists() and not reuse:
            path.unlink()
        config = {k: getattr(TestingConfig, k) for k in dir(TestingConfig) if k.isupper()}
        config.update(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path.resolve()}", TESTING=False)
        app = create_app(config)
        with app.app_context():
            if reuse:
                print(f"reusing {path} ({stamp})", flush=True)
            else:
                upgrade()
                load(data_dir, cutoff, loader, Path(tmp))
                marker.write_text(stamp)
            loaded = time.perf_counter()
            print(f"loaded in {loaded - started:.0f}s", flush=True)
            X, canvass = feature_table()
    day = pd.Timestamp(cutoff)
    dates = canvass["inspection_date"]
    train = (dates < day).to_numpy() & canvass["critical"].notna().to_numpy()
    test = (dates >= day).to_numpy() if until is None else ((dates >= day) & (dates < pd.Timestamp(until))).to_numpy()
    y = canvass["critical"].fillna(0).to_numpy(int)
    score = np.zeros(int(test.sum()))
    weights = None if with_inspector else inspector_weights(X, canvass, train, test, weights_by)
    for seed in SEEDS:  # several seeds, averaged: steadier rankings than one model
        model = RiskClassifier(random_state=seed, **PARAMS).fit(X.loc[train], y[train], dates=dates[train])
        if with_inspector:
            score += model.predict_proba(X.loc[test])[:, 1] / len(SEEDS)
        else:
            score += marginal_proba(model, X.loc[test], "inspector", weights) / len(SEEDS)
    if not with_inspector and linear_weight:
        score = rank_average(score, linear_scores(X, y, train, test), weights=(1 - linear_weight, linear_weight))
    ids = canvass.loc[test, "external_id"].astype(str).to_numpy()
    pd.DataFrame({"Inspection_ID": ids, "score": score.round(6)}).to_csv(out, index=False)
    print(f"trained on {int(train.sum())} inspections (best iteration {model.best_iteration_}), "
          f"scored {int(test.sum())} in {time.perf_counter() - loaded:.0f}s; wrote {out}", flush=True)
    print("top features: " + ", ".join(model.feature_importance().head(8).index), flush=True)
    # outcomes of the scored rows, kept aside from the database
    truth = truth.reindex(ids)
    critical = pd.to_numeric(truth["critical_count"], errors="coerce")
    result: dict = {"scored": int(test.sum()), "auc": None, "days_earlier": None}
    if critical.notna().any():
        have = critical.notna().to_numpy()
        outcome = (critical[have] > 0).to_numpy(int)
        result.update(summary(outcome, score[have]))
        result.update(schedule_gain(truth.loc[have, "Inspection_Date"], outcome, score[have]))
        print(f"period {truth['Inspection_Date'].min().date()}..{truth['Inspection_Date'].max().date()}: "
              f"{result['findings']} inspections with critical findings of {int(have.sum())}")
        print(f"critical findings in the first half of the period: model {result['first_half_model']:.1%}, "
              f"actual schedule {result['first_half_actual']:.1%}")
        print(f"the city's published model: {CITY_DAYS} days earlier (Sep-Oct 2014, with inspector)")
        result.update(city_reference(data_dir, cutoff, ids[have], truth.loc[have, "Inspection_Date"], outcome))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    days = "-" if result["days_earlier"] is None else f"{result['days_earlier']:.2f}"
    auc = "-" if result["auc"] is None else f"{result['auc']:.4f}"
    print(f"total {time.perf_counter() - started:.0f}s wall, {usage.ru_utime + usage.ru_stime:.0f}s CPU")
    print(f"days_earlier={days} auc={auc}")
    return result


def city_reference(data_dir: Path, cutoff: date, ids: np.ndarray, dates: pd.Series, outcome: np.ndarray) -> dict:
    """The city's own model trained on the canvass inspections before the cutoff (the rows the city kept) and
    scored on the same rows as ours (``bench/chicago_city``): the like-for-like reference, with and without the
    inspector. Printed and returned."""
    from bench.chicago_city import city_scores

    scores = city_scores(data_dir, cutoff, ids)
    out = {}
    for variant in ("with_inspector", "inspector_free"):
        gain = schedule_gain(dates, outcome, scores[variant])["days_earlier"]
        auc = summary(outcome, scores[variant])["auc"]
        out[f"city_{variant}_days_earlier"], out[f"city_{variant}_auc"] = gain, auc
        print(f"the city's model refit on this window, {variant.replace('_', ' ')}: {gain:.2f} days earlier, "
              f"AUC {auc:.4f}", flush=True)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="folder laid out as ../shared/data/chicago")
    parser.add_argument("--cutoff", required=True, help="YYYY-MM-DD: train before, score on or after")
    parser.add_argument("--out", type=Path, required=True, help="CSV to write: Inspection_ID,score")
    parser.add_argument("--with-inspector", action="store_true", help="use the inspector group as a feature")
    parser.add_argument("--until", default=None, help="YYYY-MM-DD: score only before this day (validation)")
    parser.add_argument("--loader", choices=("platform", "direct"), default="platform",
                        help="platform: regulator.ingest and Splink (default); direct: the fallback loader")
    parser.add_argument("--database", type=Path, default=None,
                        help="keep the SQLite database in this file (reused when loaded for the same cutoff)")
    parser.add_argument("--inspector-weights", choices=("overall", "postcode"), default="overall",
                        help="without --with-inspector: weigh the inspector groups by their overall share "
                             "(default) or by their share in the business's postcode")
    parser.add_argument("--linear-weight", type=float, default=LINEAR_WEIGHT,
                        help="without --with-inspector: blend in the logistic regression's ranking with this "
                             "weight (0..1; default 0: LightGBM alone)")
    args = parser.parse_args(argv)
    try:
        cutoff = date.fromisoformat(args.cutoff)
        until = date.fromisoformat(args.until) if args.until else None
    except ValueError as exc:
        parser.error(f"dates must be YYYY-MM-DD: {exc}")
    if not 0 <= args.linear_weight <= 1:
        parser.error("--linear-weight must be between 0 and 1")
    run(args.data, cutoff, args.out, args.with_inspector, until, args.loader, args.database,
        args.inspector_weights, args.linear_weight)


if __name__ == "__main__":
    main()
