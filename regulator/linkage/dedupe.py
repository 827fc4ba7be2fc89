"""Within-batch deduplication: the unlinked records of one batch that are the same new entity share a group."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .engine import cap_block_keys, score_pairs
from .model import TrainedModel, settings_dict
from .profiles import UID, Profile

if TYPE_CHECKING:
    from .matching import LinkageSettings

log = logging.getLogger(__name__)


def connected_groups(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label (0..k-1) of each of ``n`` nodes joined by the edges ``left[i]``-``right[i]``."""
    if n == 0:
        return np.zeros(0, dtype="int64")
    graph = coo_matrix((np.ones(len(left), dtype="int8"), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    return labels.astype("int64")


def group_new_records(prepared: pa.Table, rids: np.ndarray, profile: Profile, model: TrainedModel,
                      settings: LinkageSettings, tf_tables: dict[str, pa.Table] | None = None) -> np.ndarray:
    """Group label of each unlinked record: the smallest rid of the records judged the same new entity.

    Pairs at or above ``settings.upper`` join a group (connected components). The prior is set from
    ``settings.dedupe_rate``: the expected number of other rows of one new entity in the batch. ``tf_tables``:
    the term frequencies to weigh agreements by (``matching.batch_frequencies``; else Splink counts the rows).
    """
    n = prepared.num_rows
    if n < 2:
        return np.asarray(rids, dtype="int64")
    table = prepared.set_column(prepared.schema.get_field_index(UID), UID, pa.array(np.arange(n), pa.int64()))
    (table,) = cap_block_keys([table], profile)
    prior = min(0.5, settings.dedupe_rate / (n - 1))
    pairs = score_pairs([table], settings_dict(profile, "dedupe_only", model=model, prior=prior),
                        threshold=settings.upper, tf_tables=tf_tables)
    labels = connected_groups(n, pairs["uid_l"].to_numpy(dtype="int64"), pairs["uid_r"].to_numpy(dtype="int64"))
    smallest = pd.Series(np.asarray(rids, dtype="int64")).groupby(labels).transform("min").to_numpy()
    log.debug("deduplicated %d unlinked records into %d groups", n, len(np.unique(labels)))
    return smallest
