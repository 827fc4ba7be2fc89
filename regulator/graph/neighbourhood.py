"""An entity's relationship neighbourhood to two hops, as the nodes and edges the profile's graph view draws.

Hop 1: the persons, addresses and phones linked to the entity, and the entities it invests in, is
invested by, or is a branch of. Hop 2: the other entities linked to those (a bounded number per shared
node). Personal nodes are masked here, once (regulator.privacy): names and phones in full only for
viewers who may see the personal data of the entity the person or phone is directly linked to.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from flask import url_for
from sqlalchemy import select

from models import Address, EntityAddress, EntityPhone, EntityRole, MarketEntity, Person, Phone, Role

from ..access import EntityAccess, can_see_personal_data, entity_access
from ..extensions import db
from ..privacy import mask_name
from ..services.working_days import local_day
from . import frames
from .labels import graph_label

MAX_PER_NODE = 20
MAX_NODES = 150


def _in_force(edges: pd.DataFrame, day: date) -> pd.DataFrame:
    stamp = pd.Timestamp(day)
    return edges[(edges["start"].isna() | (edges["start"] <= stamp)) & (edges["end"].isna() | (edges["end"] >= stamp))]


def _sharing(kind: str, ids: list[int], exclude: set[int], per_node: int, day: date) -> tuple[pd.DataFrame, bool]:
    """Other entities linked on ``day`` to persons / addresses / phones ``ids``: at most ``per_node`` each; and
    whether some were left out (a business centre's address: the view must not pass 20 of its 500 tenants
    for all of them)."""
    if not ids:
        return pd.DataFrame(columns=list(frames.EDGE_COLUMNS)), False
    rows: list[tuple] = []
    limit = per_node * len(ids) * 4
    if kind == "person":
        stmt = select(EntityRole.entity_id, EntityRole.person_id, EntityRole.role, EntityRole.share,
                      EntityRole.start_date, EntityRole.end_date).where(EntityRole.person_id.in_(ids))
        rows = [(e, "person", p, str(r.value if hasattr(r, "value") else r), s, a, b)
                for e, p, r, s, a, b in db.session.execute(stmt.limit(limit)).all()]
    elif kind == "address":
        stmt = select(EntityAddress.entity_id, EntityAddress.address_id, EntityAddress.kind, EntityAddress.since
                      ).where(EntityAddress.address_id.in_(ids))
        rows = [(e, "address", a, f"{k.value if hasattr(k, 'value') else k}_address", None, s, None)
                for e, a, k, s in db.session.execute(stmt.limit(limit)).all()]
        stmt2 = select(MarketEntity.id, MarketEntity.address_id).where(
            MarketEntity.address_id.in_(ids), MarketEntity.merged_into_id.is_(None))
        rows += [(e, "address", a, "registered_address", None, None, None)
                 for e, a in db.session.execute(stmt2.limit(limit)).all()]
    else:
        stmt = select(EntityPhone.entity_id, EntityPhone.phone_id).where(EntityPhone.phone_id.in_(ids))
        rows = [(e, "phone", p, "phone", None, None, None)
                for e, p in db.session.execute(stmt.limit(limit)).all()]
    frame = pd.DataFrame(rows, columns=list(frames.EDGE_COLUMNS))
    frame = frame[~frame["entity_id"].isin(exclude)].drop_duplicates(["entity_id", "target_id", "relation"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column])
    frame = _in_force(frame, day)  # before the cap: ended roles must not crowd out current ones
    capped = bool((frame.groupby("target_id")["entity_id"].nunique() > per_node).any())
    return frame.groupby("target_id", group_keys=False).head(per_node), capped


def neighbourhood(entity: MarketEntity, viewer: Any, day: date | None = None, per_node: int = MAX_PER_NODE,
                  max_nodes: int = MAX_NODES) -> dict[str, Any]:
    """Nodes and edges (Cytoscape.js element data) of ``entity``'s two-hop neighbourhood on ``day``."""
    day = day or local_day()
    centre = entity.id
    own = _in_force(frames.load_edges([centre]), day)
    partners = set(own.loc[own["target_kind"] == "entity", "target_id"]) | set(
        own.loc[(own["target_kind"] == "entity") & (own["target_id"] == centre), "entity_id"])
    partners.discard(centre)
    partner_edges = _in_force(frames.load_edges(sorted(partners)), day) if partners else own.iloc[0:0]
    partner_edges = partner_edges[partner_edges["entity_id"].isin(partners)
                                  & (partner_edges["target_kind"] != "entity")]
    first = own[own["entity_id"] == centre]
    sharing = [_sharing(kind, sorted(set(first.loc[first["target_kind"] == kind, "target_id"])), {centre}, per_node,
                        day) for kind in ("person", "address", "phone")]
    edges = pd.concat([own, partner_edges, *[frame for frame, _capped in sharing]], ignore_index=True)
    edges = edges.drop_duplicates(["entity_id", "target_kind", "target_id", "relation"])

    hop: dict[tuple[str, int], int] = {("entity", centre): 0}
    for row in own.itertuples():
        for key in (("entity", int(row.entity_id)), (row.target_kind, int(row.target_id))):
            hop.setdefault(key, 1)
    for row in edges.itertuples():
        for key in (("entity", int(row.entity_id)), (row.target_kind, int(row.target_id))):
            hop.setdefault(key, 2)
    keys = sorted(hop, key=lambda k: (hop[k], k))
    truncated = len(keys) > max_nodes or any(capped for _frame, capped in sharing)
    kept = set(keys[:max_nodes])
    edges = edges[[("entity", int(e)) in kept and (k, int(t)) in kept
                   for e, k, t in zip(edges["entity_id"], edges["target_kind"], edges["target_id"], strict=True)]]
    direct = {("entity", centre)} | {(k, int(t)) for k, t in zip(first["target_kind"], first["target_id"], strict=True)}
    nodes = _nodes(kept, hop, direct, viewer, centre)
    out_edges = [{"data": {"id": f"edge:{i}", "source": f"entity:{int(r.entity_id)}",
                           "target": f"{r.target_kind}:{int(r.target_id)}", "relation": r.relation,
                           "label": graph_label(r.relation) + (f" {r.share:.0%}" if pd.notna(r.share) else "")}}
                 for i, r in enumerate(edges.itertuples())]
    return {"entity_id": centre, "as_of": day.isoformat(), "truncated": truncated, "nodes": nodes, "edges": out_edges}


def _nodes(keys: set[tuple[str, int]], hop: dict[tuple[str, int], int], direct: set[tuple[str, int]],
           viewer: Any, centre: int) -> list[dict[str, Any]]:
    """Node data with labels as the viewer may see them."""
    by_kind: dict[str, list[int]] = {}
    for kind, ref in keys:
        by_kind.setdefault(kind, []).append(ref)
    personal_centre = can_see_personal_data(viewer, centre)
    everywhere = getattr(viewer, "role", None) in (Role.ADMIN, Role.COORDINATOR)
    # the credit class is for supervision (the public profile has none): an enterprise sees only its own
    staff = getattr(viewer, "role", None) in (Role.ADMIN, Role.COORDINATOR, Role.INSPECTOR)
    out = []
    for ref, name, credit_class in db.session.execute(select(MarketEntity.id, MarketEntity.name,
                                                             MarketEntity.credit_class)
                                                      .where(MarketEntity.id.in_(by_kind.get("entity", [])))).all():
        internal = ref == centre or entity_access(viewer, ref) >= EntityAccess.AGENCY
        url = (url_for("profile.entity", entity_id=ref) if internal else url_for("public.entity", entity_id=ref))
        out.append({"data": {"id": f"entity:{ref}", "kind": "entity", "label": name, "hop": hop[("entity", ref)],
                             "credit_class": str(credit_class) if credit_class and (staff or internal) else "",
                             "url": url,
                             "centre": ref == centre}})
    for kind, model, columns in (("person", Person, (Person.id, Person.name)),
                                 ("address", Address, (Address.id, Address.text)),
                                 ("phone", Phone, (Phone.id, Phone.number, Phone.masked))):
        for row in db.session.execute(select(*columns).where(model.id.in_(by_kind.get(kind, [])))).all():
            ref = row[0]
            see = everywhere or (personal_centre and (kind, ref) in direct)
            if kind == "person":
                text, masked = (row[1], False) if see else (mask_name(row[1]), True)
            elif kind == "phone":
                text, masked = (row[1], False) if see else (row[2], True)
            else:
                text, masked = row[1], False
            out.append({"data": {"id": f"{kind}:{ref}", "kind": kind, "label": text, "hop": hop[(kind, ref)],
                                 "masked": masked, "kind_label": graph_label(kind)}})
    return sorted(out, key=lambda n: (n["data"]["hop"], n["data"]["id"]))
