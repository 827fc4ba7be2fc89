"""The coordinator's home: the supervised population by class and the work waiting for the agency."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from models import (
    Campaign,
    CampaignAgency,
    CreditRepair,
    ImportBatch,
    MarketEntity,
    MatchReview,
    Objection,
    Referral,
    ReferralStatus,
    ReviewStatus,
    SourceRecord,
)

from ..extensions import db
from ..ingest.quarantine import count_query
from ..nav import nav_item
from ..services import objections, publication, repairs, working_days
from . import bp

OPEN = {Objection: objections.OPEN, CreditRepair: repairs.OPEN}

nav_item("coordinator.index", _l("Coordination"), "coordinator", "admin", order=30)


def _count_open(model, where: tuple) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count(model.id)).where(model.status.in_(OPEN[model]), *where)) or 0


def _overdue(model, where: tuple) -> int:  # noqa: ANN001
    """Open requests of the agency past the day they were to be decided by."""
    dues = (working_days.decide_by(row) for row in db.session.scalars(
        select(model).where(model.status.in_(OPEN[model]), *where)))
    return sum(1 for due in dues if due is not None and due.overdue)


@bp.route("/")
def index():
    """Entities by credit class, and pending reviews, objections, repairs, referrals and rejected rows."""
    agency_id = current_user.agency_id
    by_class = dict(db.session.execute(
        select(MarketEntity.credit_class, func.count(MarketEntity.id))
        .where(MarketEntity.merged_into_id.is_(None)).group_by(MarketEntity.credit_class)).all())

    def pending(model, status, *where):  # noqa: ANN001, ANN202
        return db.session.scalar(select(func.count(model.id)).where(model.status == status, *where)) or 0

    own = (lambda model: (model.agency_id == agency_id,)) if agency_id else (lambda model: ())
    work = {
        "reviews": db.session.scalar(select(func.count(MatchReview.id)).join(
            SourceRecord, SourceRecord.id == MatchReview.source_record_id).where(
            MatchReview.status == ReviewStatus.PENDING, *((SourceRecord.agency_id == agency_id,) if agency_id else ())))
        or 0,
        # open ones, submitted or under review, as the lists' "To decide" tab counts them
        "objections": _count_open(Objection, own(Objection)),
        "repairs": _count_open(CreditRepair, own(CreditRepair)),
        "referrals": pending(Referral, ReferralStatus.SENT,
                             *((Referral.to_agency_id == agency_id,) if agency_id else ())),
        "quarantine": db.session.scalar(count_query(agency_id)) or 0,
    }
    late = {"objections": _overdue(Objection, own(Objection)), "repairs": _overdue(CreditRepair, own(CreditRepair))}
    campaigns_stmt = select(Campaign).order_by(Campaign.id.desc()).limit(5)
    if agency_id:  # the campaigns the agency leads or takes part in (the others' pages are closed to it)
        campaigns_stmt = campaigns_stmt.where(or_(
            Campaign.lead_agency_id == agency_id,
            Campaign.id.in_(select(CampaignAgency.campaign_id).where(CampaignAgency.agency_id == agency_id))))
    campaigns = db.session.scalars(campaigns_stmt).all()
    batches_stmt = select(ImportBatch).order_by(ImportBatch.id.desc()).limit(5)
    if agency_id:
        batches_stmt = batches_stmt.where(ImportBatch.agency_id == agency_id)
    batches = db.session.scalars(batches_stmt).all()
    # the results the agency must release (an administrator sees every campaign's)
    to_publish = publication.waiting(lead_agency_id=agency_id) if agency_id else publication.waiting()
    return render_template("coordinator/index.html", by_class=by_class, work=work,
                           campaigns=campaigns, batches=batches, to_publish=to_publish, late=late)
