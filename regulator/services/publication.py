"""When a campaign's recorded results must be public: within ``RESULTS_PUBLICATION_WORKING_DAYS`` working days of
the visit ("double random, one public": twenty in China), counted on the country's calendar of working days
(``working_days``). The coordinators of the lead agency, who release a campaign's results, see what waits and
when it is due, on their home page and the campaign's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from models import Campaign, Inspection, InspectionTask

from ..extensions import db
from . import working_days


def due_date(visit: date) -> date:
    """The last day on which a result recorded for a visit on ``visit`` is public in time."""
    return working_days.add(visit, current_app.config["RESULTS_PUBLICATION_WORKING_DAYS"])


@dataclass
class Waiting:
    """A campaign's recorded results that are not public yet."""

    campaign: Campaign
    results: int
    #: the day the earliest of them is due, and how many are past their day
    due: date
    overdue: int


def waiting(campaign_ids: list[int] | None = None, *, lead_agency_id: int | None = None,
            today: date | None = None) -> list[Waiting]:
    """Per campaign (those named, or those the agency leads, or all), its results not yet public, earliest due
    first."""
    today = today or working_days.local_day()
    stmt = (select(InspectionTask.campaign_id, Inspection.inspection_date, func.count(Inspection.id))
            .join(InspectionTask, InspectionTask.id == Inspection.task_id)
            .where(Inspection.published.is_(False), InspectionTask.campaign_id.is_not(None))
            .group_by(InspectionTask.campaign_id, Inspection.inspection_date))
    if campaign_ids is not None:
        stmt = stmt.where(InspectionTask.campaign_id.in_(campaign_ids))
    if lead_agency_id is not None:
        stmt = stmt.join(Campaign, Campaign.id == InspectionTask.campaign_id).where(
            Campaign.lead_agency_id == lead_agency_id)
    by_campaign: dict[int, list[tuple[date, int]]] = {}
    for campaign_id, visit, n in db.session.execute(stmt):
        by_campaign.setdefault(campaign_id, []).append((due_date(visit), n))
    campaigns = {c.id: c for c in db.session.scalars(select(Campaign).where(Campaign.id.in_(by_campaign)))}
    out = [Waiting(campaigns[cid], sum(n for _, n in days), min(d for d, _ in days),
                   sum(n for d, n in days if d < today)) for cid, days in by_campaign.items()]
    return sorted(out, key=lambda w: (w.due, w.campaign.id))
