"""Clustering scored pairs into entities without chaining: average linkage over connected components.

Connected components of the pairs above a threshold chain: one wrong pair joins two people's clusters,
and on historical_50k precision falls to 0.88 at 0.9. Here clusters start as the components of nearly
certain pairs and are merged, round by round, only with their mutual best neighbour and only when the
mean match probability over *all* record pairs between the two (unscored pairs count as 0) reaches
``cut``: a single bridge between two large groups is not enough.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def _components(left: np.ndarray, right: np.ndarray, n: int) -> np.ndarray:
    graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def average_linkage(left: np.ndarray, right: np.ndarray, probability: np.ndarray, n: int, *,
                    start: float = 0.999, cut: float = 0.1, rounds: int = 50) -> np.ndarray:
    """Cluster label of each of ``n`` records from scored pairs (``left[i]``, ``right[i]``, ``probability[i]``)."""
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    probability = np.asarray(probability, dtype=np.float64)
    sure = probability >= start
    labels = _components(left[sure], right[sure], n)
    for _ in range(rounds):
        size = np.bincount(labels)
        a, b = labels[left], labels[right]
        between = a != b
        if not between.any():
            break
        links = pd.DataFrame({"a": np.minimum(a, b)[between], "b": np.maximum(a, b)[between],
                              "p": probability[between]}).groupby(["a", "b"], as_index=False)["p"].sum()
        links["score"] = links["p"] / (size[links["a"]] * size[links["b"]])
        links = links[links["score"] >= cut]
        if links.empty:
            break
        both_ways = pd.concat([links[["a", "b", "score"]],
                               links.rename(columns={"a": "b", "b": "a"})[["a", "b", "score"]]])
        best = both_ways.sort_values("score", ascending=False, kind="stable").drop_duplicates("a").set_index("a")["b"]
        mutual = (best.reindex(links["a"]).to_numpy() == links["b"].to_numpy()) & \
                 (best.reindex(links["b"]).to_numpy() == links["a"].to_numpy())
        merge = links[mutual]
        if merge.empty:
            break
        k = int(labels.max()) + 1
        labels = _components(merge["a"].to_numpy(), merge["b"].to_numpy(), k)[labels]
    _, labels = np.unique(labels, return_inverse=True)
    return labels
