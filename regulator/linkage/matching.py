"""``match_records``: incoming records against known entities, one decision per record (the ingest contract).

Each record is scored against every candidate entity row the blocking rules pair it with; the best
entity decides: at or above ``upper`` it is linked, between ``lower`` and ``upper`` it goes to review,
below ``lower`` it is new. Records that are not linked are then deduplicated among themselves, so
that one new business seen in several rows of a batch becomes one new entity (``new_group``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dedupe import group_new_records
from .engine import (
    apply_cap,
    best_per_record,
    blocking_columns,
    candidate_rows,
    cap_block_keys,
    counted_frequencies,
    stop_values,
    term_frequencies,
)
from .entity_rows import EntityRows
from .explain import RUNNER_UP, weights_by_comparison
from .model import TrainedModel, load_model, settings_dict
from .profiles import UID, get_profile

log = logging.getLogger(__name__)
RECORD_COLUMNS = ("rid", "name", "address", "district", "legal_rep", "phone", "latitude", "longitude", "uscc_raw")
ENTITY_COLUMNS = ("entity_id", "name", "address", "district", "legal_rep", "phone", "latitude", "longitude")
DECISIONS = ("link", "review", "new")


@dataclass(frozen=True)
class LinkageSettings:
    """How records are matched and where the two thresholds lie.

    ``upper`` and ``lower`` are match probabilities; the defaults were chosen on the benchmarks
    (docs/benchmarks.md, "Linkage"): at 0.9 the Chicago links are 99% precise, and below 0.3 a
    suggested match is right too rarely to be worth a coordinator's time.
    """

    profile: str = "company"
    #: link automatically at or above this probability
    upper: float = 0.9
    #: send to review at or above this probability (and below ``upper``); below it: a new entity
    lower: float = 0.3
    #: a trained model; default: the profile's model file (see ``model.model_path``)
    model: TrainedModel | None = None
    model_path: Path | str | None = None
    #: deduplicate the records that are not linked (within-batch new entities)
    dedupe: bool = True
    #: expected number of other rows of the same new entity in a batch (prior of the deduplication)
    dedupe_rate: float = 1.0
    #: a best candidate this close (in match weight) to a second entity is sent to review, not linked
    ambiguity_margin: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 < self.lower <= self.upper < 1.0:
            raise ValueError(f"thresholds must satisfy 0 < lower <= upper < 1 (got lower={self.lower}, "
                             f"upper={self.upper})")

    def trained_model(self) -> TrainedModel:
        """The model these settings use."""
        return self.model or load_model(self.profile, self.model_path)


def _check_frame(frame: pd.DataFrame, what: str, key: str) -> pd.DataFrame:
    """Validate a contract frame: the key present, integral and (for records) unique; a clear error if not."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, not {type(frame).__name__}")
    if key not in frame.columns:
        raise ValueError(f"{what}: required column {key!r} is missing (columns: {list(frame.columns)})")
    ids = pd.to_numeric(frame[key], errors="coerce")
    bad = frame.index[ids.isna() | (ids != ids.round())]
    if len(bad):
        raise ValueError(f"{what}: column {key!r} must hold integers; rows {list(bad[:5])} do not "
                         f"(values {frame.loc[bad[:5], key].tolist()})")
    if key == "rid" and frame[key].duplicated().any():
        dupes = frame.loc[frame[key].duplicated(), key].unique()[:5].tolist()
        raise ValueError(f"{what}: column 'rid' must be unique; repeated values {dupes}")
    out = frame.reset_index(drop=True).copy()
    out[key] = ids.astype("int64").to_numpy()
    return out


def _empty_result(rids: pd.Series) -> pd.DataFrame:
    n = len(rids)
    return pd.DataFrame({
        "rid": rids.to_numpy(dtype="int64"),
        "entity_id": pd.array([pd.NA] * n, dtype="Int64"),
        "probability": np.zeros(n, dtype="float64"),
        "decision": pd.Series(["new"] * n, dtype="object"),
        "new_group": pd.array([pd.NA] * n, dtype="Int64"),
        "match_weights": pd.Series([None] * n, dtype="object"),
    })


def _with_alt_names(records: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Records plus one extra row per alternative name (``alt_name``), and each row's record position."""
    owner = np.arange(len(records))
    if "alt_name" not in records.columns:
        return records, owner
    alt = records["alt_name"]
    extra = alt.notna() & alt.astype(str).str.strip().ne("") & alt.astype(str).ne(records["name"].astype(str))
    if not extra.any():
        return records, owner
    rows = records[extra].assign(name=alt[extra])
    return pd.concat([records, rows], ignore_index=True), np.concatenate([owner, owner[extra.to_numpy()]])


def _distinct_entity_rows(entities: pd.DataFrame) -> pd.DataFrame:
    """Entity rows without exact repeats (the same entity known twice under the same identity)."""
    return entities.drop_duplicates(ignore_index=True)


def match_records(records: pd.DataFrame, entities: pd.DataFrame | EntityRows,
                  settings: LinkageSettings | None = None) -> pd.DataFrame:
    """Match each record to a known entity, to review, or to a new entity (deduplicated within the batch).

    ``records``: rid (unique int), name, address, district, legal_rep, phone, latitude, longitude,
    uscc_raw; ``entities``: entity_id, the same identity fields, several rows per entity allowed (or an
    ``EntityRows``, whose features are prepared once across calls). Any identity field may be null or
    absent. Optional: ``alt_name`` (another name of the record, e.g. an "also known as"),
    ``record_date`` on records and ``valid_from`` / ``valid_to`` on entity rows (a record dated within
    a row's period agrees with it: licence terms, registration to cancellation).
    Returns one row per record, in input order: rid, entity_id (Int64, NA if none), probability,
    decision ("link" | "review" | "new"), new_group (Int64, shared by the unlinked records of this
    batch that are one new entity) and match_weights (dict or None).
    """
    settings = settings or LinkageSettings()
    started = time.perf_counter()
    records = _check_frame(records, "records", "rid")
    if not isinstance(entities, EntityRows):
        entities = _distinct_entity_rows(_check_frame(entities, "entities", "entity_id"))
    result = _empty_result(records["rid"])
    if records.empty:
        return result
    profile, model = get_profile(settings.profile), settings.trained_model()
    expanded, owner = _with_alt_names(records)
    right = profile.prepare(expanded.assign(**{UID: np.arange(len(expanded))}))
    known = NONE_KNOWN
    if len(entities):
        left, left_ids, right_capped, tf, known = _candidates(entities, right, profile)
        n_entities = known.n
        prior = entity_prior(model, n_entities)
        config = settings_dict(profile, "link_only", model=model, prior=prior)
        best = best_per_record(left, right_capped, config, left_ids, owner,
                               threshold=min(0.01, settings.lower), tf_tables=tf,
                               band=settings.ambiguity_margin)
        if not best.empty:
            _decide(result, best, settings, config)
    unlinked = result.index[result["decision"] != "link"].to_numpy()
    if len(unlinked):
        rids = records["rid"].to_numpy()[unlinked]
        if settings.dedupe:
            batch = right.take(pa.array(unlinked))
            groups = group_new_records(batch, rids, profile, model, settings,
                                       tf_tables=batch_frequencies(batch, profile, known))
        else:
            groups = rids
        result.loc[unlinked, "new_group"] = groups
    counts = result["decision"].value_counts().to_dict()
    log.info("matched %d records against %d entity rows in %.1f s: %s", len(records), len(entities),
             time.perf_counter() - started, counts)
    return result


def _only(left: pa.Table, right: pa.Table, columns: tuple[str, ...]) -> dict[str, pa.Array]:
    """Per column, the distinct values of both tables (the term frequencies a prediction looks up)."""
    return {c: pc.unique(pa.concat_arrays([left.column(c).combine_chunks(), right.column(c).combine_chunks()])
                         .drop_null()) for c in columns}


class Known(NamedTuple):
    """The known entities as term frequencies count them: ``holding(col, values)`` the values held by some
    entity with their number of entities (``KeyStats.holding``'s table), ``n`` the number of entities."""

    holding: Callable[[str, pa.Array], pa.Table]
    n: int


def _held_by_none(col: str, values: pa.Array) -> pa.Table:
    return pa.table({col: pa.array([], values.type), "n": pa.array([], pa.int64())})


NONE_KNOWN = Known(_held_by_none, 0)
#: entities (known and the batch's) below which a value's frequency among them says nothing of how common it is
MIN_POPULATION = 1000


def batch_frequencies(batch: pa.Table, profile: Any, known: Known) -> dict[str, pa.Table]:
    """Term frequencies for deduplicating the unlinked records of a batch: how many entities hold each value,
    known ones (``known``) plus the batch's distinct identities (rows alike in every term-frequency column
    count once), out of both.

    Splink would take them from the batch's rows as they are: two rows of one business in a push of two then
    hold its name in every row, the commonest value there is, and the name's agreement weighed nothing (the pair
    stayed two new entities). Counted by identities, the repeats of one business are one holder.
    """
    columns = list(profile.tf_columns)
    if not columns or batch.num_rows < 2:
        return {}
    frame = batch.select(columns).to_pandas()
    identity = frame.groupby(columns, dropna=False, sort=False).ngroup().to_numpy()
    n_batch = int(identity.max()) + 1
    tables = {}
    if known.n + n_batch < MIN_POPULATION:  # too few to tell a common value: agreements weigh as the model says
        return {c: pa.table({c: pa.array([], batch.schema.field(c).type), f"tf_{c}": pa.array([], pa.float64())})
                for c in columns}
    for col in columns:
        present = frame[col].notna().to_numpy()
        counts = pd.Series(identity[present]).groupby(frame[col].to_numpy()[present]).nunique()
        values = pa.array(counts.index.tolist(), batch.schema.field(col).type)
        held = known.holding(col, values)
        extra = dict(zip(held.column(col).to_pylist(), held.column("n").to_pylist(), strict=True))
        n = counts.to_numpy() + np.array([extra.get(v, 0) for v in counts.index], dtype="int64")
        tf = (n - 1 + profile.tf_smoothing) / (known.n + n_batch)
        tables[col] = pa.table({col: values, f"tf_{col}": pa.array(tf, pa.float64())})
    return tables


def _candidates(entities: pd.DataFrame | EntityRows, right: pa.Table, profile: Any) -> tuple[
        pa.Table, np.ndarray, pa.Table, dict[str, pa.Table], Known]:
    """The entity rows to score (capped), their entities, the capped records, term frequencies, and the known
    entities as they count (for the batch's deduplication too).

    For ``EntityRows`` the counts over all rows come from its ``KeyStats``, so the cost follows the
    chunk's candidates: the rows sharing a blocking key with a record are found on the uncapped keys
    (a capped value is null in the records too, so it pairs nothing either way) and only they are capped.
    """
    columns = blocking_columns(profile.blocking())
    if isinstance(entities, EntityRows):
        entity_ids, left = entities.entity_ids(), entities.prepared(profile.name)
        stats = entities.stats(profile.name)
        if columns is not None and stats is not None:
            common = stop_values([right], profile, known=stats.over, schema=left.schema)
            right_capped = apply_cap(right, common)
            keep = candidate_rows(left, right_capped, columns)
            live = entities.live()
            if live is not None:
                keep = pc.and_(keep, pa.array(live))
            left = apply_cap(left.filter(keep), common)
            left_ids = entity_ids[keep.to_numpy(zero_copy_only=False)]
            only = _only(left, right_capped, profile.tf_columns)
            n = len(stats.entities)
            tf = counted_frequencies({c: stats.holding(c, only[c]) for c in profile.tf_columns}, n,
                                     profile.tf_smoothing)
            return left, left_ids, right_capped, tf, Known(stats.holding, n)
        live = entities.live()
        if live is not None and left is not None:
            left, entity_ids = left.filter(pa.array(live)), entity_ids[live]
    else:
        entity_ids = entities["entity_id"].to_numpy(dtype="int64")
        left = profile.prepare(entities.assign(**{UID: np.arange(len(entities))}))
    whole, left_ids = left, entity_ids
    left, right_capped = cap_block_keys([left, right], profile)
    only = None
    if columns is not None:  # only rows that can be paired are scored (the same pairs, see candidate_rows)
        keep = candidate_rows(left, right_capped, columns)
        left, left_ids = left.filter(keep), entity_ids[keep.to_numpy(zero_copy_only=False)]
        only = _only(left, right_capped, profile.tf_columns)
    tf = term_frequencies(whole, entity_ids, profile.tf_columns, profile.tf_smoothing, only=only)
    return left, left_ids, right_capped, tf, Known(_holding_in(whole, entity_ids), len(np.unique(entity_ids)))


def _holding_in(rows: pa.Table, entity_ids: np.ndarray) -> Callable[[str, pa.Array], pa.Table]:
    """``KeyStats.holding`` over prepared entity ``rows`` (of ``entity_ids``) counted when asked."""
    def holding(col: str, values: pa.Array) -> pa.Table:
        found = pc.is_in(rows.column(col), value_set=values).to_numpy(zero_copy_only=False)
        counts = pd.Series(entity_ids[found]).groupby(rows.column(col).filter(pa.array(found)).to_numpy(
            zero_copy_only=False)).nunique()
        return pa.table({col: pa.array(counts.index.tolist(), values.type),
                         "n": pa.array(counts.to_numpy(), pa.int64())})
    return holding


def _decide(result: pd.DataFrame, best: pd.DataFrame, settings: LinkageSettings, config: dict) -> None:
    """Fill decisions, probabilities, candidates and explanations from each record's best pair."""
    rows = best["record"].to_numpy(dtype="int64")
    probability = best["match_probability"].to_numpy(dtype="float64")
    decision = np.where(probability >= settings.upper, "link", np.where(probability >= settings.lower, "review",
                                                                         "new"))
    margin = (best["match_weight"] - best["runner_up_weight"]).to_numpy(dtype="float64")
    ambiguous = (decision == "link") & (margin < settings.ambiguity_margin)
    decision = np.where(ambiguous, "review", decision)
    result.loc[rows, "probability"] = probability
    result.loc[rows, "decision"] = decision
    candidate = decision != "new"
    result.loc[rows[candidate], "entity_id"] = best["entity_id"].to_numpy()[candidate]
    explained = weights_by_comparison(best[candidate], config)
    if ambiguous.any():  # the reviewer is told which other entity matched as well (two records of one business?)
        weight = best["match_weight"].to_numpy(dtype="float64")[candidate]
        other = best["runner_up_entity"].to_numpy()[candidate]
        other_weight = best["runner_up_weight"].to_numpy(dtype="float64")[candidate]
        for item, close, w, entity, ow in zip(explained, ambiguous[candidate], weight, other, other_weight,
                                              strict=True):
            if close and not pd.isna(entity):
                item[RUNNER_UP] = {"entity_id": int(entity), "weight": round(float(ow), 2),
                                   "best_weight": round(float(w), 2)}
    result.loc[rows[candidate], "match_weights"] = pd.Series(explained, index=rows[candidate], dtype="object")


def entity_prior(model: TrainedModel, n_entities: int) -> float:
    """The probability that a record and one of ``n_entities`` known entities match, before comparing them:
    the share of records that match some entity (``match_rate``) spread over the entities."""
    return min(0.5, model.match_rate / max(n_entities, 1))


def prior_weight(prior: float) -> float:
    """The match weight of a prior probability (log2 odds)."""
    return math.log2(prior / (1.0 - prior))
