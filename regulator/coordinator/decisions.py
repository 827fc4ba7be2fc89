"""Deciding the enterprises' objections and credit repair applications, for the coordinator's own agency.

Administrators see every agency's; a coordinator sees only those about records their agency owns.
"""

from __future__ import annotations

from typing import TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from models import CreditRepair, MarketEntity, Objection, ObjectionStatus, RepairStatus, Role

from ..access import same_agency_or_admin
from ..extensions import db
from ..nav import nav_item
from ..paging import page_of
from ..record_kinds import KINDS, REPAIR_TARGETS, FieldError, changed_fields, form_value
from ..request_guards import choice_filter
from ..services import attachments
from ..services import objections as objection_service
from ..services import repairs as repair_service
from . import bp
from .forms import ObjectionDecisionForm, RepairDecisionForm

nav_item("coordinator.objections", _l("Objections"), "coordinator", "admin", order=33, menu=_l("To decide"))
nav_item("coordinator.repairs", _l("Credit repair"), "coordinator", "admin", order=34, menu=_l("To decide"))
PAGE_SIZE = 50
T = TypeVar("T", Objection, CreditRepair)


def _listing(model, statuses: dict[str, tuple]):  # noqa: ANN001, ANN202
    state, note = choice_filter("state", _("State"), (*statuses, "all"), "open")
    stmt = select(model, MarketEntity.name).join(MarketEntity, MarketEntity.id == model.entity_id)
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(model.agency_id == current_user.agency_id)
    if state in statuses:
        stmt = stmt.where(model.status.in_(statuses[state]))
    rows, page, pages, total = page_of(stmt.order_by(model.id.desc()), PAGE_SIZE, rows=True)
    return rows, state, page, pages, total, [note] if note else []


def agency_row_or_404(model: type[T], row_id: int) -> T:
    """An objection or repair application about a record the coordinator's agency owns (any, for administrators)."""
    row = db.session.get(model, row_id)
    if row is None or not same_agency_or_admin(row.agency_id):
        abort(404)
    return row


@bp.route("/objections")
def objections():
    """Objections to the agency's records: open ones first by default, or decided, or all."""
    rows, state, page, pages, total, notes = _listing(Objection, {
        "open": objection_service.OPEN,
        "decided": (ObjectionStatus.ACCEPTED, ObjectionStatus.REJECTED, ObjectionStatus.WITHDRAWN)})
    return render_template("coordinator/objections.html", rows=rows, state=state, page=page, pages=pages,
                           total=total, notes=notes)



@bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
def objection(objection_id: int):
    """The record and the objection side by side; correct, withdraw or reject with a reason."""
    objection = agency_row_or_404(Objection, objection_id)
    kind, record = objection_service.target(objection)
    form = ObjectionDecisionForm()
    _offer_review(form, objection.status == ObjectionStatus.SUBMITTED)
    error_field = error_message = None
    if form.validate_on_submit():
        reason = form.reason.data or ""
        try:
            if form.decision.data == "review":
                objection_service.start_review(objection, current_user, reason)
            elif form.decision.data == "rejected":
                objection_service.reject(objection, current_user, reason)
            else:
                changes = changed_fields(kind, record, request.form) if form.decision.data == "corrected" else {}
                objection_service.accept(objection, current_user, resolution=form.decision.data, changes=changes,
                                         reason=reason)
        except FieldError as exc:
            db.session.rollback()
            error_field, error_message = exc.field, exc.message  # said at the field
        except objection_service.ObjectionError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Decision recorded."), "success")
            return redirect(url_for("coordinator.objection", objection_id=objection.id))
    return render_template("coordinator/objection.html", objection=objection, kind=kind, record=record, form=form,
                           fields=[(f, request.form.get("field-" + f.name, form_value(f, record)))
                                   for f in kind.fields],
                           steps=objection_service.history(objection_service.SUBJECT, objection.id),
                           documents=attachments.of(objection_service.SUBJECT, objection.id),
                           entity=db.session.get(MarketEntity, objection.entity_id), error_field=error_field,
                           error_message=error_message)


def _offer_review(form: ObjectionDecisionForm | RepairDecisionForm, offered: bool) -> None:
    """Taking a request up for review is a choice only while it has not been taken up."""
    if not offered:
        form.decision.choices = [c for c in form.decision.choices if c.value != "review"]


@bp.route("/repairs")
def repairs():
    """Credit repair applications about the agency's records."""
    rows, state, page, pages, total, notes = _listing(CreditRepair, {
        "open": repair_service.OPEN, "decided": (RepairStatus.GRANTED, RepairStatus.REJECTED)})
    return render_template("coordinator/repairs.html", rows=rows, state=state, page=page, pages=pages, total=total,
                           notes=notes)


@bp.route("/repairs/<int:repair_id>", methods=["GET", "POST"])
def repair(repair_id: int):
    """The record and the application side by side; grant or reject with a reason."""
    repair = agency_row_or_404(CreditRepair, repair_id)
    record = repair_service.record_of(repair.target_type, repair.target_id)
    kind = KINDS[REPAIR_TARGETS[repair.target_type]]
    form = RepairDecisionForm()
    _offer_review(form, repair.status == RepairStatus.SUBMITTED)
    if form.validate_on_submit():
        try:
            if form.decision.data == "review":
                repair_service.start_review(repair, current_user, form.reason.data)
            elif form.decision.data == "granted":
                repair_service.grant(repair, current_user, form.reason.data or "")
            else:
                repair_service.reject(repair, current_user, form.reason.data or "")
        except repair_service.RepairError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Decision recorded."), "success")
            return redirect(url_for("coordinator.repair", repair_id=repair.id))
    return render_template("coordinator/repair.html", repair=repair, kind=kind, record=record, form=form,
                           fields=[(f, form_value(f, record)) for f in kind.fields],
                           steps=objection_service.history(repair_service.SUBJECT, repair.id),
                           documents=attachments.of(repair_service.SUBJECT, repair.id),
                           entity=db.session.get(MarketEntity, repair.entity_id))
