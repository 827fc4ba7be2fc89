"""Enterprise requests and inter-agency leads: objections, credit repair, referrals, alerts, their history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import AlertKind, ObjectionStatus, ReferralStatus, RepairStatus

#: a request still to be decided (submitted or under review): at most one such per record
OPEN_REQUEST = text("status IN ('submitted', 'under_review')")


def one_open_request(name: str, *columns: str) -> Index:
    """At most one open request per record, whatever the application checked before inserting (two submits of
    one form at once both find none open)."""
    return Index(name, *columns, unique=True, sqlite_where=OPEN_REQUEST, postgresql_where=OPEN_REQUEST)


class Objection(CreatedMixin, Base):
    """An enterprise's claim that a record about it is wrong; decided by the agency that owns the record."""

    __tablename__ = "objection"
    __table_args__ = (one_open_request("uq_objection_open", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int]
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text)
    attachments_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ObjectionStatus] = mapped_column(enum_column(ObjectionStatus),
                                                    default=ObjectionStatus.SUBMITTED, index=True)
    #: when accepted: "corrected" or "withdrawn"
    resolution: Mapped[str | None] = mapped_column(String(32))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]

    agency = relationship("Agency")


class CreditRepair(CreatedMixin, Base):
    """An application to end a penalty's publication or leave the abnormal-operations list."""

    __tablename__ = "credit_repair"
    __table_args__ = (one_open_request("uq_credit_repair_open", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    #: "enforcement_action" or "list_entry"
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int]
    applicant_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reason: Mapped[str] = mapped_column(Text)
    evidence_text: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RepairStatus] = mapped_column(enum_column(RepairStatus), default=RepairStatus.SUBMITTED,
                                                 index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]

    agency = relationship("Agency")


class Referral(CreatedMixin, Base):
    """A finding sent to the agency whose remit it belongs to, as a lead."""

    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    from_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    to_agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_task.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[ReferralStatus] = mapped_column(enum_column(ReferralStatus), default=ReferralStatus.SENT,
                                                   index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)

    from_agency = relationship("Agency", foreign_keys=[from_agency_id])
    to_agency = relationship("Agency", foreign_keys=[to_agency_id])


class Alert(CreatedMixin, Base):
    """A notice to an agency, e.g. a joint-punishment alert for an entity on the serious illegal list."""

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AlertKind] = mapped_column(enum_column(AlertKind))
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    list_entry_id: Mapped[int | None] = mapped_column(ForeignKey("list_entry.id"))
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referral.id"))
    message: Mapped[str | None] = mapped_column(Text)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    acknowledged_at: Mapped[datetime | None]


class StatusEvent(CreatedMixin, Base):
    """Every state a request went through (objection, repair, referral), so each side sees each step."""

    __tablename__ = "status_event"
    __table_args__ = (Index("ix_status_event_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Attachment(CreatedMixin, Base):
    """A document an enterprise sent with an objection or a credit repair application (PDF or image).

    Kept in the database with the request it belongs to, so that the request and its documents are
    written in one transaction and backed up together.
    """

    __tablename__ = "attachment"
    __table_args__ = (Index("ix_attachment_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "objection" or "credit_repair" (as in StatusEvent)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
