"""Sending a risk cluster to a draft campaign as one joint target: every member selected, tied by the cluster."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from models import (
    Campaign,
    CampaignAgency,
    CampaignSelection,
    CampaignStatus,
    MarketEntity,
    RiskCluster,
    Role,
    SelectionReason,
)

from ..extensions import db
from ..services import audit
from ..services.working_days import local_day

log = logging.getLogger(__name__)
NEW_CAMPAIGN_DAYS = 90


class ClusterCampaignError(ValueError):
    """The cluster cannot go to that campaign (not a draft, no agency to act for)."""


@dataclass
class SentCluster:
    """What sending a cluster did."""

    campaign: Campaign
    added: int
    already: int


def draft_campaigns(user: Any) -> list[Campaign]:
    """Draft campaigns the user may add to: their agency's (any, for administrators)."""
    stmt = select(Campaign).where(Campaign.status == CampaignStatus.DRAFT).order_by(Campaign.id.desc())
    if user.role != Role.ADMIN:
        stmt = stmt.where(Campaign.lead_agency_id == user.agency_id)
    return list(db.session.scalars(stmt.limit(100)))


def may_use_campaign(user: Any, campaign: Campaign) -> bool:
    """Administrators use any campaign; a coordinator only one their agency leads."""
    return user.role == Role.ADMIN or (user.agency_id is not None and campaign.lead_agency_id == user.agency_id)


def new_draft(user: Any, name: str) -> Campaign:
    """A draft campaign of the user's agency, from today for 90 days (capacity grows as clusters are sent)."""
    from ..services import campaigns

    if user.agency_id is None:
        raise ClusterCampaignError("a new campaign needs an agency: choose an existing draft campaign")
    today = local_day()
    try:
        return campaigns.create_campaign(name, today, today + timedelta(days=NEW_CAMPAIGN_DAYS),
                                         [campaigns.AgencyPart(user.agency_id, 0)], user=user,
                                         lead_agency_id=user.agency_id)
    except campaigns.CampaignError as exc:
        raise ClusterCampaignError(str(exc)) from exc


def send_cluster(cluster: RiskCluster, campaign: Campaign, user: Any) -> SentCluster:
    """Select every member of ``cluster`` in ``campaign`` for the acting agency, as one joint target.

    Each member gets a CampaignSelection (reason ``cluster``, the cluster's id) and the agency's capacity
    grows by as many visits; the draw keeps these selections and the joint plan fixes them as one visit
    (regulator.services.campaigns). The campaign's plan summary lists the cluster under ``joint_targets``
    until the plan replaces it. Members already selected for that agency stay as they are. Flushes.
    """
    if campaign.status != CampaignStatus.DRAFT:
        raise ClusterCampaignError("only a draft campaign takes new targets")
    agency_id = user.agency_id or campaign.lead_agency_id
    if agency_id is None:
        raise ClusterCampaignError("no agency to select the members for: the campaign has no lead agency")
    member_ids = sorted(m.entity_id for m in cluster.members)
    existing = set(db.session.scalars(select(CampaignSelection.entity_id).where(
        CampaignSelection.campaign_id == campaign.id, CampaignSelection.agency_id == agency_id)))
    classes = dict(db.session.execute(select(MarketEntity.id, MarketEntity.credit_class)
                                      .where(MarketEntity.id.in_(member_ids))).all())
    added = [e for e in member_ids if e not in existing]
    for entity_id in added:
        db.session.add(CampaignSelection(campaign_id=campaign.id, entity_id=entity_id, agency_id=agency_id,
                                         credit_class=classes.get(entity_id), reason=SelectionReason.CLUSTER,
                                         cluster_id=cluster.id))
    # the cluster's visits are reserved on top of the agency's capacity: the draw and plan keep them
    part = next((a for a in campaign.agencies if a.agency_id == agency_id), None)
    if part is None:
        db.session.add(CampaignAgency(campaign_id=campaign.id, agency_id=agency_id, capacity=len(added)))
    else:
        part.capacity += len(added)
    summary = dict(campaign.plan_summary or {})
    targets = [t for t in summary.get("joint_targets", []) if t.get("cluster_id") != cluster.id]
    targets.append({"cluster_id": cluster.id, "agency_id": agency_id, "entities": member_ids,
                    "score": round(cluster.score, 4), "reasons": [r.get("kind") for r in cluster.reasons[:3]]})
    summary["joint_targets"] = targets
    campaign.plan_summary = summary
    db.session.flush()
    audit.record("cluster.to_campaign", object_type="risk_cluster", object_id=cluster.id, campaign_id=campaign.id,
                 added=len(added), already=len(member_ids) - len(added))
    log.info("cluster %s sent to campaign %s: %d selections added", cluster.id, campaign.id, len(added))
    return SentCluster(campaign, len(added), len(member_ids) - len(added))
