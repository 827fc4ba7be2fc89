"""The relationship graph as index arrays: entity, person, address and phone nodes and dated edges.

Kept as NumPy arrays and SciPy sparse matrices rather than a networkx object: at a million entities a
networkx graph costs seconds and gigabytes to build, while every feature here is a sparse product.
``RelationGraph.to_networkx`` gives the networkx form (for small neighbourhoods, or a networkx backend).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

#: node kinds, in index order (entities first)
NODE_KINDS = ("entity", "person", "address", "phone")
#: relations an edge may carry; the first five join an entity to a person
RELATIONS = ("legal_representative", "shareholder", "director", "manager", "supervisor", "owner",
             "investment", "branch", "registered_address", "operating_address", "phone")
EDGE_COLUMNS = ("entity_id", "target_kind", "target_id", "relation", "share", "start", "end")
_REL_CODE = {name: i for i, name in enumerate(RELATIONS)}
_NAT = np.datetime64("NaT", "D")


class GraphInputError(ValueError):
    """The edge or entity frame does not have the shape the graph needs."""


def _day(value: date | str | pd.Timestamp) -> np.datetime64:
    return np.datetime64(pd.Timestamp(value).date(), "D")


def _dates(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.full(len(frame), _NAT)
    return pd.to_datetime(frame[column], errors="raise").to_numpy(dtype="datetime64[D]")


def _check_edges(edges: pd.DataFrame) -> None:
    missing = [c for c in ("entity_id", "target_kind", "target_id", "relation") if c not in edges]
    if missing:
        raise GraphInputError(f"edge frame lacks column(s) {missing}; expected {list(EDGE_COLUMNS)}")
    bad_kind = ~edges["target_kind"].isin(NODE_KINDS)
    if bad_kind.any():
        row = int(np.flatnonzero(bad_kind.to_numpy())[0])
        raise GraphInputError(f"edge row {row}: column target_kind has {edges['target_kind'].iloc[row]!r}; "
                              f"expected one of {NODE_KINDS}")
    bad_rel = ~edges["relation"].isin(RELATIONS)
    if bad_rel.any():
        row = int(np.flatnonzero(bad_rel.to_numpy())[0])
        raise GraphInputError(f"edge row {row}: column relation has {edges['relation'].iloc[row]!r}; "
                              f"expected one of {RELATIONS}")
    for column in ("entity_id", "target_id"):
        nulls = edges[column].isna()
        if nulls.any():
            row = int(np.flatnonzero(nulls.to_numpy())[0])
            raise GraphInputError(f"edge row {row}: column {column} is empty")


@dataclass
class RelationGraph:
    """Nodes (entities first, then persons, addresses, phones) and undirected dated edges between them.

    ``node_kind[i]`` indexes ``NODE_KINDS``; ``node_ref[i]`` is the node's id in its own table. Edges join
    ``src`` (always an entity) to ``dst``; ``start``/``end`` are NaT when open.
    """

    node_kind: np.ndarray
    node_ref: np.ndarray
    entity_registered: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    relation: np.ndarray
    share: np.ndarray
    start: np.ndarray
    end: np.ndarray

    @property
    def n_nodes(self) -> int:
        return len(self.node_kind)

    @property
    def n_entities(self) -> int:
        return int((self.node_kind == 0).sum())

    @property
    def entity_ids(self) -> np.ndarray:
        return self.node_ref[: self.n_entities]

    def entity_index(self, entity_ids: np.ndarray | list[int]) -> np.ndarray:
        """Node indices of entity ids (entities are sorted by id); -1 for unknown ids."""
        ids = self.entity_ids
        wanted = np.asarray(entity_ids, dtype=np.int64)
        pos = np.searchsorted(ids, wanted)
        pos = np.minimum(pos, max(len(ids) - 1, 0))
        return np.where((len(ids) > 0) & (ids[pos] == wanted), pos, -1)

    def active_edges(self, as_of: date | str | pd.Timestamp | None) -> np.ndarray:
        """Mask of edges in force on ``as_of``: begun before that day and not ended before it.

        An entity registered on or after ``as_of`` did not exist yet: its edges are out too.
        """
        if as_of is None:
            return np.ones(len(self.src), dtype=bool)
        day = _day(as_of)
        began = np.isnat(self.start) | (self.start < day)
        running = np.isnat(self.end) | (self.end >= day)
        node_registered = np.full(self.n_nodes, _NAT)
        node_registered[: self.n_entities] = self.entity_registered
        existed = np.ones(len(self.src), dtype=bool)
        for end_point in (self.src, self.dst):
            registered = node_registered[end_point]
            existed &= np.isnat(registered) | (registered < day)
        return began & running & existed

    def adjacency(self, as_of: date | str | pd.Timestamp | None = None,
                  mask: np.ndarray | None = None) -> sp.csr_matrix:
        """Symmetric 0/1 node adjacency of the edges in force (parallel edges count once)."""
        keep = self.active_edges(as_of) if mask is None else mask
        s, d = self.src[keep], self.dst[keep]
        n = self.n_nodes
        a = sp.coo_matrix((np.ones(2 * len(s), dtype=np.float32), (np.r_[s, d], np.r_[d, s])), shape=(n, n))
        a = a.tocsr()
        a.data[:] = 1.0
        return a

    def bipartite(self, kinds: tuple[str, ...], as_of: date | str | pd.Timestamp | None = None,
                  mask: np.ndarray | None = None) -> sp.csr_matrix:
        """Entity x node 0/1 incidence for edges to nodes of ``kinds`` in force on ``as_of``."""
        keep = self.active_edges(as_of) if mask is None else mask.copy()
        codes = [NODE_KINDS.index(k) for k in kinds]
        keep &= np.isin(self.node_kind[self.dst], codes)
        b = sp.coo_matrix((np.ones(int(keep.sum()), dtype=np.float32), (self.src[keep], self.dst[keep])),
                          shape=(self.n_entities, self.n_nodes)).tocsr()
        b.data[:] = 1.0
        return b

    def to_networkx(self, as_of: date | str | pd.Timestamp | None = None,
                    nodes: np.ndarray | None = None) -> nx.MultiGraph:
        """The graph (or the part spanned by node indices ``nodes``) as a networkx MultiGraph.

        Nodes are named ``"<kind>:<id>"`` with ``kind`` and ``ref`` attributes; each edge carries its
        ``relation``, ``share``, ``start`` and ``end``.
        """
        keep = self.active_edges(as_of)
        if nodes is not None:
            inside = np.zeros(self.n_nodes, dtype=bool)
            inside[nodes] = True
            keep &= inside[self.src] & inside[self.dst]
            chosen = np.asarray(nodes)
        else:
            chosen = np.arange(self.n_nodes)
        graph = nx.MultiGraph()
        names = self.node_names()
        graph.add_nodes_from((names[i], {"kind": NODE_KINDS[self.node_kind[i]], "ref": int(self.node_ref[i])})
                             for i in chosen)
        for e in np.flatnonzero(keep):
            graph.add_edge(names[self.src[e]], names[self.dst[e]], relation=RELATIONS[self.relation[e]],
                           share=None if np.isnan(self.share[e]) else float(self.share[e]),
                           start=None if np.isnat(self.start[e]) else str(self.start[e]),
                           end=None if np.isnat(self.end[e]) else str(self.end[e]))
        return graph

    def node_names(self) -> np.ndarray:
        """``"<kind>:<id>"`` for every node."""
        kinds = np.asarray(NODE_KINDS, dtype=object)[self.node_kind]
        return np.char.add(np.char.add(kinds.astype(str), ":"), self.node_ref.astype(str))


def build_graph(entities: pd.DataFrame, edges: pd.DataFrame) -> RelationGraph:
    """Build the graph from an entity frame and an edge frame.

    Parameters
    ----------
    entities
        ``entity_id`` (int) and optionally ``registration_date``: every entity becomes a node, related or not.
    edges
        One row per relation, columns ``EDGE_COLUMNS``: ``entity_id``; ``target_kind`` (``person``,
        ``address``, ``phone`` or ``entity`` for an investee or a branch's parent); ``target_id``; ``relation`` (one of
        ``RELATIONS``); optional ``share``, ``start``, ``end`` (dates, empty when open).

    Edges naming an entity absent from ``entities`` raise ``GraphInputError`` with the row.
    """
    if "entity_id" not in entities:
        raise GraphInputError("entity frame lacks column entity_id")
    _check_edges(edges)
    order = np.argsort(entities["entity_id"].to_numpy(dtype=np.int64), kind="stable")
    entity_ids = entities["entity_id"].to_numpy(dtype=np.int64)[order]
    if len(entity_ids) and (np.diff(entity_ids) == 0).any():
        raise GraphInputError("entity frame: entity_id has duplicates")
    registered = _dates(entities, "registration_date")[order]

    kind = edges["target_kind"].to_numpy()
    target = edges["target_id"].to_numpy(dtype=np.int64)
    node_kind = [np.zeros(len(entity_ids), dtype=np.int8)]
    node_ref = [entity_ids]
    dst = np.empty(len(edges), dtype=np.int64)
    offset = len(entity_ids)

    def entity_pos(ids: np.ndarray, column: str) -> np.ndarray:
        pos = np.searchsorted(entity_ids, ids)
        pos_c = np.minimum(pos, max(len(entity_ids) - 1, 0))
        bad = (len(entity_ids) == 0) | (entity_ids[pos_c] != ids) if len(ids) else np.zeros(0, bool)
        if np.any(bad):
            rows = np.flatnonzero(bad)
            raise GraphInputError(f"edge frame: column {column} names entity {int(ids[rows[0]])} "
                                  f"which is not in the entity frame")
        return pos_c

    src = entity_pos(edges["entity_id"].to_numpy(dtype=np.int64), "entity_id")
    is_entity = kind == "entity"
    dst[is_entity] = entity_pos(target[is_entity], "target_id")
    for code, name in enumerate(NODE_KINDS[1:], start=1):
        rows = kind == name
        refs, inverse = np.unique(target[rows], return_inverse=True)
        dst[rows] = offset + inverse
        node_kind.append(np.full(len(refs), code, dtype=np.int8))
        node_ref.append(refs)
        offset += len(refs)
    share = (pd.to_numeric(edges["share"], errors="coerce").to_numpy(dtype=np.float64)
             if "share" in edges else np.full(len(edges), np.nan))
    return RelationGraph(
        node_kind=np.concatenate(node_kind), node_ref=np.concatenate(node_ref), entity_registered=registered,
        src=src.astype(np.int64), dst=dst, relation=edges["relation"].map(_REL_CODE).to_numpy(dtype=np.int8),
        share=share, start=_dates(edges, "start"), end=_dates(edges, "end"))
