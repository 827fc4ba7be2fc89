"""From records to a trained, evaluated model and to scores with reasons.

Training rows are past inspections whose outcome is on record (``labelled``): features of the entity as of
the inspection day (only earlier records), label "this inspection found a serious violation". The latest
``test_fraction`` of inspections (by date) is the test period the tested model never sees; within the rest
``RiskClassifier`` holds out the latest months again for early stopping and calibration.

Once tested, the model that will score entities is trained again, with the same settings, on every
inspection (``refit``): the test period is the latest year or so of outcomes, the most telling for next
month's visits. On the demo world a model whose training ended 20 % of the inspections before the test
period ranked it worse than one trained up to it (AUC 0.811 against 0.834, average precision 0.26 against
0.34, three seeds; ``bench/risk_refit.py``, within the noise of 61 findings, and the common practice). What
the test measured is then the settings' skill, as the report says; ``flask risk evaluate`` measures the
model itself on inspections recorded after its training.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from .evaluate import evaluate
from .explain import top_reasons
from .features import RecordFrames, build_features
from .model import RiskClassifier, inverse_selection_weights

#: inspections of each outcome (a serious finding, none) training needs: with fewer, LightGBM's leaves
#: (20 rows each by default) cannot split and the stored "model" says one figure for everyone
MIN_PER_OUTCOME = 10


@dataclass
class TrainResult:
    """A fitted model with what the registry stores about it."""

    model: RiskClassifier
    features: list[str]
    params: dict
    metrics: dict
    evaluation: dict
    train_start: date | None
    train_end: date | None
    valid_start: date | None
    valid_end: date | None
    test_start: date | None = None
    test_end: date | None = None
    #: the last day the tested model learned from, where the stored model was trained again on every inspection
    tested_train_end: date | None = None
    extra: dict = field(default_factory=dict)


def labelled(inspections: pd.DataFrame) -> pd.DataFrame:
    """The inspections whose outcome is on record: a log of visits without results or findings (the
    inspection's ``serious_violation`` empty) says nothing about what a visit finds, so it is no training or
    test row (its visits still count among the entity's past inspections)."""
    if "serious_violation" not in inspections:
        return inspections
    return inspections.loc[inspections["serious_violation"].notna()]


def labels(inspections: pd.DataFrame) -> np.ndarray:
    """1 where the inspection found a serious violation (or failed with violations), else 0."""
    serious = inspections.get("serious_violation", pd.Series(np.nan, index=inspections.index))
    serious = serious.astype("boolean").fillna(False).to_numpy(bool)
    return serious.astype(int)


def training_set(frames: RecordFrames, inspections: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, pd.Series]:
    """Features as of each inspection's day (sorted by date), labels and the dates."""
    rows = inspections.sort_values("inspection_date", kind="stable").reset_index(drop=True)
    queries = pd.DataFrame({"entity_id": rows["entity_id"], "as_of": rows["inspection_date"]})
    return build_features(frames, queries), labels(rows), pd.to_datetime(rows["inspection_date"])


def _day(value: object) -> date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def fit_and_evaluate(frames: RecordFrames, inspections: pd.DataFrame, *, test_fraction: float = 0.2,
                     weighted: bool = False, params: dict | None = None, refit: bool = True) -> TrainResult:
    """Train on the earlier inspections, evaluate on the latest ``test_fraction`` of them; with ``refit``
    (where there was a test) return a model trained again, with the same settings, on all of them.

    ``weighted`` weights training rows by inverse selection probability. The evaluation reports
    random-draw inspections separately and a fairness table by district and industry.
    """
    if inspections.empty:
        raise ValueError("no inspections to train on")
    inspections = labelled(inspections)
    if inspections.empty:
        raise ValueError("no inspection has its outcome on record: nothing to learn")
    rows = inspections.sort_values("inspection_date", kind="stable").reset_index(drop=True)
    X, y, dates = training_set(frames, rows)
    if len(np.unique(y)) < 2:
        raise ValueError("the inspections show only one outcome: nothing to learn")
    found = int(y.sum())
    if min(found, len(y) - found) < MIN_PER_OUTCOME:
        raise ValueError(f"too few inspections to learn from: {len(y)} with their outcome on record, {found} of "
                         f"them with a serious finding; training needs at least {MIN_PER_OUTCOME} with a serious "
                         f"finding and {MIN_PER_OUTCOME} without")
    n_test = int(round(len(rows) * test_fraction))
    cut = len(rows) - n_test
    # whole days on one side: the test period starts on a day boundary
    while 0 < cut < len(rows) and dates.iloc[cut] == dates.iloc[cut - 1]:
        cut += 1
    n_test = len(rows) - cut
    train, test = slice(0, cut), slice(cut, len(rows))
    weights = (inverse_selection_weights(rows["selection_probability"]) if weighted
               and "selection_probability" in rows else None)
    model = RiskClassifier(**(params or {}))
    model.fit(X.iloc[train], y[train], sample_weight=None if weights is None else weights[train],
              dates=dates.iloc[train])
    metrics: dict = {"n_train": int(model.n_train_), "n_valid": int(model.n_valid_), "n_test": int(n_test),
                     "best_iteration": model.best_iteration_, "weighted": weighted,
                     "calibration": model.calibration_}
    evaluation: dict = {}
    if n_test:
        p = model.predict_proba(X.iloc[test])[:, 1]
        groups = {name: X.iloc[test][name] for name in ("district", "industry") if name in X}
        evaluation = evaluate(y[test], p, selection_reason=rows["selection_reason"].iloc[test]
                              if "selection_reason" in rows else None, groups=groups)
        metrics.update({k: v for k, v in evaluation["summary"].items() if k != "n"})
        if "random_draw" in evaluation:
            metrics["random_draw_auc"] = evaluation["random_draw"]["auc"]
    tested_train_end = None
    if refit and n_test:
        tested_train_end = _day(dates.iloc[train].max())
        model = RiskClassifier(**(params or {}))
        model.fit(X, y, sample_weight=weights, dates=dates)
        train = slice(0, len(rows))
        metrics.update({"n_train": int(model.n_train_), "n_valid": int(model.n_valid_),
                        "best_iteration": model.best_iteration_, "calibration": model.calibration_,
                        "tested_train_end": tested_train_end})
    evaluation["importance"] = {k: round(float(v), 2) for k, v in model.feature_importance().head(15).items()}
    train_dates = dates.iloc[train]
    valid_dates = train_dates.sort_values().iloc[len(train_dates) - model.n_valid_:] if model.n_valid_ else None
    return TrainResult(
        model=model, features=list(X.columns), params=model.get_params(deep=False) | {"monotone": None},
        metrics=metrics, evaluation=evaluation,
        train_start=_day(train_dates.min()), train_end=_day(train_dates.max()),
        valid_start=_day(valid_dates.min()) if valid_dates is not None else None,
        valid_end=_day(valid_dates.max()) if valid_dates is not None else None,
        test_start=_day(dates.iloc[test].min()) if n_test else None,
        test_end=_day(dates.iloc[test].max()) if n_test else None, tested_train_end=tested_train_end)


def score(model: RiskClassifier, frames: RecordFrames, as_of: date, entity_ids: list[int] | None = None,
          top: int = 3) -> pd.DataFrame:
    """entity_id, probability and reasons (top features raising the risk) for every entity as of a day."""
    ids = frames.entities["entity_id"] if entity_ids is None else pd.Series(entity_ids)
    queries = pd.DataFrame({"entity_id": ids.to_numpy("int64"), "as_of": pd.Timestamp(as_of)})
    X = build_features(frames, queries)
    X = X.reindex(columns=list(model.feature_names_in_))
    probability = model.predict_proba(X)[:, 1]
    return pd.DataFrame({"entity_id": queries["entity_id"], "probability": probability,
                         "reasons": explain_above_average(model, X, probability, top)})


def explain_above_average(model: RiskClassifier, X: pd.DataFrame, probability: np.ndarray,
                          top: int = 3) -> list[list[dict]]:
    """Reasons for the rows scored above the average (the others have none: nothing raises their risk).

    LightGBM's contributions (tree SHAP) are the expensive part of scoring, so they are computed once per
    distinct feature row among those above the average. Context features (``ctx_``: the weather before the
    day) are no reason: every entity scored on a day has the same, so they tell none of them from another.
    """
    reasons: list[list[dict]] = [[] for _ in range(len(X))]
    rows = np.flatnonzero(probability > probability.mean())
    if not len(rows):
        return reasons
    subset = X.iloc[rows].reset_index(drop=True)
    keys = pd.util.hash_pandas_object(subset, index=False).to_numpy()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    distinct = subset.iloc[first].reset_index(drop=True)
    explained = top_reasons(model.contributions(distinct), distinct, top=top,
                            skip={c for c in X.columns if str(c).startswith("ctx_")})
    for row, k in zip(rows, inverse.ravel(), strict=True):
        reasons[row] = explained[k]
    return reasons


def fingerprint(frames: RecordFrames) -> str:
    """A hash of the records the model learned from (changes whenever any of them does)."""
    digest = hashlib.sha256()
    for name in ("entities", "inspections", "violations", "enforcement", "list_entries", "complaints",
                 "licences", "context"):
        frame = getattr(frames, name)
        if frame is None:
            continue
        digest.update(name.encode())
        digest.update(str(len(frame)).encode())
        if len(frame):
            hashed = pd.util.hash_pandas_object(frame.astype("string"), index=False).to_numpy()
            digest.update(np.sort(hashed).tobytes())
    return digest.hexdigest()
