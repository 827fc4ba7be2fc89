"""Objections raised by the enterprise: raise one on a record, follow it step by step, withdraw it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import Objection, RecordStatus

from ..extensions import db
from ..nav import nav_item
from ..record_kinds import KINDS, form_value
from ..services import attachments
from ..services import objections as service
from . import bp
from .forms import ObjectionForm, WithdrawForm, uploads
from .home import own_entity_id, own_or_404, own_rows

nav_item("enterprise.objections", _l("My objections"), "enterprise", order=31)


@bp.route("/objections")
def objections():
    """Every objection the enterprise raised, newest first, with its state."""
    return render_template("enterprise/objections.html", objections=own_rows(Objection))


@bp.route("/objections/new/<kind>/<int:record_id>", methods=["GET", "POST"])
def objection_new(kind: str, record_id: int):
    """Object to one record of the own entity: the reason and the supporting documents' text."""
    spec = KINDS.get(kind)
    record = db.session.get(spec.model, record_id) if spec else None
    if record is None or record.entity_id != own_entity_id():
        abort(404)
    pending = service.open_for_entity(record.entity_id).get((kind, record_id))
    closed = record.status == RecordStatus.WITHDRAWN
    form = ObjectionForm()
    if pending is None and not closed and form.validate_on_submit():
        try:
            objection = service.submit(current_user, kind, record_id, form.reason.data,
                                       form.attachments_text.data)
            attachments.attach(service.SUBJECT, objection.id, uploads(), current_user)
        except attachments.AttachmentError as exc:
            db.session.rollback()
            form.documents.errors = [*form.documents.errors, str(exc)]  # shown at the field, which it names
        except service.ObjectionError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Your objection was sent to the agency that owns the record."), "success")
            return redirect(url_for("enterprise.objection", objection_id=objection.id))
    return render_template("enterprise/objection_new.html", form=form, kind=spec, record=record, pending=pending,
                           closed=closed,
                           fields=[(f, form_value(f, record)) for f in spec.fields])


@bp.route("/objections/<int:objection_id>")
def objection(objection_id: int):
    """One objection: the record, the reason, every step so far and the decision."""
    objection = own_or_404(Objection, objection_id)
    kind, record = service.target(objection)
    return render_template("enterprise/objection.html", objection=objection, kind=kind, record=record,
                           steps=service.history(service.SUBJECT, objection.id), form=WithdrawForm(),
                           documents=attachments.of(service.SUBJECT, objection.id),
                           fields=[(f, form_value(f, record)) for f in kind.fields])


@bp.route("/objections/<int:objection_id>/withdraw", methods=["POST"])
def objection_withdraw(objection_id: int):
    """Take an open objection back."""
    objection = own_or_404(Objection, objection_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            service.withdraw(objection, current_user)
        except service.ObjectionError as exc:
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Objection withdrawn."), "success")
    return redirect(url_for("enterprise.objection", objection_id=objection.id))
