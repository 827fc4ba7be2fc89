"""The administrator's home: the platform at a glance, and the agencies (registered, changed, deactivated)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from wtforms import SelectChoice

from models import (
    Agency,
    AuditLog,
    ImportBatch,
    MarketEntity,
    ModelVersion,
    Notification,
    Role,
    SourceRecord,
    SourceStatus,
    User,
)

from ..extensions import db
from ..i18n import label
from ..ingest.mapping import available_mappings
from ..nav import nav_item
from ..services import audit, mail
from ..services.agencies import DOMAINS, AgencyError, save_agency
from . import bp
from .forms import AgencyForm, refuse

nav_item("admin.index", _l("Overview"), "admin", order=20, menu=_l("Administration"))
nav_item("admin.agencies", _l("Agencies"), "admin", order=22, menu=_l("Administration"))


@bp.route("/")
def index():
    """Counts of what the platform holds, latest imports and the active model."""
    def count(column, *where):  # noqa: ANN001, ANN202
        return db.session.scalar(select(func.count(column)).where(*where)) or 0

    stats = {
        "users": count(User.id),
        "agencies": count(Agency.id),
        "entities": count(MarketEntity.id, MarketEntity.merged_into_id.is_(None)),
        "records": count(SourceRecord.id, SourceRecord.status == SourceStatus.ACCEPTED),
        "quarantined": count(SourceRecord.id, SourceRecord.status == SourceStatus.REJECTED),
        "audit": count(AuditLog.id),
    }
    batches = db.session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(10)).all()
    active_model = db.session.scalar(select(ModelVersion).where(ModelVersion.active.is_(True)))
    return render_template("admin/index.html", stats=stats, batches=batches, active_model=active_model,
                           mail=_mail_state(count), security=_security_state(count))


def _mail_state(count) -> dict:  # noqa: ANN001
    """Whether mail goes out, and how the outbox stands (``flask notices mail``)."""
    config = current_app.config
    return {"configured": mail.configured(), "server": config.get("MAIL_SERVER"), "base_url": config.get("BASE_URL"),
            "waiting": count(Notification.id, Notification.mail_status.is_(None)),
            "failed": count(Notification.id, Notification.mail_status == "failed"),
            "last_sent": db.session.scalar(select(func.max(Notification.mailed_at)))}


def _security_state(count) -> dict:  # noqa: ANN001
    """Two-step sign-in across the accounts, the accounts locked out now, and the host names served."""
    roles = [Role(r) for r in current_app.config.get("TWO_STEP_ROLES") or ()]
    return {"two_step": count(User.id, User.active.is_(True), User.totp_secret.is_not(None)),
            "active": count(User.id, User.active.is_(True)),
            "required": roles,
            "missing": count(User.id, User.active.is_(True), User.totp_secret.is_(None), User.role.in_(roles))
            if roles else 0,
            "locked": count(User.id, User.locked_until > datetime.now(UTC)),
            "hosts": current_app.config.get("TRUSTED_HOSTS")}


@bp.route("/agencies")
def agencies():
    """Agencies, their domains and import mappings."""
    rows = db.session.execute(
        select(Agency, func.count(User.id)).outerjoin(User, User.agency_id == Agency.id)
        .group_by(Agency.id).order_by(Agency.code)).all()
    return render_template("admin/agencies.html", rows=rows)


def _agency_form(agency: Agency | None) -> AgencyForm:
    form = AgencyForm(obj=agency)
    form.domain.choices = [SelectChoice(d, label(d)) for d in DOMAINS]
    form.mapping.choices = [SelectChoice("", _("The mapping file named by the code"))] + [
        SelectChoice(code, code) for code in available_mappings()]
    if agency is not None and request.method == "GET":
        form.mapping.data = agency.mapping or ""
    return form


@bp.route("/agencies/new", methods=["GET", "POST"])
def agency_new():
    """Register an agency."""
    return _agency_page(None)


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
def agency_edit(agency_id: int):
    """Change an agency's names, field, mapping, or whether it is active (its code stays)."""
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        abort(404)
    return _agency_page(agency)


def _agency_page(agency: Agency | None):  # noqa: ANN202 - a response
    form = _agency_form(agency)
    if agency is not None:
        form.code.data = agency.code  # fixed: files, tokens and audit rows are named by it
    if form.validate_on_submit():
        try:
            saved = save_agency(agency, code=form.code.data, name=form.name.data, name_en=form.name_en.data,
                                domain=form.domain.data, mapping=form.mapping.data or None,
                                active=form.active.data if agency is not None else True)
        except AgencyError as exc:
            db.session.rollback()
            refuse(form, str(exc), exc.field)
        else:
            audit.record("agency.create" if agency is None else "agency.update", object_type="agency",
                         object_id=saved.id, code=saved.code, active=saved.active, mapping=saved.mapping)
            db.session.commit()
            flash(_("Agency %(code)s saved.", code=saved.code), "success")
            return redirect(url_for("admin.agencies"))
    return render_template("admin/agency_edit.html", form=form, agency=agency)
