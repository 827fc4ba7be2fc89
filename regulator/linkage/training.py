"""Estimating a profile's parameters once (prior, u by random sampling, m by labels or EM) with Splink.

Run on real data by `flask linkage train` and by the benchmarks; never on each incoming batch.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pyarrow as pa
from splink import DuckDBAPI, Linker

from .engine import as_table, cap_block_keys
from .model import TrainedModel, settings_dict
from .profiles import Profile

log = logging.getLogger(__name__)
#: an EM session needs pairs to learn from: skip blocks whose columns share fewer values across the data
MIN_EM_VALUES = 50
#: how many matching pairs an EM estimate is worth when smoothing it (EM reports no counts)
EM_PSEUDO_COUNT = 2000
#: never let training data say "a true match never does this" more strongly than one in a thousand:
#: what synthetic or narrow training data has not shown (a renamed company, a new representative) happens
MAX_M_EVIDENCE = 1000


def _session_rule(cols: tuple[str, ...]) -> str:
    """Blocking SQL of an EM session: equal on each column, coordinates within about a hundred metres."""
    parts = [f"abs(l.{c} - r.{c}) < 0.001" if c in ("latitude", "longitude") else f"l.{c} = r.{c}" for c in cols]
    return " AND ".join(parts)


def _shared_values(frames: list[pa.Table], cols: tuple[str, ...]) -> int:
    """How many distinct values of ``cols`` occur on both sides (or twice, for one frame)."""
    cols = tuple(c for c in cols if c not in ("latitude", "longitude"))
    keys = [f.select(list(cols)).to_pandas().dropna().astype(str).agg("\x1f".join, axis=1) for f in frames]
    if len(keys) == 1:
        counts = keys[0].value_counts()
        return int((counts > 1).sum())
    return len(set(keys[0]) & set(keys[1]))


def train_model(profile: Profile, frames: list[pa.Table], *, label: str | None = None,
                match_rate: float | None = None, max_pairs: float = 2e6, seed: int = 7,
                recall: float = 0.7, meta: dict[str, Any] | None = None) -> TrainedModel:
    """Estimate the parameters of ``profile`` on prepared frames (two: link; one: deduplicate).

    ``label``: a column that identifies the true entity on part of the rows (e.g. a valid USCC); when
    given, the m probabilities come from the pairs it labels, otherwise from expectation maximisation
    over the profile's training blocks. u probabilities always come from random pairs.
    """
    if len(frames) not in (1, 2):
        raise ValueError("train_model takes one frame (deduplicate) or two (link)")
    frames = [as_table(f) for f in frames]
    if any(f.num_rows == 0 for f in frames):
        raise ValueError("cannot train a linkage model on an empty frame")
    started = time.perf_counter()
    link_type = "link_only" if len(frames) == 2 else "dedupe_only"
    frames = cap_block_keys(frames, profile)
    settings = settings_dict(profile, link_type)
    if label is not None:
        settings["additional_columns_to_retain"] = [label]
    db = DuckDBAPI()
    db.duckdb_con.execute("SET threads TO 2")
    tables = [db.register(f, dataset_display_name=name) for f, name in zip(frames, ("lhs", "rhs"), strict=False)]
    linker = Linker(tables if len(tables) > 1 else tables[0], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(profile.deterministic(), recall=recall)
    prior = linker._settings_obj._probability_two_random_records_match  # noqa: SLF001 - EM overwrites it
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    if label is not None:
        linker.training.estimate_m_from_label_column(label)
    else:
        sessions = [cols for cols in profile.training_blocks() if _shared_values(frames, cols) >= MIN_EM_VALUES]
        if not sessions:
            raise ValueError(f"no EM session of profile {profile.name} finds pairs to learn from in this data")
        for cols in sessions:
            linker.training.estimate_parameters_using_expectation_maximisation(_session_rule(cols))
    splink = linker.misc.save_model_to_json()
    splink["probability_two_random_records_match"] = prior
    pairs_labelled = sum(f.num_rows for f in frames[1:]) if label is not None else EM_PSEUDO_COUNT
    db.duckdb_con.close()
    debias_u(splink)
    smooth(splink, min(pairs_labelled, MAX_M_EVIDENCE), max_pairs)
    seconds = time.perf_counter() - started
    info = {"trained_at": datetime.now(UTC).isoformat(timespec="seconds"), "method": "labels" if label else "em",
            "label": label, "rows": [f.num_rows for f in frames], "seconds": round(seconds, 1), **(meta or {})}
    log.info("trained linkage profile %s in %.1f s on %s rows", profile.name, seconds, info["rows"])
    return TrainedModel(profile.name, splink, profile.match_rate if match_rate is None else match_rate, info)


def smooth(splink: dict[str, Any], m_count: float, u_count: float, alpha: float = 1.0) -> None:
    """Add-alpha smoothing of the m and u probabilities of each comparison's levels.

    A level never seen among true matches in training (no match ever had a totally different name in
    the demo world) would otherwise keep no estimate and weigh nothing; smoothed, it weighs what one
    more observation would say. A level seen on neither side (coordinates in data without any) and a
    comparison never estimated at all stay without estimate: they weigh nothing, as they should.
    """
    for comparison in splink["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        for key, count in (("m_probability", m_count), ("u_probability", u_count)):
            if not any(lv.get(key) for lv in levels):
                continue
            k = sum(1 for lv in levels if lv.get("m_probability") or lv.get("u_probability"))
            for level in levels:
                if level.get("m_probability") or level.get("u_probability"):
                    level[key] = ((level.get(key) or 0.0) * count + alpha) / (count + alpha * k)
        for level in levels:
            if not (level.get("m_probability") and level.get("u_probability")):
                level.pop("m_probability", None)
                level.pop("u_probability", None)


def debias_u(splink: dict[str, Any], floor: float = 1e-7) -> None:
    """Remove the true matches that random sampling counts as non-matches from every u probability.

    Random pairs include true matches at rate lambda (the prior), so the observed u of a level is
    (1 - lambda) u + lambda m; on a training set of a few thousand entities this inflates the u of
    "same name" several-fold. Solved for u level by level, then renormalised over the comparison.
    """
    prior = float(splink["probability_two_random_records_match"])
    if not 0.0 < prior < 0.5:
        return
    for comparison in splink["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"]
                  if not lv.get("is_null_level") and lv.get("u_probability") is not None]
        fixed = [max(floor, lv["u_probability"] - prior * (lv.get("m_probability") or 0.0)) for lv in levels]
        total = sum(fixed)
        for level, value in zip(levels, fixed, strict=True):
            level["u_probability"] = value / total


def train_on_linked(profile: Profile, register: pd.DataFrame, linked: pd.DataFrame, *,
                    meta: dict[str, Any] | None = None, max_pairs: float = 5e6) -> TrainedModel:
    """Train from entities' registered identities and rows already linked to them by a key (a valid USCC).

    ``register``: entity_id + identity fields, one row per entity as registered; ``linked``: rows of
    other agencies, each with the entity_id its valid code linked it to. Those deterministic links
    label the pairs the m probabilities are estimated from; no EM needed.
    """
    if register.empty or linked.empty:
        raise ValueError("training needs registered entities and records linked to them by a valid code")
    left = profile.prepare(register.assign(uid=range(len(register))))
    right = profile.prepare(linked.assign(uid=range(len(linked))))
    left = left.append_column("label", pa.array(register["entity_id"].astype("int64").astype(str).tolist()))
    right = right.append_column("label", pa.array(linked["entity_id"].astype("int64").astype(str).tolist()))
    n_entities = max(register["entity_id"].nunique(), 1)
    match_rate = min(0.99, linked["entity_id"].isin(register["entity_id"]).mean())
    return train_model(profile, [left, right], label="label", match_rate=float(match_rate), max_pairs=max_pairs,
                       meta={"entities": int(n_entities), **(meta or {})})
