"""Campaigns over JSON: the public side of each draw (commitment, seed, results) and an inspector's tasks."""

from __future__ import annotations

from flask_login import current_user
from marshmallow import Schema, fields
from sqlalchemy import func, select

from models import Campaign, InspectionTask, Role, TaskAgency, TaskInspector, TaskStatus

from ...access import public, role_required
from ...extensions import db
from ...public.campaigns import VISIBLE, public_campaign_or_404
from ...services import campaign_results
from ..blueprint import Blueprint
from ..pagination import PageArgs, envelope, page_schema, paginate
from ..schemas import UtcDateTime

bp = Blueprint("api_campaigns", __name__,
               description="Random-check campaigns: commitment, revealed seed, released results; inspectors' tasks")


class CampaignSchema(Schema):
    """A campaign as the public sees it: the seed only once its visits are made and their results released."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    agencies = fields.List(fields.String(), required=True)
    seed_commitment = fields.String(allow_none=True)
    committed_at = UtcDateTime(allow_none=True)
    seed = fields.String(allow_none=True)
    drawn_at = UtcDateTime(allow_none=True)
    released_at = UtcDateTime(allow_none=True)


class ResultSchema(Schema):
    """One released inspection result of a campaign."""

    entity_id = fields.Integer(required=True)
    entity = fields.String(required=True)
    uscc = fields.String(allow_none=True, metadata={"description": "the entity's unified social credit code"})
    date = fields.Date(required=True)
    agency = fields.String(required=True)
    joint = fields.Boolean(required=True)
    result = fields.String(allow_none=True)
    violations = fields.Integer(required=True)


class PublicTallySchema(Schema):
    """Released checks chosen one way (the random draw, or by risk): planned, released and what they found."""

    key = fields.String(required=True, metadata={"description": "why the checks were chosen"})
    planned = fields.Integer(required=True)
    withdrawn = fields.Integer(required=True, metadata={"description": "checks taken back before their result (the "
                                                                       "agency withdrawn or the visit cancelled)"})
    done = fields.Integer(required=True, metadata={"description": "checks whose result is released"})
    with_violations = fields.Integer(required=True)
    serious = fields.Integer(required=True)
    violation_rate = fields.Float(allow_none=True)
    serious_rate = fields.Float(allow_none=True)
    estimated_violation_rate = fields.Float(allow_none=True, metadata={
        "description": "random draw only: the share with violations estimated for the draw's whole population "
                       "(each check weighted by 1/selection probability)"})
    estimated_serious_rate = fields.Float(allow_none=True, metadata={
        "description": "random draw only: the estimated share with serious findings"})


#: released results that a campaign's detail carries (a citywide campaign releases tens of thousands)
DETAIL_RESULTS = 50


class CampaignDetailSchema(CampaignSchema):
    """A campaign with its released results."""

    results = fields.List(fields.Nested(ResultSchema), required=True, metadata={
        "description": f"the latest {DETAIL_RESULTS} released results, latest visit first (all of them a page at a "
                       "time: .../results)"})
    results_total = fields.Integer(required=True, metadata={"description": "released results in all (0 before "
                                                                           "release)"})
    summary = fields.List(fields.Nested(PublicTallySchema), required=True, metadata={
        "description": "released results by why the checks were chosen (empty before release)"})


class TaskSchema(Schema):
    """One visit the inspector is drawn for."""

    id = fields.Integer(required=True)
    campaign_id = fields.Integer(required=True)
    entity_id = fields.Integer(required=True)
    entity = fields.String(required=True)
    credit_class = fields.String(allow_none=True)
    agencies = fields.List(fields.String(), required=True)
    window_start = fields.Date(required=True)
    window_end = fields.Date(required=True)
    expected_findings = fields.Float(required=True)
    status = fields.String(required=True)
    risk = fields.Float(allow_none=True, metadata={"description": "the active risk model's latest probability"})


def campaign_payload(c: Campaign) -> dict:
    """A campaign as the public sees it (the seed only once its visits are made and their results released)."""
    from ...services.campaigns import seed_public

    return {"id": c.id, "name": c.name, "status": c.status.value, "period_start": c.period_start,
            "period_end": c.period_end, "agencies": [p.agency.code for p in c.agencies],
            "seed_commitment": c.seed_commitment, "committed_at": c.committed_at,
            "seed": c.seed if seed_public(c) else None, "drawn_at": c.drawn_at, "released_at": c.released_at}


@bp.route("/public/campaigns")
@public
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(CampaignSchema))
def public_campaigns(args: dict):
    """Campaigns whose seed commitment is published, newest first."""
    page = paginate(select(Campaign).where(Campaign.status.in_(VISIBLE)).order_by(Campaign.id.desc()), args)
    return envelope(page, [campaign_payload(c) for c in page.items])


@bp.route("/public/campaigns/<int:campaign_id>")
@public
@bp.response(200, CampaignDetailSchema)
def public_campaign(campaign_id: int):
    """One campaign: commitment, seed after the draw, results after release."""
    found = public_campaign_or_404(campaign_id)
    results, total, summary = [], 0, []
    if found.released_at is not None:
        released = campaign_results.published(found.id)
        results = [_result(row) for row in db.session.execute(released.limit(DETAIL_RESULTS))]
        total = db.session.scalar(select(func.count()).select_from(released.order_by(None).subquery()))
        summary = [campaign_results.payload(t, with_model=False)
                   for t in campaign_results.results(found, published_only=True)[1]]
    return {**campaign_payload(found), "results": results, "results_total": total, "summary": summary}


def _result(row) -> dict:  # noqa: ANN001 - a row of campaign_results.published
    inspection, name, uscc, agency_code, _agency_name = row
    return {"entity_id": inspection.entity_id, "entity": name, "uscc": uscc, "date": inspection.inspection_date,
            "agency": agency_code, "joint": inspection.inspection_type.value == "joint",
            "result": inspection.result.value if inspection.result else None,
            "violations": inspection.violation_count}


@bp.route("/public/campaigns/<int:campaign_id>/results")
@public
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(ResultSchema))
def public_campaign_results(args: dict, campaign_id: int):
    """A campaign's released results a page at a time, latest visit first (404 before they are released)."""
    found = public_campaign_or_404(campaign_id, released=True)
    page = paginate(campaign_results.published(found.id), args, rows=True)
    return envelope(page, [_result(row) for row in page.items])


@bp.route("/tasks")
@role_required(Role.INSPECTOR)
@bp.arguments(PageArgs, location="query")
@bp.response(200, page_schema(TaskSchema))
def tasks(args: dict):
    """The visits of published campaigns the signed-in inspector is drawn for (an agency system's inspector
    token: those its agency takes part in), riskiest first."""
    from ...inspector.tasks import VISIBLE as TASK_VISIBLE

    if current_user.id is not None:
        mine = select(TaskInspector.task_id).where(TaskInspector.user_id == current_user.id)
    else:
        mine = select(TaskAgency.task_id).where(TaskAgency.agency_id == current_user.agency_id,
                                                TaskAgency.status != TaskStatus.CANCELLED)  # not parts withdrawn
    stmt = (select(InspectionTask).join(Campaign, Campaign.id == InspectionTask.campaign_id)
            .where(InspectionTask.id.in_(mine), Campaign.status.in_(TASK_VISIBLE))
            .order_by(InspectionTask.expected_findings.desc(), InspectionTask.id))
    page = paginate(stmt, args)
    from ...services.risk_models import latest_scores

    scores = latest_scores([t.entity_id for t in page.items])
    return envelope(page, [{
        "id": t.id, "campaign_id": t.campaign_id, "entity_id": t.entity_id, "entity": t.entity.name,
        "credit_class": getattr(t.entity.credit_class, "value", None), "agencies": [p.agency.code for p in t.agencies],
        "window_start": t.window_start, "window_end": t.window_end, "expected_findings": t.expected_findings,
        "status": t.status.value,
        "risk": scores[t.entity_id].probability if t.entity_id in scores else None} for t in page.items])
