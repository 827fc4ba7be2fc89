"""Point-in-time graph features per entity: related entities, flagged neighbours by hop, PageRank, cluster size.

Hops are counted on the entity graph: two entities are one hop apart when they share a person, an
address or a phone, or one invests in the other; two hops apart when they are not one hop apart but
share a one-hop neighbour. "Through persons" and "through addresses" use only that kind of link.
Everything is as of a day ``as_of``: edges in force that day, events dated before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .build import NODE_KINDS, GraphInputError, RelationGraph

#: link kinds the hop features are split by: name -> node kinds whose sharing makes two entities related
VIA = {"person": ("person",), "address": ("address",), "any": ("person", "address", "phone")}


@dataclass(frozen=True)
class FeatureSettings:
    """Parameters of the graph features."""

    #: look-back windows for flagged neighbours, in months
    windows: tuple[int, ...] = (12, 36)
    #: a person/address/phone shared by more entities than this (a business centre, a filing agent) is
    #: left out of hop counts and cluster sizes: it would relate every tenant to every other
    hub_limit: int = 500
    damping: float = 0.85
    ppr_tol: float = 1e-9
    ppr_max_iter: int = 100
    #: window of serious events that seed the personalised PageRank, in months
    seed_window: int = 36
    #: rows per block in the two-hop products (bounds memory)
    block: int = 100_000


def feature_names(settings: FeatureSettings | None = None) -> list[str]:
    """Column names ``graph_features`` returns, in order."""
    settings = settings or FeatureSettings()
    names = ["related_entities", "related_entities_hop2"]
    for via in VIA:
        for hop in (1, 2):
            names += [f"flagged_{via}_hop{hop}_{w}m" for w in settings.windows]
    return names + ["ppr_serious", "cluster_size"]


def _check_events(events: pd.DataFrame) -> None:
    missing = [c for c in ("entity_id", "date", "serious") if c not in events]
    if missing:
        raise GraphInputError(f"event frame lacks column(s) {missing}; expected entity_id, date, serious")


def flagged_entities(graph: RelationGraph, events: pd.DataFrame, as_of: date | str | pd.Timestamp,
                     months: int, serious_only: bool = False) -> np.ndarray:
    """0/1 vector over entity indices: a violation or penalty in the ``months`` before ``as_of``."""
    _check_events(events)
    day = pd.Timestamp(as_of)
    when = pd.to_datetime(events["date"])
    keep = (when < day) & (when >= day - pd.DateOffset(months=months))
    if serious_only:
        keep &= events["serious"].astype(bool)
    idx = graph.entity_index(events.loc[keep, "entity_id"].to_numpy(dtype=np.int64))
    out = np.zeros(graph.n_entities, dtype=np.float32)
    out[idx[idx >= 0]] = 1.0
    return out


def _without_hubs(b: sp.csr_matrix, hub_limit: int) -> sp.csr_matrix:
    degree = np.asarray(b.sum(axis=0)).ravel()
    hubs = degree > hub_limit
    if not hubs.any():
        return b
    keep = sp.diags((~hubs).astype(np.float32))
    out = (b @ keep).tocsr()
    out.eliminate_zeros()
    return out


def entity_links(graph: RelationGraph, via: str, mask: np.ndarray, hub_limit: int) -> sp.csr_matrix:
    """Entity x entity 0/1 matrix of one-hop relations through ``via`` (no diagonal)."""
    b = _without_hubs(graph.bipartite(VIA[via], mask=mask), hub_limit)
    h = (b @ b.T).tocsr()
    if via == "any":
        inv = mask & (graph.node_kind[graph.dst] == 0)
        n = graph.n_entities
        i = sp.coo_matrix((np.ones(int(inv.sum()), np.float32), (graph.src[inv], graph.dst[inv])),
                          shape=(n, n)).tocsr()
        h = (h + i + i.T).tocsr()
    h.setdiag(0)
    h.eliminate_zeros()
    h.data[:] = 1.0
    return h


def hop_counts(h: sp.csr_matrix, flags: np.ndarray, block: int) -> tuple[np.ndarray, np.ndarray]:
    """Distinct entities at exactly one and exactly two hops, weighted by ``flags`` (columns = windows).

    ``flags`` is entities x k (0/1). Two-hop sets are found block by block among flagged entities only,
    so memory stays bounded by the flagged neighbourhoods of one block.
    """
    hop1 = np.asarray(h @ flags)
    flagged = np.flatnonzero(flags.any(axis=1))
    hop2 = np.zeros_like(hop1)
    if not len(flagged):
        return hop1, hop2
    hf = h[:, flagged].tocsr()
    weights = flags[flagged]
    for start in range(0, h.shape[0], block):
        stop = min(start + block, h.shape[0])
        reach = (h[start:stop] @ hf + hf[start:stop]).tocoo()
        not_self = flagged[reach.col] != reach.row + start
        rows, cols = reach.row[not_self], reach.col[not_self]
        within2 = np.zeros((stop - start, flags.shape[1]))
        for k in range(flags.shape[1]):
            within2[:, k] = np.bincount(rows, weights=weights[cols, k], minlength=stop - start)
        hop2[start:stop] = within2 - hop1[start:stop]
    return hop1, hop2


def personalised_pagerank(adjacency: sp.csr_matrix, seeds: np.ndarray, damping: float = 0.85,
                          tol: float = 1e-9, max_iter: int = 100) -> np.ndarray:
    """PageRank restarting at ``seeds`` (a non-negative vector over nodes), by sparse power iteration.

    Dangling nodes send their mass back to the seeds. Returns zeros when there is no seed.
    """
    total = seeds.sum()
    if total <= 0:
        return np.zeros(adjacency.shape[0])
    restart = seeds / total
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    inv = np.divide(1.0, degree, out=np.zeros_like(degree, dtype=np.float64), where=degree > 0)
    walk = adjacency.T.tocsr()
    dangling = degree == 0
    x = restart.astype(np.float64)
    for _ in range(max_iter):
        spread = walk @ (x * inv)
        new = damping * (spread + x[dangling].sum() * restart) + (1 - damping) * restart
        if np.abs(new - x).sum() < tol:
            return new
        x = new
    return x


def cluster_sizes(graph: RelationGraph, mask: np.ndarray, hub_limit: int) -> np.ndarray:
    """Entities in each entity's connected component (hubs left out); 1 for an unrelated entity."""
    b = _without_hubs(graph.bipartite(NODE_KINDS[1:], mask=mask), hub_limit)
    inv = mask & (graph.node_kind[graph.dst] == 0)
    n = graph.n_entities
    adj = sp.bmat([[sp.coo_matrix((np.ones(int(inv.sum()), np.float32), (graph.src[inv], graph.dst[inv])),
                                  shape=(n, n)), b[:, n:]],
                   [None, sp.csr_matrix((graph.n_nodes - n, graph.n_nodes - n), dtype=np.float32)]]).tocsr()
    _, labels = connected_components(adj, directed=False)
    entity_labels = labels[:n]
    counts = np.bincount(entity_labels, minlength=labels.max() + 1 if len(labels) else 0)
    return counts[entity_labels]


def graph_features(graph: RelationGraph, events: pd.DataFrame, as_of: date | str | pd.Timestamp,
                   settings: FeatureSettings | None = None) -> pd.DataFrame:
    """Graph features of every entity as of ``as_of``, indexed by ``entity_id`` (columns: ``feature_names``).

    ``events`` holds one row per violation or penalty: ``entity_id``, ``date``, ``serious`` (bool). Only
    events dated before ``as_of`` and edges in force on ``as_of`` count.
    """
    settings = settings or FeatureSettings()
    _check_events(events)
    mask = graph.active_edges(as_of)
    flags = np.column_stack([flagged_entities(graph, events, as_of, w) for w in settings.windows])
    out: dict[str, np.ndarray] = {}
    for via in VIA:
        h = entity_links(graph, via, mask, settings.hub_limit)
        if via == "any":
            ones = np.ones((graph.n_entities, 1), dtype=np.float32)
            total1, total2 = hop_counts(h, ones, settings.block)
            out["related_entities"], out["related_entities_hop2"] = total1[:, 0], total2[:, 0]
        hop1, hop2 = hop_counts(h, flags, settings.block)
        for hop, counts in ((1, hop1), (2, hop2)):
            for k, w in enumerate(settings.windows):
                out[f"flagged_{via}_hop{hop}_{w}m"] = counts[:, k]
        del h
    seeds = np.zeros(graph.n_nodes)
    seeds[: graph.n_entities] = flagged_entities(graph, events, as_of, settings.seed_window, serious_only=True)
    ppr = personalised_pagerank(graph.adjacency(mask=mask), seeds, settings.damping, settings.ppr_tol,
                                settings.ppr_max_iter)
    # scaled so that 1.0 is what every node would get from a uniform restart
    out["ppr_serious"] = ppr[: graph.n_entities] * graph.n_nodes
    out["cluster_size"] = cluster_sizes(graph, mask, settings.hub_limit)
    frame = pd.DataFrame(out, index=pd.Index(graph.entity_ids, name="entity_id"))
    ints = [c for c in frame.columns if c != "ppr_serious"]
    frame[ints] = frame[ints].round().astype(np.int64)
    return frame[feature_names(settings)]
