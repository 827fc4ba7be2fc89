"""Credit classes A-D: a transparent points score over an entity's records, the model's nudge, overrides.

Every rule is data (``RULES``): which records it counts, over which window, how many points each, its cap
and its legal basis. Points measure risk: a clean record with passed inspections goes below zero, each
violation, penalty or list entry adds. The class follows from the points (``CLASS_CUTS``); where the
active risk model has a probability for the entity, the class moves at most ``MODEL_MAX_STEP`` step
towards the model's class, and never lower while any record counts against the entity (the rules stay
the primary, explainable ground: a statistical estimate does not outweigh a penalty); finally the hard
overrides apply: on the serious illegal and dishonest list forces D, on the abnormal-operations list at least C.

The input is a long frame of events, one row per record:

    entity_id (int), kind (inspection | violation | enforcement | list_entry | complaint),
    detail (the result, severity, penalty type, list type or complaint status),
    date (the record's date), ended (when it stopped being in force: list removal, credit repair; or NaT)
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

CLASSES = ("A", "B", "C", "D")
CLASSIFY_BASIS = "《关于推进企业信用风险分类管理进一步提升监管效能的意见》（国市监信发〔2022〕6号）"
COMPLAINT_BASIS = "《市场监督管理投诉举报处理暂行办法》"
PENALTY_BASIS = "《市场监督管理行政处罚信息公示规定》"
ABNORMAL_BASIS = "《企业信息公示暂行条例》；《企业经营异常名录管理暂行办法》"
SERIOUS_BASIS = "《市场监督管理严重违法失信名单管理办法》"
EVENT_COLUMNS = ("entity_id", "kind", "detail", "date", "ended")


@dataclass(frozen=True)
class CreditRule:
    """One line of the points table."""

    code: str
    kind: str
    values: tuple[str, ...]
    #: points per record counted (negative: in the entity's favour)
    points: float
    #: the most this rule adds (or, for a negative rule, removes)
    cap: float
    #: counts records dated within this many days before the assessment (None: any date)
    window_days: int | None
    basis: str
    #: counts only records still in force (not removed from the list, not ended by credit repair)
    in_force: bool = False


@dataclass(frozen=True)
class Override:
    """A hard floor on the class while the entity has a record of this kind in force."""

    code: str
    kind: str
    values: tuple[str, ...]
    floor: str
    basis: str


THREE_YEARS, ONE_YEAR = 3 * 365, 365
RULES: tuple[CreditRule, ...] = (
    CreditRule("inspection_passed", "inspection", ("pass",), -4, -12, THREE_YEARS, CLASSIFY_BASIS),
    CreditRule("inspection_failed", "inspection", ("fail",), 8, 24, THREE_YEARS, CLASSIFY_BASIS),
    CreditRule("inspection_unreachable", "inspection", ("no_entry", "not_found"), 5, 10, THREE_YEARS,
               ABNORMAL_BASIS),
    CreditRule("violation_minor", "violation", ("minor",), 2, 10, THREE_YEARS, CLASSIFY_BASIS),
    CreditRule("violation_serious", "violation", ("serious",), 6, 30, THREE_YEARS, CLASSIFY_BASIS),
    CreditRule("violation_critical", "violation", ("critical",), 12, 36, THREE_YEARS, CLASSIFY_BASIS),
    CreditRule("penalty_warning", "enforcement", ("warning",), 3, 9, THREE_YEARS, PENALTY_BASIS,
               in_force=True),
    CreditRule("penalty_fine", "enforcement", ("fine", "confiscation", "other"), 10, 30, THREE_YEARS,
               PENALTY_BASIS, in_force=True),
    CreditRule("penalty_severe", "enforcement", ("suspension", "licence_revocation", "detention"), 20, 40,
               THREE_YEARS, PENALTY_BASIS, in_force=True),
    CreditRule("complaint_substantiated", "complaint", ("substantiated",), 4, 12, ONE_YEAR, COMPLAINT_BASIS),
    CreditRule("abnormal_operations", "list_entry", ("abnormal_operations",), 30, 30, None, ABNORMAL_BASIS,
               in_force=True),
    CreditRule("serious_illegal", "list_entry", ("serious_illegal",), 60, 60, None, SERIOUS_BASIS,
               in_force=True),
)
OVERRIDES: tuple[Override, ...] = (
    Override("serious_illegal_list", "list_entry", ("serious_illegal",), "D", SERIOUS_BASIS),
    Override("abnormal_operations_list", "list_entry", ("abnormal_operations",), "C", ABNORMAL_BASIS),
)
#: class by points: below 0 -> A, below 20 -> B, below 50 -> C, else D (an entity with nothing on record is B)
CLASS_CUTS: tuple[float, ...] = (0.0, 20.0, 50.0)
#: class by the model's probability: below 0.10 -> A, below 0.25 -> B, below 0.50 -> C, else D
MODEL_CUTS: tuple[float, ...] = (0.10, 0.25, 0.50)
MODEL_MAX_STEP = 1


@dataclass
class CreditResult:
    """Per-entity classes, the reasons (rule lines) behind them, and the overrides that applied."""

    #: index entity_id; points, points_class, probability, model_class, credit_class
    classes: pd.DataFrame
    #: entity_id, rule, count, points, basis; largest weight first within an entity
    reasons: pd.DataFrame
    #: entity_id, rule, floor, from_class, to_class, basis
    overrides: pd.DataFrame


def class_for_points(points: pd.Series) -> pd.Series:
    """The class each points total falls in (``CLASS_CUTS``)."""
    return pd.Series(np.asarray(CLASSES)[np.searchsorted(CLASS_CUTS, points.to_numpy(), side="right")],
                     index=points.index)


def class_for_probability(probability: pd.Series) -> pd.Series:
    """The class each model probability falls in (``MODEL_CUTS``); missing stays missing."""
    values = probability.to_numpy(dtype=float, na_value=np.nan)
    idx = np.searchsorted(MODEL_CUTS, np.nan_to_num(values, nan=0.0), side="right")
    out = pd.Series(np.asarray(CLASSES, dtype=object)[idx], index=probability.index, dtype=object)
    out[np.isnan(values)] = None
    return out


def class_of_points(points: float) -> str:
    """``class_for_points`` of one total (a profile page asks for one: no Series to build)."""
    return CLASSES[bisect_right(CLASS_CUTS, points)]


def class_of_probability(probability: float | None) -> str | None:
    """``class_for_probability`` of one probability; None for a missing one."""
    if probability is None or math.isnan(probability):
        return None
    return CLASSES[bisect_right(MODEL_CUTS, probability)]


def _rank(classes: pd.Series) -> np.ndarray:
    return classes.map({c: i for i, c in enumerate(CLASSES)}).to_numpy(dtype=float, na_value=np.nan)


def _in_force(events: pd.DataFrame, as_of: pd.Timestamp) -> pd.Series:
    return events["date"].le(as_of) & (events["ended"].isna() | events["ended"].gt(as_of))


def validate_events(events: pd.DataFrame) -> pd.DataFrame:
    """Check the columns and normalise their types (dates to datetime64, kinds and details to str)."""
    missing = [c for c in EVENT_COLUMNS if c not in events.columns]
    if missing:
        raise ValueError(f"events frame lacks columns {missing}")
    return pd.DataFrame({
        "entity_id": events["entity_id"].astype("int64"),
        "kind": events["kind"].astype(str),
        "detail": events["detail"].astype(str),
        "date": pd.to_datetime(events["date"]),
        "ended": pd.to_datetime(events["ended"]),
    })


def score_rules(events: pd.DataFrame, as_of: date, rules: tuple[CreditRule, ...] = RULES) -> pd.DataFrame:
    """One row per (entity, rule that counted something): count of records and capped points."""
    ev = validate_events(events)
    day = pd.Timestamp(as_of)
    ev = ev.loc[ev["date"].le(day)]
    by_kind = {kind: frame for kind, frame in ev.groupby("kind", sort=False)}
    parts = []
    for rule in rules:
        frame = by_kind.get(rule.kind)
        if frame is None:
            continue
        hit = frame["detail"].isin(rule.values)
        if rule.window_days is not None:
            hit &= frame["date"].gt(day - pd.Timedelta(days=rule.window_days))
        if rule.in_force:
            hit &= _in_force(frame, day)
        counts = frame.loc[hit].groupby("entity_id").size()
        if counts.empty:
            continue
        raw = counts.astype(float) * rule.points
        points = raw.clip(upper=rule.cap) if rule.points > 0 else raw.clip(lower=rule.cap)
        parts.append(pd.DataFrame({"entity_id": counts.index, "rule": rule.code, "count": counts.to_numpy(),
                                   "points": points.to_numpy(), "basis": rule.basis}))
    if not parts:
        return pd.DataFrame({"entity_id": pd.Series(dtype="int64"), "rule": pd.Series(dtype=object),
                             "count": pd.Series(dtype="int64"), "points": pd.Series(dtype=float),
                             "basis": pd.Series(dtype=object)})
    reasons = pd.concat(parts, ignore_index=True)
    order = reasons["points"].abs().rank(method="first", ascending=False)
    return reasons.assign(_o=order).sort_values(["entity_id", "_o"]).drop(columns="_o").reset_index(drop=True)


def _overrides(events: pd.DataFrame, as_of: date, classes: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    ev = validate_events(events)
    day = pd.Timestamp(as_of)
    result = classes.copy()
    rows = []
    for rule in OVERRIDES:  # strongest first: a D floor is never lowered by a C floor
        hit = ev["kind"].eq(rule.kind) & ev["detail"].isin(rule.values) & _in_force(ev, day)
        ids = pd.Index(ev.loc[hit, "entity_id"].unique()).intersection(result.index)
        if ids.empty:
            continue
        before = result.loc[ids]
        after = before.where(_rank(before) >= CLASSES.index(rule.floor), rule.floor)
        result.loc[ids] = after
        rows.append(pd.DataFrame({"entity_id": ids, "rule": rule.code, "floor": rule.floor,
                                  "from_class": before.to_numpy(), "to_class": after.to_numpy(),
                                  "basis": rule.basis}))
    frame = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
        columns=["entity_id", "rule", "floor", "from_class", "to_class", "basis"])
    return result, frame


def combine_with_model(points_class: pd.Series, model_class: pd.Series, adverse: pd.Series | None = None,
                       max_step: int = MODEL_MAX_STEP) -> pd.Series:
    """Move each points class towards the model's class by at most ``max_step`` classes.

    ``adverse`` (bool per entity) marks entities with a record counting against them: the model may
    raise their class but not lower it.
    """
    base = _rank(points_class)
    model = _rank(model_class.reindex(points_class.index))
    step = np.clip(np.nan_to_num(model - base, nan=0.0), -max_step, max_step)
    if adverse is not None:
        step = np.where(adverse.reindex(points_class.index, fill_value=False).to_numpy() & (step < 0), 0, step)
    return pd.Series(np.asarray(CLASSES)[(base + step).astype(int)], index=points_class.index)


def assess(events: pd.DataFrame, entity_ids: pd.Index | list[int], as_of: date,
           probabilities: pd.Series | None = None, rules: tuple[CreditRule, ...] = RULES) -> CreditResult:
    """Classify every entity in ``entity_ids`` (those without events score 0 points: class B).

    ``probabilities`` (index entity_id) is the active risk model's probability, where one exists.
    """
    ids = pd.Index(pd.unique(np.asarray(list(entity_ids), dtype="int64")), name="entity_id")
    ev = validate_events(events)
    ev = ev.loc[ev["entity_id"].isin(ids)]
    reasons = score_rules(ev, as_of, rules)
    points = reasons.groupby("entity_id")["points"].sum().reindex(ids, fill_value=0.0).astype(float)
    points_class = class_for_points(points)
    probability = (probabilities.reindex(ids).astype(float) if probabilities is not None
                   else pd.Series(np.nan, index=ids))
    model_class = class_for_probability(probability)
    adverse = reasons.loc[reasons["points"].gt(0)].groupby("entity_id").size().gt(0)
    combined = combine_with_model(points_class, model_class, adverse)
    final, overrides = _overrides(ev, as_of, combined)
    classes = pd.DataFrame({"points": points, "points_class": points_class, "probability": probability,
                            "model_class": model_class, "credit_class": final}, index=ids)
    return CreditResult(classes=classes, reasons=reasons, overrides=overrides)
