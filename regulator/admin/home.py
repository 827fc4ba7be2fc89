"""The administrator's home: the platform at a glance, and the agencies."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from models import Agency, AuditLog, ImportBatch, MarketEntity, ModelVersion, SourceRecord, SourceStatus, User

from ..extensions import db
from ..nav import nav_item
from . import bp

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
    return render_template("admin/index.html", stats=stats, batches=batches, active_model=active_model)


@bp.route("/agencies")
def agencies():
    """Agencies, their domains and import mappings."""
    rows = db.session.execute(
        select(Agency, func.count(User.id)).outerjoin(User, User.agency_id == Agency.id)
        .group_by(Agency.id).order_by(Agency.code)).all()
    return render_template("admin/agencies.html", rows=rows)
