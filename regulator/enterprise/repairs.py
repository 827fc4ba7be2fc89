"""Credit repair applications of the enterprise: apply for one, follow its decision."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from models import CreditRepair

from ..extensions import db
from ..nav import nav_item
from ..record_kinds import KINDS, REPAIR_TARGETS, form_value
from ..services import attachments
from ..services import repairs as service
from ..services.objections import history
from . import bp
from .forms import RepairForm, uploads
from .home import own_entity_id, own_or_404, own_rows

nav_item("enterprise.repairs", _l("Credit repair"), "enterprise", order=32)


@bp.route("/repairs")
def repairs():
    """Every application, newest first, with its state."""
    return render_template("enterprise/repairs.html", repairs=own_rows(CreditRepair),
                           repairable=service.repairable(own_entity_id()))


@bp.route("/repairs/new/<target_type>/<int:target_id>", methods=["GET", "POST"])
def repair_new(target_type: str, target_id: int):
    """Apply to end a penalty's publication or to leave a list, for a record of the own entity."""
    record = service.record_of(target_type, target_id)
    if record is None or record.entity_id != own_entity_id():
        abort(404)
    kind = KINDS[REPAIR_TARGETS[target_type]]
    verdict = service.eligibility(target_type, record)
    pending = service.open_for_entity(record.entity_id).get((target_type, target_id))
    form = RepairForm()
    if verdict.allowed and pending is None and form.validate_on_submit():
        try:
            repair = service.apply(current_user, target_type, target_id, form.reason.data, form.evidence_text.data)
            attachments.attach(service.SUBJECT, repair.id, uploads(), current_user)
        except attachments.AttachmentError as exc:
            db.session.rollback()
            form.documents.errors = [*form.documents.errors, str(exc)]  # shown at the field, which it names
        except service.RepairError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Your application was sent to the agency that owns the record."), "success")
            return redirect(url_for("enterprise.repair", repair_id=repair.id))
    return render_template("enterprise/repair_new.html", form=form, kind=kind, record=record, verdict=verdict,
                           pending=pending,
                           fields=[(f, form_value(f, record)) for f in kind.fields])


@bp.route("/repairs/<int:repair_id>")
def repair(repair_id: int):
    """One application: the record, the reason, every step and the decision."""
    repair = own_or_404(CreditRepair, repair_id)
    record = service.record_of(repair.target_type, repair.target_id)
    kind = KINDS[REPAIR_TARGETS[repair.target_type]]
    return render_template("enterprise/repair.html", repair=repair, kind=kind, record=record,
                           steps=history(service.SUBJECT, repair.id),
                           documents=attachments.of(service.SUBJECT, repair.id),
                           fields=[(f, form_value(f, record)) for f in kind.fields])
