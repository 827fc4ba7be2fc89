"""Explaining a match: the evidence of each field (comparison level and match weight) behind a probability."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def level_weights(settings: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """Comparison -> [(match weight, level label)] of its levels; a null level weighs 0."""
    out = {}
    for comparison in settings["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or not m or not u:
                weight = 0.0
            else:
                weight = math.log2(m / u)
            levels.append((weight, level["label_for_charts"], bool(level.get("is_null_level"))))
        out[comparison["output_column_name"]] = levels
    return out


def weights_by_comparison(pairs: pd.DataFrame, settings: dict[str, Any]) -> list[dict[str, Any]]:
    """For each scored pair: {"prior": weight, comparison: {"level": label, "weight": w}, ...}.

    The weight of a comparison includes its term-frequency adjustment (a common name agreeing counts
    for less than a rare one). Weights are log2 Bayes factors: +1 doubles the odds of a match. Splink 5
    reports each comparison's weight, not its level: the level is the one whose weight that is.
    """
    prior = settings["probability_two_random_records_match"]
    prior_weight = round(math.log2(prior / (1 - prior)), 2)
    columns = []
    for name, options in level_weights(settings).items():
        base = _numbers(pairs, f"mw_{name}")
        total = np.round(base + _numbers(pairs, f"mw_tf_adj_{name}"), 2)
        level_w = np.array([w for w, _, _ in options])
        null_first = np.array([0 if is_null else 1 for _, _, is_null in options])
        distance = np.abs(base[:, None] - level_w[None, :]) * 4 + null_first[None, :] * 1e-9
        labels = np.array([label for _, label, _ in options], dtype=object)[distance.argmin(axis=1)]
        columns.append((name, labels, total.tolist()))
    out = []
    for i in range(len(pairs)):
        item: dict[str, Any] = {"prior": prior_weight}
        for name, labels, totals in columns:
            item[name] = {"level": labels[i], "weight": totals[i]}
        out.append(item)
    return out


def _numbers(pairs: pd.DataFrame, column: str) -> np.ndarray:
    if column not in pairs.columns:
        return np.zeros(len(pairs))
    values = pd.to_numeric(pairs[column], errors="coerce").to_numpy(dtype="float64")
    return np.where(np.isfinite(values), values, 0.0)
