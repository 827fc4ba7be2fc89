"""Campaigns and their joint plans over JSON, for the agencies taking part (coordinators, agency systems).

What the coordinator's campaign pages show: the campaigns an agency leads or takes part in, and each
campaign's visits with the agencies of each visit, why each was selected, who is drawn to go and what has
been recorded. The seed stays hidden until the draw, as on every page.
"""

from __future__ import annotations

from flask_login import current_user
from flask_smorest import abort
from marshmallow import Schema, fields
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from models import Agency, Campaign, CampaignStatus, InspectionTask, Role, TaskInspector

from ...access import role_required
from ...extensions import db
from ...services import campaign_results
from ...services.campaigns import visible_campaigns
from ..blueprint import Blueprint
from ..pagination import PageArgs, envelope, page_schema, paginate
from .campaigns import CampaignSchema, PublicTallySchema, campaign_payload

bp = Blueprint("api_campaign_plans", __name__, url_prefix="/campaigns",
               description="Campaigns an agency leads or takes part in, and their joint plans")
ROLES = (Role.ADMIN, Role.COORDINATOR)


class CampaignArgs(PageArgs):
    """Filters of the campaign list."""

    status = fields.Enum(CampaignStatus, by_value=True, metadata={"description": "state"})


class AgencyCampaignSchema(CampaignSchema):
    """A campaign as its agencies see it: lead, capacities and the share drawn at random."""

    lead_agency = fields.String(allow_none=True)
    capacities = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    random_share = fields.Float(required=True)
    tasks = fields.Integer(required=True, metadata={"description": "visits in the plan"})


class TaskPartSchema(Schema):
    """One agency's part of a visit."""

    agency = fields.String(required=True)
    selection_reason = fields.String(required=True)
    selection_probability = fields.Float(allow_none=True)
    status = fields.String(required=True)
    inspection_id = fields.Integer(allow_none=True, metadata={"description": "the recorded result"})
    withdrawn_reason = fields.String(allow_none=True, metadata={"description": "why the part was withdrawn "
                                                                              "(status cancelled)"})


class PlannedInspectorSchema(Schema):
    """An inspector drawn for a visit."""

    agency = fields.String(required=True)
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)


class PlannedTaskSchema(Schema):
    """One visit of the joint plan."""

    id = fields.Integer(required=True)
    entity_id = fields.Integer(required=True)
    entity = fields.String(required=True)
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)
    status = fields.String(required=True)
    expected_findings = fields.Float(required=True)
    parts = fields.List(fields.Nested(TaskPartSchema), required=True)
    inspectors = fields.List(fields.Nested(PlannedInspectorSchema), required=True)


class TallySchema(PublicTallySchema):
    """Checks of one group (an agency, or why they were chosen): planned, done and what the done ones found,
    and the risk model's expectation."""

    key = fields.String(required=True, metadata={"description": "agency code, or selection reason"})
    done = fields.Integer(required=True, metadata={"description": "checks whose result is recorded"})
    model_expected = fields.Float(allow_none=True, metadata={
        "description": "the risk model's mean probability of a serious finding for the checks done"})


class CampaignResultsSchema(Schema):
    """How the campaign's checks have turned out so far."""

    campaign_id = fields.Integer(required=True)
    by_agency = fields.List(fields.Nested(TallySchema), required=True)
    by_reason = fields.List(fields.Nested(TallySchema), required=True, metadata={
        "description": "the random draw's rate is the baseline that risk-ranked checks should beat"})


def _codes() -> dict[int, str]:
    return dict(db.session.execute(select(Agency.id, Agency.code)).all())


@bp.route("")
@role_required(*ROLES)
@bp.arguments(CampaignArgs, location="query")
@bp.response(200, page_schema(AgencyCampaignSchema))
def campaigns(args: dict):
    """Campaigns the caller's agency leads or takes part in, newest first (filter ``status``)."""
    stmt = visible_campaigns(current_user)
    if args.get("status"):
        stmt = stmt.where(Campaign.status == args["status"])
    page = paginate(stmt.options(selectinload(Campaign.agencies)).order_by(Campaign.id.desc()), args)
    codes = _codes()
    tasks = dict(db.session.execute(
        select(InspectionTask.campaign_id, func.count()).group_by(InspectionTask.campaign_id)
        .where(InspectionTask.campaign_id.in_([c.id for c in page.items]))).all())
    return envelope(page, [{**campaign_payload(c), "lead_agency": codes.get(c.lead_agency_id),
                            "capacities": {codes[p.agency_id]: p.capacity for p in c.agencies},
                            "random_share": c.random_share, "tasks": tasks.get(c.id, 0)} for c in page.items])


@bp.route("/<int:campaign_id>/tasks")
@role_required(*ROLES)
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(PlannedTaskSchema))
def campaign_tasks(args: dict, campaign_id: int):
    """The campaign's visits, most expected findings first, with every agency's part and inspector."""
    campaign = db.session.scalar(visible_campaigns(current_user).where(Campaign.id == campaign_id))
    if campaign is None:
        abort(404, message="no such campaign")
    stmt = (select(InspectionTask).where(InspectionTask.campaign_id == campaign.id)
            .options(selectinload(InspectionTask.agencies),
                     selectinload(InspectionTask.inspectors).joinedload(TaskInspector.user),
                     selectinload(InspectionTask.entity))
            .order_by(InspectionTask.expected_findings.desc(), InspectionTask.id))
    page = paginate(stmt, args)
    codes = _codes()
    return envelope(page, [{
        "id": t.id, "entity_id": t.entity_id, "entity": t.entity.name, "window_start": t.window_start,
        "window_end": t.window_end, "status": t.status.value, "expected_findings": t.expected_findings,
        "parts": [{"agency": codes[p.agency_id], "selection_reason": p.selection_reason.value,
                   "selection_probability": p.selection_probability, "status": p.status.value,
                   "inspection_id": p.inspection_id, "withdrawn_reason": p.withdrawn_reason} for p in t.agencies],
        "inspectors": [{"agency": codes[i.agency_id], "user_id": i.user_id,
                        "name": i.user.display_name or i.user.username} for i in t.inspectors],
    } for t in page.items])


@bp.route("/<int:campaign_id>/results")
@role_required(*ROLES)
@bp.response(200, CampaignResultsSchema)
def campaign_results_view(campaign_id: int):
    """Results so far, per agency and per reason for choosing, as the campaign page shows them."""
    campaign = db.session.scalar(visible_campaigns(current_user).where(Campaign.id == campaign_id))
    if campaign is None:
        abort(404, message="no such campaign")
    by_agency, by_reason = campaign_results.results(campaign)
    return {"campaign_id": campaign.id, "by_agency": [campaign_results.payload(t) for t in by_agency],
            "by_reason": [campaign_results.payload(t) for t in by_reason]}
