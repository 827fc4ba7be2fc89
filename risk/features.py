"""Point-in-time features per (entity, as_of) from plain record frames.

For a query (entity e, day d) every feature uses only records dated strictly before d: inspections,
violations, enforcement actions, list entries, complaints (named or linked only by address or nearby
location), licences, static entity attributes and daily context such as weather. Nothing about who
inspects is a feature: inspectors are drawn after entities are selected.

The work is set-based: each record table becomes a sorted array of (entity, day) keys, and every count,
sum, "last" and "most serious" for all queries comes from ``np.searchsorted`` on it, so 100k queries take
well under a second per table.

Frames (``RecordFrames``), each optional except ``entities``; dates may be ``date``, strings or datetime64:

    entities:    entity_id, district, industry, entity_type, registration_date, address_id,
                 latitude, longitude (the last three optional) + any extra static attribute columns
    inspections: entity_id, agency_id, inspection_date, result, serious_violation, violation_count
    violations:  entity_id, agency_id, found_date, severity (minor | serious | critical)
    enforcement: entity_id, agency_id, decision_date, penalty_type, amount
    list_entries: entity_id, list_type, added_date, removed_date
    complaints:  entity_id (may be empty), address_id, received_date, latitude, longitude
    licences:    entity_id, issue_date, valid_from, valid_to
    context:     on_date + numeric columns (one row per day: weather)
    graph:       a callable ``day -> frame`` (index entity_id, numeric columns) giving relationship-graph
                 features as of that day (edges in force, events dated before it; see ``risk.graph``).
                 Queries on several days are grouped by the first day of their month (one graph
                 computation per month, still strictly before every inspection in it); queries on one
                 day (scoring) use that day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

DAY_BITS = 17  # days since 1900 fit in 17 bits until the year 2258
EPOCH = np.datetime64("1900-01-01", "D")
YEAR = 365
SEVERITY_RANK = {"minor": 1, "serious": 2, "critical": 3}
SEVERE_PENALTIES = ("suspension", "licence_revocation", "detention")
CATEGORICAL = ("district", "industry", "entity_type")
#: degrees of latitude/longitude per grid cell for "complaints nearby" (about 300 m)
CELL = 0.003
CONTEXT_DAYS = 3

#: +1: more of it never lowers the risk; features left out have no known direction
MONOTONE: dict[str, int] = {
    "insp_failed": 1, "insp_serious": 1, "viol_count": 1, "viol_12m": 1, "viol_serious_12m": 1,
    "viol_critical": 1, "viol_agencies_12m": 1, "viol_max_severity": 1, "enf_count": 1, "enf_3y": 1,
    "enf_severe": 1, "enf_amount": 1, "list_abnormal": 1, "list_serious": 1, "complaints_12m": 1,
    "complaints_address_12m": 1, "insp_complaint_12m": 1, "insp_complaint": 1,
}


@dataclass
class RecordFrames:
    """The records features are built from (see the module docstring for columns)."""

    entities: pd.DataFrame
    inspections: pd.DataFrame | None = None
    violations: pd.DataFrame | None = None
    enforcement: pd.DataFrame | None = None
    list_entries: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None
    licences: pd.DataFrame | None = None
    context: pd.DataFrame | None = None
    #: static entity columns passed through as features (numeric or categorical)
    attributes: list[str] = field(default_factory=list)
    #: day -> graph feature frame (index entity_id); None: no graph features
    graph: Callable[[pd.Timestamp], pd.DataFrame] | None = None


def to_days(values: pd.Series | np.ndarray | list) -> np.ndarray:
    """Dates as int64 days since 1900-01-01; missing as -1."""
    stamps = pd.to_datetime(pd.Series(values), errors="coerce")
    days = stamps.to_numpy(dtype="datetime64[D]", na_value=np.datetime64("NaT"))
    out = (days - EPOCH).astype("int64")
    out[np.isnat(days)] = -1
    return out


def _require(frame: pd.DataFrame, name: str, columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} frame lacks columns {missing}")


class Timeline:
    """Records of one kind sorted by (key, day): counts, sums, last values before a day."""

    def __init__(self, keys: np.ndarray, days: np.ndarray, values: dict[str, np.ndarray] | None = None):
        keep = (days >= 0) & (keys >= 0)
        keys, days = keys[keep].astype("int64"), days[keep]
        order = np.lexsort((days, keys))
        self.keys = keys[order]
        self.codes = (self.keys << DAY_BITS) + days[order]
        self.values = {k: np.asarray(v)[keep][order] for k, v in (values or {}).items()}
        self._cums: dict[str, np.ndarray] = {}

    def bounds(self, keys: np.ndarray, days: np.ndarray, window: int | None = None) -> tuple[np.ndarray, ...]:
        """Positions: first record of the key, first in the window, first on or after the day."""
        base = keys.astype("int64") << DAY_BITS
        start = np.searchsorted(self.codes, base, side="left")
        end = np.searchsorted(self.codes, base + days, side="left")
        lo = start if window is None else np.searchsorted(self.codes, base + np.maximum(days - window, 0))
        return start, lo, end

    def count(self, keys: np.ndarray, days: np.ndarray, window: int | None = None,
              where: str | None = None) -> np.ndarray:
        """Records of each key dated before the day (within ``window`` days; only where ``where`` holds)."""
        _, lo, end = self.bounds(keys, days, window)
        if where is None:
            return (end - lo).astype(float)
        return self.total(where, lo, end)

    def sum(self, column: str, keys: np.ndarray, days: np.ndarray, window: int | None = None) -> np.ndarray:
        _, lo, end = self.bounds(keys, days, window)
        return self.total(column, lo, end)

    def total(self, column: str, lo: np.ndarray, end: np.ndarray) -> np.ndarray:
        if column not in self._cums:
            self._cums[column] = np.concatenate([[0.0], np.cumsum(np.nan_to_num(
                self.values[column].astype(float)))])
        cum = self._cums[column]
        return cum[end] - cum[lo]

    def last(self, column: str | None, keys: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The column's value (or the day, for None) of the key's latest record before the day; NaN if none."""
        start, _, end = self.bounds(keys, days)
        has = end > start
        idx = np.where(has, end - 1, 0)
        if len(self.codes) == 0:
            return np.full(len(keys), np.nan)
        source = (self.codes & ((1 << DAY_BITS) - 1)) if column is None else self.values[column]
        return np.where(has, source[idx].astype(float), np.nan)

    def running_max(self, column: str, keys: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The largest value of the column over the key's records before the day (0 if none)."""
        if len(self.codes) == 0:
            return np.zeros(len(keys))
        cummax = pd.Series(self.values[column].astype(float)).groupby(self.keys).cummax().to_numpy()
        start, _, end = self.bounds(keys, days)
        return np.where(end > start, cummax[np.maximum(end - 1, 0)], 0.0)


def _frame(frames: RecordFrames, name: str) -> pd.DataFrame | None:
    frame = getattr(frames, name)
    return None if frame is None or frame.empty else frame


def _distinct(frame: pd.DataFrame, day_column: str, group: str, keys: np.ndarray, days: np.ndarray,
              window: int | None) -> np.ndarray:
    """How many distinct values of ``group`` (agencies) the key's records before the day show."""
    out = np.zeros(len(keys))
    for _, part in frame.groupby(group, sort=False):
        line = Timeline(part["entity_id"].to_numpy(), to_days(part[day_column]))
        out += line.count(keys, days, window) > 0
    return out


def _inspection_features(f: pd.DataFrame, keys: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "inspections", ("entity_id", "inspection_date"))
    result = f["result"].astype(str) if "result" in f else pd.Series("", index=f.index)
    vcount = pd.to_numeric(f.get("violation_count", pd.Series(0, index=f.index)), errors="coerce").fillna(0)
    serious = f.get("serious_violation", pd.Series(False, index=f.index))
    # a visit logged without its outcome (serious_violation empty) counts as a visit, never as one that found nothing
    known = serious.notna().to_numpy(bool)
    serious = serious.fillna(False).astype(bool)
    entity, day = f["entity_id"].to_numpy(), to_days(f["inspection_date"])
    line = Timeline(entity, day)
    outcomes = Timeline(entity[known], day[known], {
        "failed": result.eq("fail").to_numpy(float)[known], "with_violations": vcount.gt(0).to_numpy(float)[known],
        "serious": serious.to_numpy(float)[known], "violations": vcount.to_numpy(float)[known]})
    count = line.count(keys, days)
    judged = outcomes.count(keys, days)
    last_day = line.last(None, keys, days)
    out = {
        "insp_count": count,
        "insp_3y": line.count(keys, days, 3 * YEAR),
        "insp_days_since": days - last_day,
        "insp_failed": outcomes.count(keys, days, where="failed"),
        "insp_serious": outcomes.count(keys, days, where="serious"),
        "insp_share_violations": np.divide(outcomes.count(keys, days, where="with_violations"), judged,
                                           out=np.full(len(keys), np.nan), where=judged > 0),
        "insp_last_failed": outcomes.last("failed", keys, days),
        "insp_last_serious": outcomes.last("serious", keys, days),
        "insp_last_violations": outcomes.last("violations", keys, days),
    }
    if "inspection_type" in f:
        kinds = f["inspection_type"].astype("string")
        by_type = Timeline(f["entity_id"].to_numpy(), to_days(f["inspection_date"]), {
            kind: kinds.eq(kind).fillna(False).to_numpy(float) for kind in ("complaint", "follow_up", "licence")})
        for kind in ("complaint", "follow_up", "licence"):
            out[f"insp_{kind}_12m"] = by_type.count(keys, days, YEAR, where=kind)
            out[f"insp_{kind}"] = by_type.count(keys, days, where=kind)
    if "agency_id" in f:
        out["insp_agencies_3y"] = _distinct(f, "inspection_date", "agency_id", keys, days, 3 * YEAR)
    return out


def _violation_features(f: pd.DataFrame, keys: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "violations", ("entity_id", "found_date", "severity"))
    rank = f["severity"].astype(str).map(SEVERITY_RANK).fillna(1).to_numpy(float)
    line = Timeline(f["entity_id"].to_numpy(), to_days(f["found_date"]),
                    {"serious": (rank >= 2).astype(float), "critical": (rank >= 3).astype(float), "rank": rank})
    out = {
        "viol_count": line.count(keys, days),
        "viol_12m": line.count(keys, days, YEAR),
        "viol_serious_12m": line.count(keys, days, YEAR, where="serious"),
        "viol_critical": line.count(keys, days, where="critical"),
        "viol_max_severity": line.running_max("rank", keys, days),
        "viol_days_since": days - line.last(None, keys, days),
    }
    if "agency_id" in f:
        out["viol_agencies_12m"] = _distinct(f, "found_date", "agency_id", keys, days, YEAR)
    return out


def _enforcement_features(f: pd.DataFrame, keys: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "enforcement", ("entity_id", "decision_date", "penalty_type"))
    amount = pd.to_numeric(f.get("amount", pd.Series(0, index=f.index)), errors="coerce").fillna(0)
    severe = f["penalty_type"].astype(str).isin(SEVERE_PENALTIES).to_numpy(float)
    line = Timeline(f["entity_id"].to_numpy(), to_days(f["decision_date"]),
                    {"amount": amount.to_numpy(float), "severe": severe})
    return {
        "enf_count": line.count(keys, days),
        "enf_3y": line.count(keys, days, 3 * YEAR),
        "enf_severe": line.count(keys, days, where="severe"),
        "enf_amount": line.sum("amount", keys, days),
        "enf_days_since": days - line.last(None, keys, days),
    }


def _list_features(f: pd.DataFrame, keys: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "list_entries", ("entity_id", "list_type", "added_date"))
    out = {}
    removed = f["removed_date"] if "removed_date" in f else pd.Series(pd.NaT, index=f.index)
    for kind, name in (("abnormal_operations", "list_abnormal"), ("serious_illegal", "list_serious")):
        part = f["list_type"].astype(str).eq(kind).to_numpy()
        ids = f["entity_id"].to_numpy()[part]
        added = Timeline(ids, to_days(f["added_date"][part]))
        gone = Timeline(ids, to_days(removed[part]))
        out[name] = added.count(keys, days) - gone.count(keys, days)
    return out


def _complaint_features(f: pd.DataFrame, entities: pd.DataFrame, keys: np.ndarray,
                        days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "complaints", ("received_date",))
    day = to_days(f["received_date"])
    named = pd.to_numeric(f.get("entity_id", pd.Series(np.nan, index=f.index)), errors="coerce")
    out = {"complaints_12m": Timeline(named.fillna(-1).to_numpy("int64"), day).count(keys, days, YEAR)}
    lookup = entities.set_index("entity_id")
    if "address_id" in f and "address_id" in lookup:
        address = pd.to_numeric(f["address_id"], errors="coerce").where(named.isna())
        line = Timeline(address.fillna(-1).to_numpy("int64"), day)
        entity_address = pd.to_numeric(lookup["address_id"], errors="coerce").reindex(keys)
        qkeys = entity_address.fillna(-1).to_numpy("int64")
        counts = line.count(np.maximum(qkeys, 0), days, YEAR)
        out["complaints_address_12m"] = np.where(qkeys >= 0, counts, 0.0)
    if {"latitude", "longitude"} <= set(f) and {"latitude", "longitude"} <= set(lookup):
        cells = _cells(f["latitude"], f["longitude"])
        line = Timeline(cells, day)
        lat = lookup["latitude"].reindex(keys).to_numpy(float)
        lon = lookup["longitude"].reindex(keys).to_numpy(float)
        near = np.zeros(len(keys))
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                qcells = _cells(pd.Series(lat + dy * CELL), pd.Series(lon + dx * CELL))
                near += np.where(qcells >= 0, line.count(np.maximum(qcells, 0), days, 90), 0.0)
        out["complaints_nearby_90d"] = np.where(np.isnan(lat), np.nan, near)
    return out


def _cells(lat: pd.Series, lon: pd.Series) -> np.ndarray:
    """A grid-cell number per location (-1 where missing)."""
    la = pd.to_numeric(lat, errors="coerce").to_numpy(float)
    lo = pd.to_numeric(lon, errors="coerce").to_numpy(float)
    ok = ~(np.isnan(la) | np.isnan(lo))
    row = np.floor((np.nan_to_num(la) + 90) / CELL).astype("int64")
    col = np.floor((np.nan_to_num(lo) + 180) / CELL).astype("int64")
    return np.where(ok, row * 200_000 + col, -1)


def _licence_features(f: pd.DataFrame, keys: np.ndarray, days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "licences", ("entity_id",))
    start = f["issue_date"] if "issue_date" in f else pd.Series(pd.NaT, index=f.index)
    if "valid_from" in f:
        start = pd.to_datetime(start, errors="coerce").fillna(pd.to_datetime(f["valid_from"], errors="coerce"))
    ids = f["entity_id"].to_numpy()
    issued = Timeline(ids, to_days(start))
    ends = Timeline(ids, to_days(f["valid_to"] if "valid_to" in f else pd.Series(pd.NaT, index=f.index)))
    first_start, _, end = issued.bounds(keys, days)
    first_day = np.where(end > first_start, issued.codes[np.minimum(first_start, len(issued.codes) - 1)]
                         & ((1 << DAY_BITS) - 1), -1) if len(issued.codes) else np.full(len(keys), -1)
    count = issued.count(keys, days)
    expired = ends.count(keys, days)
    return {
        "licence_count": count,
        "licence_in_force": np.maximum(count - expired, 0),
        "licence_age_days": np.where(first_day >= 0, days - first_day, np.nan),
    }


def _context_features(f: pd.DataFrame, days: np.ndarray) -> dict[str, np.ndarray]:
    _require(f, "context", ("on_date",))
    columns = [c for c in f.columns if c != "on_date" and pd.api.types.is_numeric_dtype(f[c])]
    by_day = f.assign(_d=to_days(f["on_date"])).groupby("_d")[columns].mean()
    out = {}
    for column in columns:
        values = [by_day[column].reindex(days - k).to_numpy(float) for k in range(1, CONTEXT_DAYS + 1)]
        with np.errstate(all="ignore"):
            stacked = np.vstack(values)
            has = ~np.isnan(stacked)
            out[f"ctx_{column}"] = np.where(has.any(axis=0), np.nansum(stacked, axis=0)
                                            / np.maximum(has.sum(axis=0), 1), np.nan)
    return out


#: words that do not tell one trade name from another (legal forms, generic nouns)
_NAME_NOISE = frozenset({"INC", "LLC", "CORP", "CO", "THE", "LTD", "STORE", "RESTAURANT"})
_STORE_NUMBER_RE = re.compile(r"[#@].*$")
_APOSTROPHE_RE = re.compile(r"['’`]")
_NOT_LETTER_RE = re.compile(r"[\W\d_]+")


def trade_name_key(name: object) -> str:
    """A trade name without store numbers, digits, punctuation and legal forms ("SUBWAY #3421" and
    "Subway 12" -> "SUBWAY"): the key that the outlets of one chain share. Hand-written: a few regular
    expressions; the company-name parser in ``regulator.text`` keeps branch numbers apart on purpose."""
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    text = _NOT_LETTER_RE.sub(" ", _APOSTROPHE_RE.sub("", _STORE_NUMBER_RE.sub("", str(name).upper())))
    return " ".join(w for w in text.split() if w not in _NAME_NOISE)


def namesake_counts(names: pd.DataFrame, keys: np.ndarray, days: np.ndarray,
                    fallback: pd.Series | None = None) -> np.ndarray:
    """How many businesses traded under the entity's trade name before the day (itself included; 0 where
    the name is unknown or shorter than three letters): outlets of a chain against single shops.

    ``names``: entity_id, name, start (one row per dated record naming the business, e.g. licence terms).
    The entity's name is that of its latest record started before the day, else ``fallback`` (a name per
    entity_id). A business counts from its first record under that name; later records change nothing.
    """
    frame = names.assign(key=names["name"].map(trade_name_key), day=to_days(names["start"]))
    frame = frame.loc[(frame["key"].str.len() > 2) & (frame["day"] >= 0)]
    codes = {k: i for i, k in enumerate(pd.unique(frame["key"]))}
    code = frame["key"].map(codes).to_numpy("int64")
    entity = pd.to_numeric(frame["entity_id"]).to_numpy("int64")
    firsts = pd.DataFrame({"code": code, "entity": entity, "day": frame["day"].to_numpy()})
    firsts = firsts.groupby(["code", "entity"], sort=False)["day"].min().reset_index()
    members = Timeline(firsts["code"].to_numpy("int64"), firsts["day"].to_numpy("int64"))
    own = Timeline(entity, frame["day"].to_numpy("int64"), {"code": code.astype(float)}).last("code", keys, days)
    if fallback is not None:
        spare = pd.Series(fallback).map(trade_name_key).map(codes).reindex(keys).to_numpy(float)
        own = np.where(np.isnan(own), spare, own)
    known = ~np.isnan(own)
    counts = members.count(np.where(known, np.nan_to_num(own), 0).astype("int64"), days)
    return np.where(known, counts, 0.0)


def build_features(frames: RecordFrames, queries: pd.DataFrame) -> pd.DataFrame:
    """One feature row per query (``entity_id``, ``as_of``), in the queries' order and index.

    Every record used is dated strictly before the query's ``as_of``.
    """
    _require(queries, "queries", ("entity_id", "as_of"))
    entities = frames.entities
    _require(entities, "entities", ("entity_id",))
    if entities["entity_id"].duplicated().any():
        raise ValueError("entities frame has duplicate entity_id values")
    keys = pd.to_numeric(queries["entity_id"], errors="raise").to_numpy("int64")
    days = to_days(queries["as_of"])
    if (days < 0).any():
        row = int(np.argmax(days < 0))
        raise ValueError(f"queries row {row}: as_of is missing or not a date")
    columns: dict[str, np.ndarray | pd.Series] = {}
    builders = (("inspections", _inspection_features), ("violations", _violation_features),
                ("enforcement", _enforcement_features), ("list_entries", _list_features),
                ("licences", _licence_features))
    for name, build in builders:
        frame = _frame(frames, name)
        if frame is not None:
            columns.update(build(frame, keys, days))
    complaints = _frame(frames, "complaints")
    if complaints is not None:
        columns.update(_complaint_features(complaints, entities, keys, days))
    context = _frame(frames, "context")
    if context is not None:
        columns.update(_context_features(context, days))
    lookup = entities.set_index("entity_id")
    if "registration_date" in lookup:
        registered = to_days(lookup["registration_date"].reindex(keys))
        columns["entity_age_days"] = np.where(registered >= 0, days - registered, np.nan)
    for name in (*CATEGORICAL, *frames.attributes):
        if name in lookup:
            values = lookup[name].reindex(keys)
            if name in CATEGORICAL or not pd.api.types.is_numeric_dtype(values):
                values = values.astype("string").astype("category")
            columns[name] = values.to_numpy() if not isinstance(values.dtype, pd.CategoricalDtype) else values
    if frames.graph is not None:
        columns.update(graph_columns(frames.graph, keys, queries["as_of"]))
    out = pd.DataFrame({k: (v.reset_index(drop=True) if isinstance(v, pd.Series) else v)
                        for k, v in columns.items()})
    out.index = queries.index
    return out


def graph_days(as_of: pd.Series) -> pd.Series:
    """The day whose graph features each query gets: its own day if all queries share it, else the first
    day of its month (never after the query's day, so still point-in-time)."""
    stamps = pd.to_datetime(as_of).dt.normalize().reset_index(drop=True)
    if stamps.nunique() <= 1:
        return stamps
    return stamps.dt.to_period("M").dt.start_time


def graph_columns(source: Callable[[pd.Timestamp], pd.DataFrame], keys: np.ndarray,
                  as_of: pd.Series) -> dict[str, np.ndarray]:
    """Graph features per query, one ``source`` call per distinct day; entities it lacks get 0."""
    days = graph_days(as_of)
    columns: dict[str, np.ndarray] = {}
    for day, positions in days.groupby(days, sort=True).indices.items():
        frame = source(pd.Timestamp(day))
        for name in frame.columns:
            if name not in columns:
                columns[name] = np.zeros(len(keys), dtype=float)
            values = pd.to_numeric(frame[name], errors="coerce").reindex(keys[positions])
            columns[name][positions] = values.fillna(0).to_numpy(float)
    return columns
