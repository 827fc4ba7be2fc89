"""Referrals received from and sent to other agencies, and the agency's alerts (joint punishment, referrals)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, or_, select
from werkzeug.exceptions import NotFound

from models import Agency, Alert, AlertKind, ListEntry, MarketEntity, Referral, Role, User

from ..extensions import db
from ..i18n import agency_name_column
from ..nav import nav_item
from ..paging import page_of
from ..services import referrals as service
from ..services.objections import history
from . import bp
from .forms import AcknowledgeAllForm, ReferralDecisionForm, StepForm
from .tasks import task_or_404

nav_item("coordinator.referrals", _l("Referrals"), "coordinator", "admin", order=35, menu=_l("To decide"))


def referral_or_404(referral_id: int) -> Referral:
    """A referral sent by or to the coordinator's agency (any, for administrators)."""
    referral = db.session.get(Referral, referral_id)
    if referral is None:
        abort(404)
    if current_user.role != Role.ADMIN and current_user.agency_id not in (referral.from_agency_id,
                                                                          referral.to_agency_id):
        abort(404)
    return referral


#: alerts listed, newest first (the count above the list says how many wait in all)
ALERTS_SHOWN = 200


@bp.route("/referrals")
def referrals():
    """Received referrals (to accept and act on) and sent ones (to follow), a page at a time, with the agency's
    alerts."""
    stmt = select(Referral, MarketEntity.name).join(MarketEntity, MarketEntity.id == Referral.entity_id)
    # a joint-punishment alert names its listing (an entity may be listed twice, by two agencies)
    alerts = (select(Alert, MarketEntity.name, ListEntry.added_date, agency_name_column(), ListEntry.added_reason)
              .join(MarketEntity, MarketEntity.id == Alert.entity_id)
              .outerjoin(ListEntry, ListEntry.id == Alert.list_entry_id)
              .outerjoin(Agency, Agency.id == ListEntry.agency_id))
    unseen = select(func.count(Alert.id)).where(Alert.acknowledged_at.is_(None))
    if current_user.role != Role.ADMIN:
        stmt = stmt.where(or_(Referral.to_agency_id == current_user.agency_id,
                              Referral.from_agency_id == current_user.agency_id))
        alerts = alerts.where(Alert.agency_id == current_user.agency_id)
        unseen = unseen.where(Alert.agency_id == current_user.agency_id)
    if request.args.get("alerts") != "all":
        alerts = alerts.where(Alert.acknowledged_at.is_(None))
    rows, page, pages, total = page_of(stmt.order_by(Referral.id.desc()), rows=True)
    return render_template("coordinator/referrals.html", rows=rows, page=page, pages=pages, total=total,
                           alerts=db.session.execute(alerts.order_by(Alert.id.desc()).limit(ALERTS_SHOWN)).all(),
                           unseen=db.session.scalar(unseen), shown=ALERTS_SHOWN,
                           form=StepForm(), all_form=AcknowledgeAllForm(), joint=AlertKind.JOINT_PUNISHMENT)


@bp.route("/referrals/<int:referral_id>", methods=["GET", "POST"])
def referral(referral_id: int):
    """One referral and its history; the receiving agency accepts, rejects or records what it did."""
    referral = referral_or_404(referral_id)
    receiving = current_user.role == Role.ADMIN or current_user.agency_id == referral.to_agency_id
    form = ReferralDecisionForm()
    if form.validate_on_submit():
        if not receiving:
            abort(403)
        try:
            if form.decision.data == "acted":
                service.acted(referral, current_user, form.note.data or "")
            else:
                service.decide(referral, current_user, form.decision.data == "accepted", form.note.data or "")
        except service.ReferralError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("Decision recorded."), "success")
            return redirect(url_for("coordinator.referral", referral_id=referral.id))
    return render_template("coordinator/referral.html", referral=referral, form=form, receiving=receiving,
                           steps=history(service.SUBJECT, referral.id),
                           entity=db.session.get(MarketEntity, referral.entity_id),
                           sender=db.session.get(User, referral.created_by_id),
                           task_opens=_may_open_task(referral.task_id))


def _may_open_task(task_id: int | None) -> bool:
    """Whether the viewer may open the visit the referral was sent from (``tasks.task_or_404`` rules)."""
    if task_id is None:
        return False
    try:
        task_or_404(task_id)
    except NotFound:
        return False
    return True


@bp.route("/alerts/<int:alert_id>/acknowledge", methods=["POST"])
def alert_acknowledge(alert_id: int):
    """Mark one of the agency's alerts as seen."""
    alert = db.session.get(Alert, alert_id)
    if alert is None or (current_user.role != Role.ADMIN and alert.agency_id != current_user.agency_id):
        abort(404)
    if not StepForm().validate_on_submit():
        abort(400)
    service.acknowledge(alert, current_user)
    db.session.commit()
    return redirect(url_for("coordinator.referrals"))


@bp.route("/alerts/acknowledge", methods=["POST"])
def alerts_acknowledge():
    """Mark as seen every waiting alert of the agency up to the newest the page showed."""
    form = AcknowledgeAllForm()
    if not form.validate_on_submit():
        abort(400)
    agency_id = None if current_user.role == Role.ADMIN else current_user.agency_id
    if agency_id is None and current_user.role != Role.ADMIN:  # a coordinator of no agency has no alerts
        abort(403)
    count = service.acknowledge_all(current_user, agency_id, form.up_to.data)
    db.session.commit()
    flash(ngettext("%(num)d alert acknowledged.", "%(num)d alerts acknowledged.", count), "success")
    return redirect(url_for("coordinator.referrals"))
