"""Risk clusters: communities of related entities, scored by their members' risk, with why they are related.

Connected components of the entity graph (hubs left out) are the clusters; a component larger than
``max_size`` is split with Louvain (networkx, seeded) when it is small enough for that to be quick, and
with label propagation otherwise (Louvain costs minutes per million edges in pure Python).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .build import NODE_KINDS, RELATIONS, RelationGraph
from .features import _without_hubs


@dataclass(frozen=True)
class ClusterSettings:
    """Parameters of the clustering."""

    min_size: int = 2
    max_size: int = 40
    hub_limit: int = 500
    #: components with more links than this are split by label propagation instead of Louvain
    louvain_max_edges: int = 200_000
    seed: int = 7


def _weighted_links(graph: RelationGraph, mask: np.ndarray, hub_limit: int) -> sp.csr_matrix:
    """Entity x entity weights: number of shared persons, addresses and phones, plus investments."""
    b = _without_hubs(graph.bipartite(NODE_KINDS[1:], mask=mask), hub_limit)
    w = (b @ b.T).tocsr()
    inv = mask & (graph.node_kind[graph.dst] == 0)
    n = graph.n_entities
    i = sp.coo_matrix((np.ones(int(inv.sum()), np.float32), (graph.src[inv], graph.dst[inv])), shape=(n, n))
    w = (w + i + i.T).tocsr()
    w.setdiag(0)
    w.eliminate_zeros()
    return w


def _split(w: sp.csr_matrix, members: np.ndarray, settings: ClusterSettings) -> list[np.ndarray]:
    sub = w[members][:, members].tocoo()
    g = nx.Graph()
    g.add_nodes_from(range(len(members)))
    g.add_weighted_edges_from(zip(sub.row.tolist(), sub.col.tolist(), sub.data.tolist(), strict=True))
    if sub.nnz // 2 <= settings.louvain_max_edges:
        parts = nx.community.louvain_communities(g, weight="weight", seed=settings.seed)
    else:
        parts = nx.community.label_propagation_communities(g)
    return [members[np.fromiter(sorted(p), dtype=np.int64)] for p in parts]


def find_clusters(graph: RelationGraph, as_of: date | str | pd.Timestamp | None = None,
                  settings: ClusterSettings | None = None) -> pd.DataFrame:
    """Cluster membership: one row per clustered entity, ``entity_id`` and ``cluster`` (0, 1, ...).

    Clusters are numbered largest first; entities in no cluster of ``min_size`` or more are left out.
    """
    settings = settings or ClusterSettings()
    mask = graph.active_edges(as_of)
    w = _weighted_links(graph, mask, settings.hub_limit)
    _, labels = connected_components(w, directed=False)
    sizes = np.bincount(labels)
    groups: list[np.ndarray] = []
    order = np.argsort(labels, kind="stable")
    bounds = np.cumsum(sizes)[:-1]
    for members in np.split(order, bounds):
        if len(members) < settings.min_size:
            continue
        if len(members) > settings.max_size:
            groups.extend(p for p in _split(w, members, settings) if len(p) >= settings.min_size)
        else:
            groups.append(members)
    groups.sort(key=lambda m: (-len(m), int(m.min())))
    if not groups:
        return pd.DataFrame({"entity_id": pd.Series(dtype=np.int64), "cluster": pd.Series(dtype=np.int64)})
    cluster = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    members = np.concatenate(groups)
    return pd.DataFrame({"entity_id": graph.entity_ids[members], "cluster": cluster})


def explain_clusters(graph: RelationGraph, membership: pd.DataFrame,
                     as_of: date | str | pd.Timestamp | None = None) -> pd.DataFrame:
    """Why each cluster hangs together: the persons, addresses, phones and investors it shares.

    One row per (cluster, shared node): ``cluster``, ``kind`` (``shared_person``, ``shared_address``,
    ``shared_phone``, ``investment``, ``branch``: then ``ref`` is the investor or the branch),
    ``node_kind``, ``ref`` (the node's id), ``relations`` (sorted
    relation names), ``members`` (cluster members linked to it); most-shared first within a cluster.
    """
    mask = graph.active_edges(as_of)
    cluster_of = np.full(graph.n_entities, -1)
    idx = graph.entity_index(membership["entity_id"].to_numpy())
    cluster_of[idx] = membership["cluster"].to_numpy()
    edges = pd.DataFrame({"cluster": cluster_of[graph.src[mask]], "src": graph.src[mask],
                          "node": graph.dst[mask], "relation": graph.relation[mask]})
    edges = edges[edges["cluster"] >= 0]
    investee = graph.node_kind[edges["node"].to_numpy()] == 0
    # an investment or a branch joins two members: explain it by the investor or the branch
    inv = edges[investee]
    edges = edges[~investee]
    shared = (edges.groupby(["cluster", "node"])
              .agg(members=("src", "nunique"), relations=("relation", lambda r: sorted({RELATIONS[x] for x in r})))
              .reset_index())
    shared = shared[shared["members"] >= 2]
    kinds = np.asarray(NODE_KINDS, dtype=object)
    shared["node_kind"] = kinds[graph.node_kind[shared["node"].to_numpy()]]
    shared["kind"] = "shared_" + shared["node_kind"]
    inv_rows = (inv.groupby(["cluster", "src", "relation"]).size().rename("members").reset_index()
                .rename(columns={"src": "node"}))
    inv_rows["members"] += 1
    inv_rows["kind"] = [RELATIONS[r] for r in inv_rows["relation"]]
    inv_rows["relations"] = [[k] for k in inv_rows["kind"]]
    inv_rows["node_kind"] = "entity"
    inv_rows = inv_rows.drop(columns="relation")
    out = pd.concat([shared, inv_rows], ignore_index=True)
    out["ref"] = graph.node_ref[out["node"].to_numpy(dtype=np.int64)] if len(out) else pd.Series(dtype=np.int64)
    out = out.sort_values(["cluster", "members", "kind", "ref"], ascending=[True, False, True, True])
    return out[["cluster", "kind", "node_kind", "ref", "relations", "members"]].reset_index(drop=True)


def score_clusters(membership: pd.DataFrame, risk: pd.Series) -> pd.DataFrame:
    """Score each cluster by its members' risk (``risk``: probability per entity id, missing = 0).

    ``score`` is the mean of the members' risk plus a bonus for several high-risk members together:
    mean + 0.5 * share of members at 0.5 or above. Returns ``cluster``, ``size``, ``score``,
    ``mean_risk``, ``max_risk``, ``high_risk`` (members at 0.5 or above), highest score first.
    """
    p = membership["entity_id"].map(risk).fillna(0.0).astype(float)
    frame = membership.assign(p=p.to_numpy(), high=(p >= 0.5).to_numpy())
    out = frame.groupby("cluster").agg(size=("entity_id", "size"), mean_risk=("p", "mean"),
                                       max_risk=("p", "max"), high_risk=("high", "sum")).reset_index()
    out["score"] = out["mean_risk"] + 0.5 * out["high_risk"] / out["size"]
    return out.sort_values(["score", "size"], ascending=[False, False]).reset_index(drop=True)
