"""Public campaign pages: the seed commitment before the draw, the seed and inputs once the visits are made and
their results released (``campaigns.seed_public``), released results (a page at a time, and all of them as a CSV or
XLSX file)."""

from __future__ import annotations

from flask import Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from models import Campaign, CampaignStatus, InspectionType

from ..access import public
from ..exports import download
from ..extensions import db
from ..i18n import label
from ..nav import nav_item
from ..paging import page_of
from ..services import campaign_results
from ..services import campaigns as service
from ..templating import in_brackets
from . import bp
from .verifier import verifier_zip

nav_item("public.campaigns", _l("Random checks"), "public", order=12)
VISIBLE = (CampaignStatus.COMMITTED, CampaignStatus.DRAWN, CampaignStatus.PLANNED, CampaignStatus.PUBLISHED,
           CampaignStatus.RELEASED, CampaignStatus.CLOSED)


def public_campaign_or_404(campaign_id: int, *, released: bool = False) -> Campaign:
    """A campaign whose commitment has been published (and, with ``released``, whose results have been)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status not in VISIBLE or (released and campaign.released_at is None):
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
    """Commitment, seed (once public) and the released results: entity, date, agencies, result."""
    campaign = public_campaign_or_404(campaign_id)
    results, page, pages, total = [], 1, 1, 0
    if campaign.released_at is not None:
        results, page, pages, total = page_of(campaign_results.published(campaign.id), rows=True)
    summary = campaign_results.results(campaign, published_only=True)[1] if campaign.released_at else []
    return render_template("public/campaign.html", campaign=campaign, results=results, summary=summary,
                           page=page, pages=pages, total=total, seed_public=service.seed_public(campaign))


@bp.route("/campaigns/<int:campaign_id>/results.<any(csv, xlsx):fmt>")
@public
def campaign_results_export(campaign_id: int, fmt: str):
    """Every released result of the campaign as a file (open data): entity and its code, date, agency, result."""
    campaign = public_campaign_or_404(campaign_id, released=True)
    header = [_("Entity"), _("Unified social credit code"), _("Date"), _("Agency"), _("Joint inspection"),
              _("Result"), _("Violations"), _("Public profile")]
    rows = [[name, uscc or "", i.inspection_date, f"{agency_name}{in_brackets(agency_code)}",
             _("yes") if i.inspection_type == InspectionType.JOINT else _("no"), label(i.result) if i.result else "",
             i.violation_count or 0, url_for("public.entity", entity_id=i.entity_id, _external=True)]
            for i, name, uscc, agency_code, agency_name in db.session.execute(campaign_results.published(campaign.id))]
    return download(header, rows, f"campaign-{campaign.id}-results", fmt)


@bp.route("/campaigns/<int:campaign_id>/inputs.json")
@public
def campaign_inputs(campaign_id: int):
    """The draw's public inputs, to re-run it with ``python -m risk.campaign inputs.json``."""
    campaign = public_campaign_or_404(campaign_id)
    if not service.seed_public(campaign):
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
