"""Honest evaluation of a risk score: ROC, gain/lift, calibration, precision at the inspection budget and a
fairness table, overall and on random-draw inspections only (those are free of selection bias).

Everything returns plain dicts of lists (JSON-ready: stored with the model version and drawn by the
report page).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score, roc_curve

BUDGETS = (0.05, 0.10, 0.20, 0.30)


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    return float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else None


def summary(y: np.ndarray, p: np.ndarray) -> dict:
    """AUC, Brier score, base rate and precision at each budget (share of rows inspected, highest first)."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    order = np.argsort(-p, kind="stable")
    is_probability = len(y) > 0 and 0 <= p.min() <= p.max() <= 1
    out = {"n": int(len(y)), "positives": int(y.sum()), "base_rate": float(y.mean()) if len(y) else None,
           "auc": _auc(y, p),
           "average_precision": float(average_precision_score(y, p)) if len(np.unique(y)) == 2 else None,
           "brier": float(brier_score_loss(y, p)) if is_probability else None}
    for budget in BUDGETS:
        k = max(int(round(len(y) * budget)), 1) if len(y) else 0
        out[f"precision_at_{int(budget * 100)}"] = float(y[order[:k]].mean()) if k else None
    return out


def roc_points(y: np.ndarray, p: np.ndarray, points: int = 101) -> dict:
    """The ROC curve resampled on ``points`` false-positive rates."""
    if len(np.unique(y)) < 2:
        return {"fpr": [], "tpr": []}
    fpr, tpr, _ = roc_curve(y, p)
    grid = np.linspace(0, 1, points)
    return {"fpr": grid.round(4).tolist(), "tpr": np.interp(grid, fpr, tpr).round(4).tolist()}


def gain_lift(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict:
    """Cumulative share of positives found and lift after inspecting each tenth, highest score first."""
    y = np.asarray(y, dtype=float)
    order = np.argsort(-np.asarray(p, dtype=float), kind="stable")
    total = y.sum()
    share, gain, lift = [], [], []
    for b in range(1, bins + 1):
        k = int(round(len(y) * b / bins))
        found = y[order[:k]].sum()
        share.append(b / bins)
        gain.append(float(found / total) if total else 0.0)
        lift.append(float((found / k) / (total / len(y))) if total and k else 0.0)
    return {"share": share, "gain": gain, "lift": lift}


def calibration(y: np.ndarray, p: np.ndarray, bins: int = 10) -> dict:
    """Mean predicted against observed rate in equal-count bins of the score."""
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "p": np.asarray(p, dtype=float)})
    if frame.empty:
        return {"predicted": [], "observed": [], "n": []}
    frame["bin"] = pd.qcut(frame["p"].rank(method="first"), min(bins, len(frame)), labels=False)
    grouped = frame.groupby("bin").agg(predicted=("p", "mean"), observed=("y", "mean"), n=("y", "size"))
    return {"predicted": grouped["predicted"].round(4).tolist(), "observed": grouped["observed"].round(4).tolist(),
            "n": grouped["n"].astype(int).tolist()}


def fairness(y: np.ndarray, p: np.ndarray, groups: pd.Series, budget: float = 0.20) -> list[dict]:
    """Per group: rows, observed hit rate, mean score, and share of the group within the top ``budget``."""
    frame = pd.DataFrame({"y": np.asarray(y, dtype=float), "p": np.asarray(p, dtype=float),
                          "g": groups.astype("string").fillna("-").to_numpy()})
    cut = frame["p"].quantile(1 - budget) if len(frame) else 0.0
    frame["selected"] = frame["p"] >= cut
    rows = []
    for group, part in frame.groupby("g", sort=True):
        rows.append({"group": str(group), "n": int(len(part)), "hit_rate": float(part["y"].mean()),
                     "mean_score": float(part["p"].mean()), "selected_share": float(part["selected"].mean()),
                     "auc": _auc(part["y"].to_numpy(int), part["p"].to_numpy())})
    return sorted(rows, key=lambda row: _natural(row["group"]))


def _natural(group: str) -> tuple:
    """Groups in the order a reader looks for them: numbered ones by number (ward 2 before ward 10), the
    missing one ("-") last."""
    return (group == "-", [(0, int(part), "") if part.isdigit() else (1, 0, part)
                           for part in re.split(r"(\d+)", group) if part])


def evaluate(y: np.ndarray, p: np.ndarray, *, selection_reason: pd.Series | None = None,
             groups: dict[str, pd.Series] | None = None) -> dict:
    """The whole evaluation: summary, curves, random-draw summary and the fairness tables."""
    y, p = np.asarray(y, dtype=int), np.asarray(p, dtype=float)
    report = {"summary": summary(y, p), "roc": roc_points(y, p), "gain": gain_lift(y, p),
              "calibration": calibration(y, p), "fairness": {}}
    if selection_reason is not None:
        random = selection_reason.astype("string").eq("random_draw").fillna(False).to_numpy()
        report["random_draw"] = summary(y[random], p[random])
    for name, values in (groups or {}).items():
        report["fairness"][name] = fairness(y, p, values.reset_index(drop=True))
    return report


def schedule_gain(dates: pd.Series, y: np.ndarray, score: np.ndarray) -> dict:
    """The city of Chicago's evaluation (``simulated_date_diff_mean.R``): put the inspections, ordered by
    score, onto the same calendar of inspection dates; report the mean number of days each inspection with
    a finding moves earlier, and the share of findings made in the first half of the period, model against
    the actual schedule.
    """
    actual = pd.to_datetime(pd.Series(dates)).to_numpy(dtype="datetime64[D]")
    y = np.asarray(y, dtype=int)
    calendar = np.sort(actual)
    simulated = np.empty_like(actual)
    simulated[np.argsort(-np.asarray(score, dtype=float), kind="stable")] = calendar
    found = y == 1
    if not found.any():
        return {"days_earlier": None, "first_half_model": None, "first_half_actual": None, "findings": 0}
    gain = (actual[found] - simulated[found]).astype("timedelta64[D]").astype(float)
    middle = calendar[0] + (calendar[-1] - calendar[0]) / 2
    return {"days_earlier": float(gain.mean()), "findings": int(found.sum()),
            "first_half_model": float((simulated[found] <= middle).mean()),
            "first_half_actual": float((actual[found] <= middle).mean())}
