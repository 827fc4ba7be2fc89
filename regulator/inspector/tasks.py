"""The inspector's tasks: ranked list with filters and exports, task page, printable sheet, results, referrals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.globals import request_ctx
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Integer, bindparam, func, select

from models import (
    Address,
    Agency,
    Campaign,
    CreditAssessment,
    EnforcementAction,
    Inspection,
    InspectionResult,
    InspectionTask,
    MarketEntity,
    ModelVersion,
    PenaltyType,
    RecordStatus,
    Referral,
    RiskScore,
    TaskAgency,
    TaskInspector,
    TaskStatus,
    Violation,
)

from ..access import VISIT_CAMPAIGNS, VISIT_OPEN
from ..exports import download
from ..extensions import db
from ..i18n import agency_name, label
from ..profile.credit_view import reason_text
from ..request_guards import choice_filter
from ..risk_text import reason_text as risk_reason_text
from ..services import referrals as referral_service
from ..services import task_results as service
from ..services.credit import latest_assessment
from ..services.working_days import local_day
from ..sql_lists import in_list
from . import bp
from .forms import MAX_VIOLATIONS, ReferralForm, ResultForm

VISIBLE = VISIT_CAMPAIGNS
OPEN = VISIT_OPEN
SORTS = {"probability", "class", "window", "entity"}


def own_task_or_404(task_id: int) -> InspectionTask:
    """A task of a published campaign that the signed-in inspector is drawn for."""
    task = db.session.get(InspectionTask, task_id)
    if task is None or task.campaign.status not in VISIBLE:
        abort(404)
    if not any(ti.user_id == current_user.id for ti in task.inspectors):
        abort(404)
    return task


def top_reasons(entity: MarketEntity, limit: int = 3) -> list[str]:
    """The model's top reasons for the entity where it has a score, else the credit rules that weigh most."""
    score = db.session.scalar(select(RiskScore).join(ModelVersion).where(
        ModelVersion.active.is_(True), RiskScore.entity_id == entity.id, RiskScore.agency_id.is_(None))
        .order_by(RiskScore.as_of.desc(), RiskScore.id.desc()).limit(1))
    return _reasons(score.reasons if score is not None else None,
                    lambda: getattr(latest_assessment(entity.id), "reasons", None), limit)


def _reasons(score_reasons: list | None, assessment_reasons: Callable[[], list | None], limit: int) -> list[str]:
    """The score's reasons in words where it has any, else those of the credit assessment (read only then)."""
    if score_reasons:
        return [risk_reason_text(r) for r in score_reasons[:limit]]
    reasons = sorted(assessment_reasons() or [], key=lambda r: -abs(r.get("points", 0)))
    return [reason_text(r["rule"]) for r in reasons if r.get("points", 0) > 0][:limit]


# The ranked list's statements, built once with their values as parameters (building them anew for each
# request cost about as much CPU as executing them). Rows of (entity_id, reasons), not whole objects:
# _reasons needs only the reasons.
_SCORE_REASONS = (select(RiskScore.entity_id, RiskScore.reasons).join(ModelVersion)
                  .where(ModelVersion.active.is_(True), in_list(RiskScore.entity_id, "ids"),
                         RiskScore.agency_id.is_(None))
                  .order_by(RiskScore.entity_id, RiskScore.as_of.desc(), RiskScore.id.desc()))
_ASSESSMENT_REASONS = (select(CreditAssessment.entity_id, CreditAssessment.reasons)
                       .where(in_list(CreditAssessment.entity_id, "ids"))
                       .order_by(CreditAssessment.entity_id, CreditAssessment.created_at.desc(),
                                 CreditAssessment.id.desc()))
_TASKS = (select(InspectionTask.id, InspectionTask.entity_id, InspectionTask.window_start,
                 InspectionTask.window_end, InspectionTask.status, MarketEntity.name, MarketEntity.uscc,
                 MarketEntity.credit_class, MarketEntity.district, Address.text.label("address"))
          .join(TaskInspector, TaskInspector.task_id == InspectionTask.id)
          .join(Campaign, Campaign.id == InspectionTask.campaign_id)
          .join(MarketEntity, MarketEntity.id == InspectionTask.entity_id)
          .outerjoin(Address, Address.id == MarketEntity.address_id)
          .where(TaskInspector.user_id == bindparam("user_id", type_=Integer), Campaign.status.in_(VISIBLE))
          .order_by(InspectionTask.id))
#: by whether done tasks are included
_TASKS_SHOWN = {True: _TASKS, False: _TASKS.where(InspectionTask.status.in_(OPEN))}
_TASK_AGENCIES = (select(TaskAgency.task_id, TaskAgency.agency_id, TaskAgency.risk_probability,
                         TaskAgency.selection_reason, Agency.code, TaskAgency.status)
                  .join(Agency, Agency.id == TaskAgency.agency_id)
                  .where(in_list(TaskAgency.task_id, "ids")).order_by(TaskAgency.id))


def top_reasons_many(entity_ids: list[int], limit: int = 3) -> dict[int, list[str]]:
    """``top_reasons`` for many entities in two queries (the ranked list would otherwise ask twice per task)."""
    if not entity_ids:
        return {}
    # rows unpacked as tuples: reading a result row's attribute by name raises and catches an AttributeError
    scores: dict[int, list | None] = {}
    for entity_id, reasons in db.session.connection().execute(_SCORE_REASONS, {"ids": entity_ids}):
        scores.setdefault(entity_id, reasons)
    need = [i for i in entity_ids if not scores.get(i)]
    latest: dict[int, list | None] = {}
    if need:
        for entity_id, reasons in db.session.connection().execute(_ASSESSMENT_REASONS, {"ids": need}):
            latest.setdefault(entity_id, reasons)
    return {i: _reasons(scores.get(i), lambda i=i: latest.get(i), limit) for i in entity_ids}


@dataclass(frozen=True)
class TaskLine:
    """What the ranked list and its export show of a task."""

    id: int
    entity_id: int
    window_start: date
    window_end: date
    status: TaskStatus


@dataclass(frozen=True)
class EntityLine:
    """What the ranked list and its export show of the task's entity."""

    id: int
    name: str
    uscc: str | None


@dataclass(frozen=True)
class TaskRow:
    """One line of the ranked list (attributes, not a dict: Jinja reads a dict key only after an
    AttributeError, and 40 rows read about 500 of them)."""

    task: TaskLine
    entity: EntityLine
    credit_class: str | None
    probability: float
    reasons: list[str]
    agencies: list[str]
    reason: Any
    address: str
    district: str
    #: the task page's address
    href: str
    #: the inspector's agency has recorded its part (the visit waits for the other agencies')
    own_done: bool = False


def _rows(include_done: bool) -> list[TaskRow]:
    """The inspector's tasks as plain rows: one query for tasks with their entities and addresses, one for
    the agencies taking part, two for the reasons (a 40-task list loaded as ORM objects cost more CPU
    than the rest of the page)."""
    user = current_user._get_current_object()
    # rows as tuples, unpacked: reading a result row's attribute by name raises and catches an
    # AttributeError inside SQLAlchemy (about a tenth of this page's CPU when read by name). These plain
    # selects run on the session's connection: the ORM's execute added about 185,000 instructions to each
    # (a read-only GET has nothing to autoflush)
    tasks = list({row[0]: row for row in db.session.connection().execute(_TASKS_SHOWN[include_done],
                                                            {"user_id": user.id})}.values())
    parts: dict[int, list[tuple[int, float | None, Any, str, TaskStatus]]] = {}
    if tasks:
        for task_id, agency_id, probability, reason, code, status in db.session.connection().execute(
                _TASK_AGENCIES, {"ids": [t[0] for t in tasks]}):
            parts.setdefault(task_id, []).append((agency_id, probability, reason, code, status))
    own_agency = user.agency_id
    done = {task_id for task_id, agencies in parts.items()
            if any(p[0] == own_agency and p[4] == TaskStatus.DONE for p in agencies)}
    if not include_done:  # a visit whose part the agency has recorded leaves the list of what is to do
        tasks = [t for t in tasks if t[0] not in done]
    reasons = top_reasons_many([task[1] for task in tasks])
    rows = []
    # url_for per row cost more than the rest of the row; the request's URL adapter builds the same links
    link = request_ctx.url_adapter.build
    for task_id, entity_id, window_start, window_end, status, name, uscc, credit_class, district, address in tasks:
        agencies = parts.get(task_id, [])
        mine = next((p for p in agencies if p[0] == own_agency), None)
        probability = mine[1] if mine is not None else max((p[1] or 0 for p in agencies), default=0)
        rows.append(TaskRow(task=TaskLine(task_id, entity_id, window_start, window_end, status),
                            entity=EntityLine(entity_id, name, uscc),
                            credit_class=getattr(credit_class, "value", None),
                            probability=probability or 0.0, reasons=reasons[entity_id],
                            agencies=[p[3] for p in agencies],
                            reason=mine[2] if mine is not None else None,
                            address=address or "", district=district or "",
                            href=link("inspector.task", {"task_id": task_id}), own_done=task_id in done))
    return rows


def filtered_rows() -> tuple[list[TaskRow], dict[str, str], list[str]]:
    """The inspector's tasks after the query string's filters, in its order (riskiest first by default), the
    filters as applied, and why any filter given is not applied (``request_guards.choice_filter``)."""
    typed = request.args.get("agency", "").strip()
    codes = list(db.session.scalars(select(Agency.code))) if typed else []
    code = next((c for c in codes if c.upper() == typed.upper()), typed)  # "samr" is SAMR
    with_code = dict(request.args, agency=code)
    notes: list[str] = []
    args = {"q": request.args.get("q", "").strip()}
    for name, label_, choices, default in (("credit_class", _("Class"), "ABCD", ""),
                                           ("agency", _("Agency code"), codes, ""),
                                           ("sort", _("Order"), SORTS, "probability"),
                                           ("done", _("Done too"), ("1",), "")):
        value, note = choice_filter(name, label_, choices, default, args=with_code)
        args[name] = value or ""
        notes += [note] if note else []
    rows = _rows(include_done=args["done"] == "1")
    if args["q"]:
        rows = [r for r in rows if args["q"] in r.entity.name or args["q"] in r.address]
    if args["credit_class"]:
        rows = [r for r in rows if r.credit_class == args["credit_class"]]
    if args["agency"]:
        rows = [r for r in rows if args["agency"] in r.agencies]
    sort = args["sort"]
    keys = {"probability": lambda r: (-r.probability, r.task.window_start),
            "class": lambda r: (-" ABCD".index(r.credit_class or " "), -r.probability),
            "window": lambda r: (r.task.window_start, -r.probability),
            "entity": lambda r: r.entity.name}
    rows.sort(key=keys[sort])
    return rows, args, notes


def status_text(row: TaskRow) -> str:
    """The row's status as the inspector reads it: their agency's part done while the visit waits for others'."""
    if row.own_done and row.task.status != TaskStatus.DONE:
        return _("Your agency's part done")
    return label(row.task.status)


@bp.route("/tasks.<any(csv, xlsx):fmt>")
def tasks_export(fmt: str):
    """The filtered task list as CSV or XLSX (text that looks like a formula is neutralised)."""
    rows, _args, _notes = filtered_rows()
    header = [_("Entity"), _("Unified social credit code"), _("Class"), _("Probability"), _("Top reasons"),
              _("Agencies"), _("Window start"), _("Window end"), _("Address"), _("Status")]
    body = [[r.entity.name, r.entity.uscc or "", r.credit_class or "", round(r.probability, 4),
             "; ".join(r.reasons), ", ".join(r.agencies), r.task.window_start, r.task.window_end,
             r.address, status_text(r)] for r in rows]
    return download(header, body, f"tasks-{local_day().isoformat()}", fmt)


@bp.route("/tasks/<int:task_id>")
def task(task_id: int):
    """A visit: profile summary, each agency's matters, the results so far, the forms."""
    task = own_task_or_404(task_id)
    return _task_page(task, ResultForm())


#: violation codes offered as suggestions on the result form (the agency's most used)
SUGGESTED_CODES = 300
#: ... among its latest violations: the page reads a bounded number of rows however many the agency has
RECENT_VIOLATIONS = 20_000


def _violation_codes() -> list[tuple[str, str, str]]:
    """The codes the inspector's agency has recorded lately, most used first: (code, usual description, usual
    severity)."""
    if not current_user.agency_id:
        return []
    recent = (select(Violation.id).where(Violation.agency_id == current_user.agency_id)
              .order_by(Violation.id.desc()).limit(RECENT_VIOLATIONS).subquery())
    used = db.session.execute(
        select(Violation.code, Violation.description, Violation.severity, func.count())
        .where(Violation.id.in_(select(recent.c.id)), Violation.code.is_not(None))
        .group_by(Violation.code, Violation.description, Violation.severity)
        .order_by(func.count().desc(), Violation.code).limit(SUGGESTED_CODES * 3)).all()
    codes: dict[str, tuple[str, str, str]] = {}
    for code, description, severity, _n in used:
        if code not in codes and len(codes) < SUGGESTED_CODES:
            codes[code] = (code, description or "", severity.value)
    return sorted(codes.values())


def _task_context(task: InspectionTask, part: Any) -> dict[str, Any]:
    inspections = db.session.scalars(select(Inspection).where(Inspection.task_id == task.id)).all()
    referrals = db.session.scalars(select(Referral).where(Referral.task_id == task.id)
                                   .order_by(Referral.id)).all()
    return {"task": task, "entity": task.entity, "part": part, "reasons": top_reasons(task.entity),
            "inspections": inspections, "referrals": referrals, "own_records": _own_records(inspections),
            "assessment": latest_assessment(task.entity_id)}


def _own_records(inspections: list[Inspection]) -> dict[int, dict[str, list]]:
    """What the inspector's agency recorded with its result of the visit, by inspection: its violations and its
    enforcement action (recorded from the same source row); withdrawn ones left out. Other agencies' are not
    read."""
    own = [i for i in inspections if current_user.agency_id and i.agency_id == current_user.agency_id]
    records: dict[int, dict[str, list]] = {}
    for inspection in own:
        violations = db.session.scalars(
            select(Violation).where(Violation.inspection_id == inspection.id,
                                    Violation.status != RecordStatus.WITHDRAWN).order_by(Violation.id)).all()
        actions = db.session.scalars(
            select(EnforcementAction).where(EnforcementAction.agency_id == inspection.agency_id,
                                            EnforcementAction.source_record_id == inspection.source_record_id,
                                            EnforcementAction.entity_id == inspection.entity_id,
                                            EnforcementAction.status != RecordStatus.WITHDRAWN)
            .order_by(EnforcementAction.id)).all()
        records[inspection.id] = {"violations": violations, "actions": actions}
    return records


def _referral_form() -> ReferralForm:
    form = ReferralForm(prefix="ref")
    agencies = db.session.scalars(select(Agency).where(Agency.active.is_(True), Agency.id != current_user.agency_id)
                                  .order_by(Agency.code))
    # none chosen for the inspector: a finding sent without choosing would go to the first agency listed
    form.to_agency.choices = [(0, _("Choose the agency"))] + [(a.id, f"{a.code} · {agency_name(a)}") for a in agencies]
    return form


@bp.route("/tasks/<int:task_id>/sheet")
def task_sheet(task_id: int):
    """A printable task sheet."""
    task = own_task_or_404(task_id)
    part = service.part_for(task, current_user.agency_id) if current_user.agency_id else None
    return render_template("inspector/task_sheet.html", **_task_context(task, part))


@bp.route("/tasks/<int:task_id>/result", methods=["POST"])
def task_result(task_id: int):
    """Record the inspector's agency's result of the visit; a refused one shows the form again as it was filled."""
    task = own_task_or_404(task_id)
    form = ResultForm()
    if not form.validate_on_submit():
        for name, errors in form.errors.items():
            flash(_("%(field)s: %(message)s", field=getattr(form, name).label.text,
                    message="; ".join(_field_errors(errors))), "danger")
        return _task_page(task, form), 400
    try:
        data = service.ResultInput(
            result=InspectionResult(form.result.data), inspection_date=form.inspection_date.data,
            violations=form.found_violations(),
            penalty_type=PenaltyType(form.penalty_type.data) if form.penalty_type.data else None,
            penalty_amount=(form.penalty_amount.data or "").strip() or None,
            penalty_description=form.penalty_description.data or "", decision_no=form.decision_no.data or "",
            notes=form.notes.data or "", internal_notes=form.internal_notes.data or "")
        service.record_result(task, current_user.agency_id, data, user=current_user)
    except service.ResultError as exc:
        db.session.rollback()
        if exc.field and hasattr(form, exc.field):  # said at the field it is about
            getattr(form, exc.field).errors = [*getattr(form, exc.field).errors, str(exc)]
        else:
            flash(str(exc), "danger")
        return _task_page(task, form), 400
    db.session.commit()
    flash(_("Result recorded on the entity's profile."), "success")
    return redirect(url_for("inspector.task", task_id=task.id))


def _field_errors(errors: Any) -> list[str]:
    """A field's errors as text: a violation row's are a dict per row (None for a row without any)."""
    if isinstance(errors, dict):
        return [str(e) for errs in errors.values() for e in _field_errors(errs)]
    out = []
    for number, e in enumerate(errors, start=1):
        if isinstance(e, dict):
            out.extend(_("Violation %(number)s: %(message)s", number=number, message=m) for m in _field_errors(e))
        elif e:
            out.append(str(e))
    return out


def _task_page(task: InspectionTask, result_form: ResultForm, referral_form: ReferralForm | None = None) -> str:
    rows = result_form.violations
    if len(rows) < MAX_VIOLATIONS and all((row.form.code.data or "").strip() for row in rows):
        rows.append_entry()  # room for one more, also without the page's script
    part = service.part_for(task, current_user.agency_id) if current_user.agency_id else None
    # the template shows the form only then
    recording = part is not None and part.inspection_id is None and part.status != TaskStatus.CANCELLED
    return render_template("inspector/task.html", **_task_context(task, part), result_form=result_form,
                           referral_form=referral_form or _referral_form(),
                           violation_codes=_violation_codes() if recording else [], max_violations=MAX_VIOLATIONS)


@bp.route("/tasks/<int:task_id>/referral", methods=["POST"])
def task_referral(task_id: int):
    """Send a finding from this visit to the agency whose remit it is in; a refused one shows the form again as
    it was filled, saying why at its field."""
    task = own_task_or_404(task_id)
    form = _referral_form()
    if not form.validate_on_submit():
        return _task_page(task, ResultForm(formdata=None), form), 400
    part = service.part_for(task, current_user.agency_id)
    try:
        referral_service.send(task.entity_id, current_user.agency_id, form.to_agency.data, form.description.data,
                              user=current_user, task_id=task.id,
                              inspection_id=part.inspection_id if part is not None else None)
    except referral_service.ReferralError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return _task_page(task, ResultForm(formdata=None), form), 400
    db.session.commit()
    flash(_("Referral sent."), "success")
    return redirect(url_for("inspector.task", task_id=task.id))
