"""Public campaign pages: the seed commitment before the draw, the seed and inputs after, released results."""

from __future__ import annotations

from flask import Response, abort, render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Campaign, CampaignStatus, Inspection, InspectionTask, MarketEntity

from ..access import public
from ..extensions import db
from ..nav import nav_item
from ..paging import page_of
from ..services import campaign_results
from ..services import campaigns as service
from . import bp
from .verifier import verifier_zip

nav_item("public.campaigns", _l("Random checks"), "public", order=12)
VISIBLE = (CampaignStatus.COMMITTED, CampaignStatus.DRAWN, CampaignStatus.PLANNED, CampaignStatus.PUBLISHED,
           CampaignStatus.RELEASED, CampaignStatus.CLOSED)


def public_campaign_or_404(campaign_id: int) -> Campaign:
    """A campaign whose commitment has been published."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in VISIBLE:
        abort(404)
    return campaign


@bp.route("/campaigns")
@public
def campaigns():
    """Campaigns with a published commitment, newest first, a page at a time."""
    rows, page, pages, total = page_of(select(Campaign).where(Campaign.status.in_(VISIBLE))
                                       .order_by(Campaign.id.desc()))
    return render_template("public/campaigns.html", campaigns=rows, page=page, pages=pages, total=total)


@bp.route("/campaigns/<int:campaign_id>")
@public
def campaign(campaign_id: int):
    """Commitment, seed (after the draw) and the released results: entity, date, agencies, result."""
    campaign = public_campaign_or_404(campaign_id)
    results = []
    if campaign.released_at is not None:
        results = db.session.execute(
            select(Inspection, MarketEntity.name)
            .join(InspectionTask, InspectionTask.id == Inspection.task_id)
            .join(MarketEntity, MarketEntity.id == Inspection.entity_id)
            .where(InspectionTask.campaign_id == campaign.id, Inspection.published.is_(True))
            .order_by(Inspection.inspection_date.desc(), Inspection.id.desc())).all()
    summary = campaign_results.results(campaign, published_only=True)[1] if campaign.released_at else []
    return render_template("public/campaign.html", campaign=campaign, results=results, summary=summary)


@bp.route("/campaigns/<int:campaign_id>/inputs.json")
@public
def campaign_inputs(campaign_id: int):
    """The draw's public inputs, to re-run it with ``python -m risk.campaign inputs.json``."""
    campaign = public_campaign_or_404(campaign_id)
    if campaign.drawn_at is None:
        abort(404)
    body = service.dumps(service.public_inputs(campaign))
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="campaign-{campaign.id}-inputs.json"'})


@bp.route("/campaigns/verifier.zip")
@public
def campaign_verifier():
    """The draw's verifier as a small package (NumPy and pandas only): ``python -m regulator_verify inputs.json``."""
    return Response(verifier_zip(), mimetype="application/zip",
                    headers={"Content-Disposition": 'attachment; filename="regulator-verify.zip"'})
