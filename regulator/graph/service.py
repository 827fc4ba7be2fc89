"""The relationship graph kept current: full builds, feature frames for the risk model, stored risk clusters.

``graph_feature_frame(as_of)`` is what the risk model joins: one row per live entity, the columns of
``risk.graph.feature_names()``, computed from the records as they stood on ``as_of``. Risk clusters are
stored as ``RiskCluster``/``ClusterMember`` rows under a build id; ``records_changed`` re-clusters the
touched entities' components within the latest build. Functions flush, never commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd
from flask import has_app_context
from sqlalchemy import delete, func, insert, or_, select, update

from models import (
    Address,
    CampaignSelection,
    ClusterMember,
    EntityAddress,
    EntityPhone,
    EntityRole,
    InspectionTask,
    Investment,
    MarketEntity,
    Person,
    Phone,
    RiskCluster,
)
from risk.graph import (
    RelationGraph,
    build_graph,
    explain_clusters,
    find_clusters,
    graph_features,
    score_clusters,
)

from ..extensions import db
from ..privacy import mask_name
from ..services import credit as _credit  # noqa: F401 - its records_changed receiver connects (and runs) first
from ..services.working_days import local_day
from ..signals import records_changed
from . import frames

log = logging.getLogger(__name__)
#: risk of a member without a model probability, by credit class
CLASS_RISK = {"A": 0.05, "B": 0.15, "C": 0.45, "D": 0.8}
REASONS_KEPT = 8
#: appended to the build id of a superseded cluster kept because a campaign refers to it
KEPT_SUFFIX = ":kept"
#: largest neighbourhood re-clustered on a change; beyond it the next full `graph clusters` catches up
LOCAL_LIMIT = 20_000
Progress = Callable[[str], Any]


@dataclass
class GraphData:
    """The frames read from the database and the graph built from them."""

    entities: pd.DataFrame
    edges: pd.DataFrame
    events: pd.DataFrame
    graph: RelationGraph
    timings: dict[str, float] = field(default_factory=dict)


def load_graph(entity_ids: Iterable[int] | None = None, progress: Progress | None = None) -> GraphData:
    """Read entities, relations and events (all, or those of ``entity_ids``) and build the graph."""
    step = progress or (lambda _name: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    step("entities")
    entities = frames.load_entities(entity_ids)
    step("relations")
    edges = frames.load_edges(entity_ids, live=set(entities["entity_id"].tolist()))
    step("events")
    events = frames.load_events(entity_ids)
    timings["load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    step("graph")
    graph = build_graph(entities, edges)
    timings["build_s"] = time.perf_counter() - started
    return GraphData(entities, edges, events, graph, timings)


def graph_feature_frame(as_of: date | str | pd.Timestamp, data: GraphData | None = None) -> pd.DataFrame:
    """Graph features of every live entity as of ``as_of`` (index ``entity_id``; ``risk.graph.feature_names()``).

    Point-in-time: relations in force on ``as_of`` and events dated before it. Pass ``data`` (from
    ``load_graph``) to compute several days from one read of the database.
    """
    data = data or load_graph()
    return graph_features(data.graph, data.events, as_of)


def entity_risk(entity_ids: Iterable[int] | None = None, events: pd.DataFrame | None = None,
                as_of: date | None = None) -> pd.Series:
    """Each entity's risk: the higher of the active model's probability and a figure for its credit class.

    The class carries what the probability (the chance a visit finds a serious violation) leaves out: the
    serious-illegal and abnormal-operations lists, penalties. On the demo a nest of 21 companies sharing an
    address, a phone and their managers, 17 of them class D, scored 0.01 (their probabilities) and came last.
    Entities with neither (before the first credit run) get a figure from ``events`` when given: 0.45
    with a serious event in the 36 months before ``as_of``, 0.15 with any, else nothing (0).
    """
    ids = None if entity_ids is None else sorted(set(entity_ids))
    stmt = select(MarketEntity.id, MarketEntity.credit_class).where(MarketEntity.credit_class.is_not(None))
    rows: list[tuple] = []
    for chunk in frames._chunks(ids):
        rows.extend(db.session.execute(stmt if chunk is None else stmt.where(MarketEntity.id.in_(chunk))).all())
    by_class = pd.Series({int(e): CLASS_RISK[str(c)] for e, c in rows}, dtype=float)
    probabilities, _model = _credit.load_probabilities(ids)
    risk = pd.concat([probabilities, by_class], axis=1).max(axis=1).astype(float)
    if events is not None and len(events):
        day = pd.Timestamp(as_of or local_day())
        recent = events[(events["date"] < day) & (events["date"] >= day - pd.DateOffset(months=36))]
        from_events = recent.groupby("entity_id")["serious"].any().map({True: 0.45, False: 0.15})
        risk = risk.combine_first(from_events.astype(float))
    return risk


def _labels(why: pd.DataFrame) -> dict[tuple[str, int], str]:
    """Display labels of the shared nodes: masked names (stored reasons never hold personal data)."""
    labels: dict[tuple[str, int], str] = {}
    for node_kind, model, column in (("person", Person, Person.name), ("address", Address, Address.text),
                                     ("phone", Phone, Phone.masked), ("entity", MarketEntity, MarketEntity.name)):
        refs = sorted({int(r) for r in why.loc[why["node_kind"] == node_kind, "ref"]})
        for chunk in frames._chunks(refs):
            for ref, text in db.session.execute(select(model.id, column).where(model.id.in_(chunk))).all():
                labels[(node_kind, int(ref))] = mask_name(text) if node_kind == "person" else text
    return labels


def _store(data: GraphData, membership: pd.DataFrame, build: str, as_of: date) -> int:
    """Score, explain and insert the clusters of ``membership``; returns how many were written."""
    if membership.empty:
        return 0
    risk = entity_risk(membership["entity_id"].tolist(), data.events, as_of)
    scores = score_clusters(membership, risk)
    why = explain_clusters(data.graph, membership, as_of)
    labels = _labels(why)
    reasons: dict[int, list[dict[str, Any]]] = {}
    for r in why.groupby("cluster").head(REASONS_KEPT).to_dict("records"):
        reasons.setdefault(int(r["cluster"]), []).append({
            "kind": r["kind"], "ref": int(r["ref"]), "label": labels.get((r["node_kind"], int(r["ref"])), ""),
            "count": int(r["members"]), "relations": list(r["relations"])})
    links: dict[int, dict[str, int]] = {}
    for (cluster_no, kind), n in why.groupby(["cluster", "kind"]).size().items():
        links.setdefault(int(cluster_no), {})[str(kind)] = int(n)
    now = datetime.now(UTC)
    rows: dict[int, RiskCluster] = {}
    for row in scores.to_dict("records"):
        c = int(row["cluster"])
        rows[c] = RiskCluster(
            build=build, size=int(row["size"]), score=float(row["score"]), created_at=now,
            reasons=reasons.get(c, []),
            stats={"mean_risk": round(float(row["mean_risk"]), 4), "max_risk": round(float(row["max_risk"]), 4),
                   "high_risk": int(row["high_risk"]), "as_of": as_of.isoformat(), "links": links.get(c, {})})
    db.session.add_all(rows.values())
    db.session.flush()  # one batched INSERT ... RETURNING for all of them
    ids = {c: cluster.id for c, cluster in rows.items()}
    members = [{"cluster_id": ids[int(c)], "entity_id": int(e)}
               for e, c in zip(membership["entity_id"], membership["cluster"], strict=True)]
    for start in range(0, len(members), 10_000):
        db.session.execute(insert(ClusterMember.__table__), members[start:start + 10_000])
    return len(ids)


def rebuild_clusters(as_of: date | None = None, progress: Progress | None = None,
                     data: GraphData | None = None) -> tuple[str, int]:
    """Find, score and store every risk cluster under a new build id; returns (build id, cluster count)."""
    as_of = as_of or local_day()
    data = data or load_graph(progress=progress)
    if progress:
        progress("clusters")
    membership = find_clusters(data.graph, as_of)
    build = f"{as_of.isoformat()}-{datetime.now(UTC):%H%M%S%f}"
    count = _store(data, membership, build, as_of)
    log.info("graph clusters: build %s, %d clusters of %d entities", build, count, len(membership))
    return build, count


def latest_build() -> str | None:
    """The build id of the most recent cluster build, or None."""
    return db.session.scalar(select(RiskCluster.build).where(RiskCluster.build.not_like(f"%{KEPT_SUFFIX}"))
                             .order_by(RiskCluster.created_at.desc(), RiskCluster.id.desc()).limit(1))


def _neighbours(ids: set[int]) -> set[int]:
    """Entities sharing a person, address or phone with ``ids``, or linked by investment or branch."""
    found: set[int] = set()
    chunks = list(frames._chunks(sorted(ids)))
    for link, column in ((EntityRole, EntityRole.person_id), (EntityAddress, EntityAddress.address_id),
                         (EntityPhone, EntityPhone.phone_id)):
        for chunk in chunks:
            shared = select(column).where(link.entity_id.in_(chunk)).scalar_subquery()
            found.update(db.session.scalars(select(link.entity_id).where(column.in_(shared))))
    for chunk in chunks:
        found.update(db.session.scalars(select(MarketEntity.id).where(
            MarketEntity.address_id.in_(select(MarketEntity.address_id).where(MarketEntity.id.in_(chunk))
                                        .scalar_subquery()))))
        for a, b in db.session.execute(select(Investment.investor_id, Investment.investee_id).where(
                or_(Investment.investor_id.in_(chunk), Investment.investee_id.in_(chunk)))).all():
            found.update((a, b))
        for a, b in db.session.execute(select(MarketEntity.id, MarketEntity.parent_id).where(
                MarketEntity.parent_id.is_not(None),
                or_(MarketEntity.id.in_(chunk), MarketEntity.parent_id.in_(chunk)))).all():
            found.update((a, b))
    return found


def component_of(entity_ids: Iterable[int], limit: int = LOCAL_LIMIT) -> set[int]:
    """The entities connected to ``entity_ids`` (breadth first through the database, up to ``limit``)."""
    seen = {int(i) for i in entity_ids}
    frontier = set(seen)
    while frontier and len(seen) < limit:
        frontier = _neighbours(frontier) - seen
        seen |= frontier
    return seen


def update_clusters(entity_ids: Iterable[int], as_of: date | None = None) -> int:
    """Re-cluster the components of ``entity_ids`` within the latest build; returns clusters written."""
    build = latest_build()
    ids = {int(i) for i in entity_ids}
    if build is None or not ids:
        return 0
    if len(ids) > LOCAL_LIMIT:
        log.warning("graph clusters: %d entities changed at once; run `flask graph clusters` to rebuild", len(ids))
        return 0
    as_of = as_of or local_day()
    component = component_of(ids)
    old: set[int] = set()
    for chunk in frames._chunks(sorted(component)):
        old.update(db.session.scalars(select(ClusterMember.cluster_id).join(RiskCluster).where(
            RiskCluster.build == build, ClusterMember.entity_id.in_(chunk))))
    # a stale cluster may reach beyond the component (records moved): take its members in too
    for chunk in frames._chunks(sorted(old)):
        component.update(db.session.scalars(select(ClusterMember.entity_id).where(ClusterMember.cluster_id.in_(chunk))))
    _retire(old, build)
    data = load_graph(component)
    count = _store(data, find_clusters(data.graph, as_of), build, as_of)
    log.info("graph clusters updated: %d entities, %d clusters replaced by %d", len(component), len(old), count)
    return count


def _retire(cluster_ids: set[int], build: str) -> None:
    """Drop superseded clusters; one a campaign refers to is kept, moved out of the build."""
    for chunk in frames._chunks(sorted(cluster_ids)):
        used = set(db.session.scalars(select(CampaignSelection.cluster_id).where(
            CampaignSelection.cluster_id.in_(chunk))))
        used.update(db.session.scalars(select(InspectionTask.cluster_id).where(InspectionTask.cluster_id.in_(chunk))))
        if used:
            db.session.execute(update(RiskCluster).where(RiskCluster.id.in_(sorted(used)))
                               .values(build=f"{build}{KEPT_SUFFIX}"))
        unused = [c for c in chunk if c not in used]
        db.session.execute(delete(ClusterMember).where(ClusterMember.cluster_id.in_(unused)))
        db.session.execute(delete(RiskCluster).where(RiskCluster.id.in_(unused)))


@records_changed.connect
def _on_records_changed(sender: str, entity_ids: set[int], **_kw: object) -> None:
    """Re-cluster what the change touched, in the sender's transaction (once a build exists)."""
    if not has_app_context():
        log.warning("records_changed outside an application context ignored (%d entities)", len(entity_ids))
        return
    update_clusters(entity_ids)


def summary(data: GraphData) -> dict[str, int]:
    """Node and edge counts by kind, for the CLI and the demo."""
    kinds = pd.Series(data.graph.node_kind).value_counts()
    out = {name: int(kinds.get(i, 0)) for i, name in enumerate(("entities", "persons", "addresses", "phones"))}
    out["edges"] = len(data.edges)
    out["events"] = len(data.events)
    return out


def cluster_counts() -> dict[str, Any]:
    """Clusters and clustered entities of the latest build."""
    build = latest_build()
    if build is None:
        return {"build": None, "clusters": 0, "entities": 0}
    clusters = db.session.scalar(select(func.count(RiskCluster.id)).where(RiskCluster.build == build))
    members = db.session.scalar(select(func.count(ClusterMember.id)).join(RiskCluster)
                                .where(RiskCluster.build == build))
    return {"build": build, "clusters": int(clusters or 0), "entities": int(members or 0)}


def feature_snapshot(as_of: date, data: GraphData) -> pd.DataFrame:
    """The feature frame as of ``as_of`` with ``as_of`` as a column, ready to write as Parquet."""
    frame = graph_feature_frame(as_of, data)
    return frame.assign(as_of=np.datetime64(as_of, "D"))


def riskiest(limit: int = 50, build: str | None = None, offset: int = 0) -> list[RiskCluster]:
    """The highest-scoring clusters of a build (default: the latest)."""
    build = build or latest_build()
    if build is None:
        return []
    return list(db.session.scalars(select(RiskCluster).where(RiskCluster.build == build)
                                   .order_by(RiskCluster.score.desc(), RiskCluster.size.desc(), RiskCluster.id)
                                   .offset(offset).limit(limit)))
