"""Risk clusters for coordinators: the riskiest groups of related entities, why, and sending one to a campaign."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from models import Campaign, ClusterMember, MarketEntity, RiskCluster

from ..extensions import db
from ..graph import campaigns as cluster_campaigns
from ..graph import service as graph_service
from ..graph.labels import graph_label
from ..nav import nav_item
from ..paging import last_page, page_within
from ..request_guards import page_arg, parse_id
from . import bp

nav_item("coordinator.clusters", _l("Risk clusters"), "coordinator", "admin", order=36)
PAGE_SIZE = 25
MEMBERS_SHOWN = 12
bp.add_app_template_global(graph_label, "graph_label")


def cluster_or_404(cluster_id: int) -> RiskCluster:
    """A stored risk cluster (clusters span agencies: every coordinator may see them)."""
    cluster = db.session.get(RiskCluster, cluster_id)
    if cluster is None:
        abort(404)
    return cluster


def _members(cluster_ids: list[int], limit: int | None = None) -> dict[int, list[MarketEntity]]:
    """Member entities per cluster, riskiest class first."""
    out: dict[int, list[MarketEntity]] = {c: [] for c in cluster_ids}
    if not cluster_ids:
        return out
    rows = db.session.execute(select(ClusterMember.cluster_id, MarketEntity).join(
        MarketEntity, MarketEntity.id == ClusterMember.entity_id).where(ClusterMember.cluster_id.in_(cluster_ids))
        .order_by(ClusterMember.cluster_id, MarketEntity.credit_class.desc().nulls_last(), MarketEntity.id)).all()
    for cluster_id, entity in rows:
        if limit is None or len(out[cluster_id]) < limit:
            out[cluster_id].append(entity)
    return out


@bp.route("/clusters")
def clusters():
    """The latest build's clusters, riskiest first, each with its members and why they are related."""
    build = graph_service.latest_build()
    total = (db.session.scalar(select(func.count(RiskCluster.id)).where(RiskCluster.build == build)) or 0
             if build else 0)
    page = page_within(page_arg(), total, PAGE_SIZE)
    rows = graph_service.riskiest(PAGE_SIZE, build, offset=(page - 1) * PAGE_SIZE)
    return render_template("coordinator/clusters.html", clusters=rows, build=build, page=page,
                           pages=last_page(total, PAGE_SIZE), total=total,
                           members=_members([c.id for c in rows], MEMBERS_SHOWN))


@bp.route("/clusters/<int:cluster_id>")
def cluster(cluster_id: int):
    """One cluster: every member with its class, the shared persons, addresses and phones, the campaign form."""
    row = cluster_or_404(cluster_id)
    return render_template("coordinator/cluster.html", cluster=row, members=_members([row.id])[row.id],
                           campaigns=cluster_campaigns.draft_campaigns(current_user))


@bp.route("/clusters/<int:cluster_id>/campaign", methods=["POST"])
def cluster_to_campaign(cluster_id: int):
    """Send the whole cluster to a draft campaign (one of the agency's, or a new one) as one joint target."""
    row = cluster_or_404(cluster_id)
    choice = request.form.get("campaign_id", "new")
    try:
        if choice == "new":
            name = (request.form.get("name") or "").strip()[:300] or _("Risk cluster #%(id)s", id=row.id)
            campaign = cluster_campaigns.new_draft(current_user, name)
            sent = cluster_campaigns.send_cluster(row, campaign, current_user)
        else:
            campaign = _usable_campaign(choice)
            sent = cluster_campaigns.send_cluster(row, campaign, current_user)
    except cluster_campaigns.ClusterCampaignError:
        db.session.rollback()
        flash(_("This cluster cannot go to that campaign: only a draft campaign of an agency takes new targets."),
              "danger")
        return redirect(url_for("coordinator.cluster", cluster_id=row.id))
    db.session.commit()
    flash(_("%(added)s entities added to campaign “%(name)s” as one joint target (%(already)s were already in it).",
            added=sent.added, name=campaign.name, already=sent.already), "success")
    return redirect(url_for("coordinator.cluster", cluster_id=row.id))


def _usable_campaign(choice: str) -> Campaign:
    """The chosen campaign, if the user may add to it; 400/404/403 otherwise."""
    campaign_id = parse_id(choice)
    if campaign_id is None:
        abort(400)
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    if not cluster_campaigns.may_use_campaign(current_user, campaign):
        abort(403)
    return campaign
