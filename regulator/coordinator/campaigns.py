"""Campaigns for coordinators: create one, commit to the seed, draw, plan jointly, publish, release results.

Coordinators see the campaigns their agency takes part in; the lead agency's coordinators (and
administrators) take the steps.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from models import (
    Address,
    Agency,
    Campaign,
    CampaignSelection,
    InspectionTask,
    MarketEntity,
    Role,
    SelectionReason,
    TaskAgency,
    TaskInspector,
    User,
)

from ..exports import download
from ..extensions import db
from ..i18n import label
from ..nav import nav_item
from ..paging import page_of
from ..services import campaign_results, publication
from ..services import campaigns as service
from ..templating import in_brackets, listed
from . import bp
from .forms import CampaignForm, StepForm

nav_item("coordinator.campaigns", _l("Campaigns"), "coordinator", "admin", order=31)
CLASS_KEYS = ("A", "B", "C", "D")
#: tasks listed on the campaign page (the export holds all of them)
TASKS_SHOWN = 300


def campaign_or_404(campaign_id: int, manage: bool = False) -> Campaign:
    """A campaign the user's agency takes part in (404 otherwise); ``manage``: lead agency only (403)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    if current_user.role == Role.ADMIN:
        return campaign
    if current_user.agency_id not in {p.agency_id for p in campaign.agencies} | {campaign.lead_agency_id}:
        abort(404)
    if manage and campaign.lead_agency_id != current_user.agency_id:
        abort(403)
    return campaign


@bp.route("/campaigns")
def campaigns():
    """Campaigns the agency takes part in, newest first, a page at a time."""
    rows, page, pages, total = page_of(service.visible_campaigns(current_user).order_by(Campaign.id.desc()))
    return render_template("coordinator/campaigns.html", campaigns=rows, page=page, pages=pages, total=total)


def _agency_parts(agencies: list[Agency]) -> tuple[list[service.AgencyPart], dict[int, str]]:
    parts, errors = [], {}
    for agency in agencies:
        raw = request.form.get(f"capacity-{agency.id}", "").strip()
        if not raw:
            continue
        try:
            capacity = int(raw)
            if not 0 <= capacity <= service.MAX_CAPACITY:
                raise ValueError
        except ValueError:
            errors[agency.id] = _("Capacity must be a whole number from 0 to %(max)s.", max=service.MAX_CAPACITY)
            continue
        matters = [m.strip() for m in request.form.get(f"matters-{agency.id}", "").replace("，", ",").split(",")]
        parts.append(service.AgencyPart(agency.id, capacity, [m for m in matters if m]))
    return parts, errors


@bp.route("/campaigns/new", methods=["GET", "POST"])
def campaign_new():
    """Set up a campaign: period, agencies with matters and capacity, class ratios, random share."""
    form = CampaignForm()
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True)).order_by(Agency.code)).all()
    agencies = sorted(agencies, key=lambda a: a.id != current_user.agency_id)  # the leading agency first
    agency_errors: dict[int, str] = {}
    if form.validate_on_submit():
        parts, agency_errors = _agency_parts(agencies)
        if not agency_errors:
            if current_user.agency_id and current_user.agency_id not in {p.agency_id for p in parts}:
                flash(_("Your own agency must take part in the campaign it leads."), "danger")
            elif not parts:
                flash(_("Give a capacity for at least one agency."), "danger")
            else:
                try:
                    campaign = service.create_campaign(
                        form.name.data, form.period_start.data, form.period_end.data, parts, user=current_user,
                        class_ratios={c: getattr(form, f"ratio_{c}").data for c in CLASS_KEYS},
                        random_share=form.random_share.data, cost_per_visit=form.cost_per_visit.data,
                        description=form.description.data or None,
                        lead_agency_id=current_user.agency_id or parts[0].agency_id)
                except service.CampaignError as exc:
                    db.session.rollback()
                    flash(str(exc), "danger")
                else:
                    db.session.commit()
                    flash(_("Campaign created. Publish the seed commitment before the draw."), "success")
                    return redirect(url_for("coordinator.campaign", campaign_id=campaign.id))
    return render_template("coordinator/campaign_new.html", form=form, agencies=agencies,
                           agency_errors=agency_errors, values=request.form)


@bp.route("/campaigns/<int:campaign_id>")
def campaign(campaign_id: int):
    """The campaign: settings, commitment and seed, the draw by reason, the joint plan and its tasks."""
    campaign = campaign_or_404(campaign_id)
    by_reason = dict(db.session.execute(
        select(CampaignSelection.reason, func.count()).where(CampaignSelection.campaign_id == campaign.id)
        .group_by(CampaignSelection.reason)).all())
    tasks = db.session.execute(_plan_rows(campaign).limit(TASKS_SHOWN)).all()
    task_count = db.session.scalar(select(func.count()).select_from(InspectionTask).where(
        InspectionTask.campaign_id == campaign.id)) or 0
    random_pairs = db.session.scalar(select(func.count()).select_from(TaskAgency).join(InspectionTask).where(
        InspectionTask.campaign_id == campaign.id, TaskAgency.selection_reason == SelectionReason.RANDOM_DRAW)) or 0
    manage = current_user.role == Role.ADMIN or campaign.lead_agency_id == current_user.agency_id
    return render_template("coordinator/campaign.html", campaign=campaign, by_reason=by_reason, tasks=tasks,
                           random_pairs=random_pairs, manage=manage, form=StepForm(),
                           summary=service.plan_figures(campaign), shared=service.shared_visits(campaign),
                           task_count=task_count, shown=TASKS_SHOWN,
                           results=campaign_results.results(campaign) if task_count else ([], []),
                           to_publish=next(iter(publication.waiting([campaign.id])), None))


def _plan_rows(campaign: Campaign) -> Select:
    """The plan's tasks with their entity and address, most expected findings first; each task's agencies and
    inspectors are read with it (two more statements for all of them, not two per task)."""
    return (select(InspectionTask, MarketEntity, Address.text)
            .join(MarketEntity, MarketEntity.id == InspectionTask.entity_id)
            .outerjoin(Address, Address.id == MarketEntity.address_id)
            .where(InspectionTask.campaign_id == campaign.id)
            .options(selectinload(InspectionTask.agencies).joinedload(TaskAgency.agency),
                     selectinload(InspectionTask.inspectors).joinedload(TaskInspector.user)
                     .joinedload(User.agency))
            .order_by(InspectionTask.expected_findings.desc(), InspectionTask.id))


@bp.route("/campaigns/<int:campaign_id>/plan.<any(csv, xlsx):fmt>")
def campaign_plan_export(campaign_id: int, fmt: str):
    """The whole joint plan as CSV or XLSX: every task with its entity, agencies, inspectors and window."""
    campaign = campaign_or_404(campaign_id)
    header = [_("Task"), _("Entity"), _("Unified social credit code"), _("Address"), _("District"), _("Class"),
              _("Agencies"), _("Expected findings"), _("Window start"), _("Window end"), _("Inspectors"),
              _("Status")]
    body = [[task.id, entity.name, entity.uscc or "", address or "", entity.district or "",
             entity.credit_class or "",
             listed(task.agencies, lambda p: f"{p.agency.code}{in_brackets(label(p.selection_reason))}"),
             round(task.expected_findings, 4), task.window_start, task.window_end,
             listed(task.inspectors, lambda i: f"{i.user.display_name or i.user.username}"
                                               f"{in_brackets(i.user.agency.code) if i.user.agency else ''}"),
             label(task.status)]
            for task, entity, address in db.session.execute(_plan_rows(campaign))]
    return download(header, body, f"campaign-{campaign.id}-plan", fmt)


STEPS = {
    "commit": (service.commit_seed, _l("Seed commitment published.")),
    "draw": (service.run_draw,
             _l("Draw done; the seed is public once the visits are made and their results released.")),
    "plan": (service.build_plan, _l("Joint plan built.")),
    "publish": (service.publish_plan, _l("Plan published to the inspectors.")),
    "release": (service.release_results, _l("Results released to the public.")),
}


@bp.route("/campaigns/<int:campaign_id>/<any(commit, draw, plan, publish, release):step>", methods=["POST"])
def campaign_step(campaign_id: int, step: str):
    """Take the next step of a campaign (lead agency only)."""
    campaign = campaign_or_404(campaign_id, manage=True)
    form = StepForm()
    if not form.validate_on_submit():
        abort(400)
    action, message = STEPS[step]
    options = {"use_clusters": request.form.get("clusters") == "1"} if step == "plan" else {}
    try:
        action(campaign, user=current_user, **options)
    except service.CampaignError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(str(message), "success")
    return redirect(url_for("coordinator.campaign", campaign_id=campaign.id))
