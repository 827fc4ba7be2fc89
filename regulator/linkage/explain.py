"""Explaining a match: the evidence of each field (comparison level and match weight) behind a probability."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

#: key of a review's match weights naming the other entity that matched almost as well (an ambiguous link):
#: {"entity_id", "weight" (its match weight), "best_weight" (the suggested entity's)}
RUNNER_UP = "_runner_up"
#: key of a pending review's match weights holding what the last recheck (``linkage.recheck``) found when it
#: left the review waiting: {"on" (ISO day), "probability", "entity_id" (the best entity now: the suggested
#: one, or another), "linked" (at or above the upper threshold), "at_import" (the review's probability when its
#: record was imported)}
RECHECKED = "_rechecked"


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


#: (lowest weight, strength) from strongest for a match to strongest against; below the last: "strong_against"
STRENGTHS = ((5.0, "strong_for"), (1.0, "for"), (-1.0, "neutral"), (-5.0, "against"))


def strength(weight: float) -> str:
    """How strongly a match weight speaks for or against a match, in five steps."""
    for low, name in STRENGTHS:
        if weight >= low:
            return name
    return "strong_against"


def evidence(match_weights: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The comparisons behind a probability, strongest evidence first, ready to put in words.

    Each item: comparison, level (the comparison level's label), weight (log2 Bayes factor), strength
    (``strength``) and factor: how many times more (or less) likely the pair is a match on this evidence.
    The prior is left out: it is the same for every pair of a run; so are notes beside the comparisons
    (keys beginning with ``_``, such as the other entity of an ambiguous match).
    """
    items = []
    for name, value in (match_weights or {}).items():
        if name == "prior" or name.startswith("_") or not isinstance(value, dict):
            continue
        weight = float(value.get("weight") or 0.0)
        items.append({"comparison": name, "level": value.get("level"), "weight": round(weight, 2),
                      "strength": strength(weight), "factor": round(2 ** abs(weight), 1)})
    return sorted(items, key=lambda item: -abs(item["weight"]))
