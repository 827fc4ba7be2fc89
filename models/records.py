"""Facts about entities from every agency: licences, inspections, violations, complaints, context."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import (
    ComplaintStatus,
    InspectionResult,
    InspectionType,
    LicenceStatus,
    LinkMethod,
    RecordStatus,
    SelectionReason,
    Severity,
)


class FactMixin(CreatedMixin):
    """Columns every fact shares: its entity, owning agency, source row and lifecycle."""

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    status: Mapped[RecordStatus] = mapped_column(enum_column(RecordStatus), default=RecordStatus.ACTIVE)
    external_id: Mapped[str | None] = mapped_column(String(200))


class Licence(FactMixin, Base):
    """A licence or permit an agency granted."""

    __tablename__ = "licence"

    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    licence_no: Mapped[str | None] = mapped_column(String(100), index=True)
    licence_type: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    issue_date: Mapped[date | None]
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    licence_status: Mapped[LicenceStatus] = mapped_column(enum_column(LicenceStatus),
                                                          default=LicenceStatus.UNKNOWN)


class Inspection(FactMixin, Base):
    """An inspection visit, with why it was selected and with what probability (for unbiased training)."""

    __tablename__ = "inspection"
    __table_args__ = (Index("ix_inspection_entity_date", "entity_id", "inspection_date"),)

    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    inspection_date: Mapped[date] = mapped_column(Date, index=True)
    inspection_type: Mapped[InspectionType] = mapped_column(enum_column(InspectionType),
                                                            default=InspectionType.ROUTINE)
    selection_reason: Mapped[SelectionReason] = mapped_column(enum_column(SelectionReason),
                                                              default=SelectionReason.UNKNOWN)
    selection_probability: Mapped[float | None]
    result: Mapped[InspectionResult | None] = mapped_column(enum_column(InspectionResult))
    serious_violation: Mapped[bool | None]
    violation_count: Mapped[int] = mapped_column(default=0)
    #: inspector names as the agency wrote them; platform inspectors are in InspectionInspector
    inspectors_text: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    #: notes visible to the recording agency only
    internal_notes: Mapped[str | None] = mapped_column(Text)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("inspection_task.id"), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]

    violations: Mapped[list[Violation]] = relationship(back_populates="inspection")
    agency = relationship("Agency")


class InspectionInspector(Base):
    """A platform inspector who took part in an inspection (conflict-of-interest history)."""

    __tablename__ = "inspection_inspector"

    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = mapped_column(ForeignKey("inspection.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)


class Violation(FactMixin, Base):
    """A violation found, usually at an inspection."""

    __tablename__ = "violation"
    __table_args__ = (Index("ix_violation_entity_date", "entity_id", "found_date"),)

    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"))
    inspection_id: Mapped[int | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    code: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(Text)
    severity: Mapped[Severity] = mapped_column(enum_column(Severity), default=Severity.MINOR)
    found_date: Mapped[date] = mapped_column(Date)
    corrected_date: Mapped[date | None]

    inspection: Mapped[Inspection | None] = relationship(back_populates="violations")


class Complaint(FactMixin, Base):
    """A complaint or report; some name an entity, some only an address."""

    __tablename__ = "complaint"

    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    address_id: Mapped[int | None] = mapped_column(ForeignKey("address.id"), index=True)
    received_date: Mapped[date] = mapped_column(Date, index=True)
    category: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    complaint_status: Mapped[ComplaintStatus] = mapped_column(enum_column(ComplaintStatus),
                                                              default=ComplaintStatus.OPEN)
    link_method: Mapped[LinkMethod | None] = mapped_column(enum_column(LinkMethod))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]


class ContextValue(CreatedMixin, Base):
    """Context an agency supplies that is not about one entity: weather by day, densities by place."""

    __tablename__ = "context_value"
    __table_args__ = (Index("ix_context_value_kind_date", "kind", "on_date"),
                      Index("ix_context_value_kind_subject", "kind", "subject_key"))

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    on_date: Mapped[date | None]
    district: Mapped[str | None] = mapped_column(String(100))
    subject_key: Mapped[str | None] = mapped_column(String(200))
    values: Mapped[dict[str, Any]] = mapped_column()


class RecordRevision(CreatedMixin, Base):
    """History of a fact changed after an objection or a correction: before and after, who and why."""

    __tablename__ = "record_revision"
    __table_args__ = (Index("ix_record_revision_record", "record_type", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[int]
    before: Mapped[dict[str, Any]] = mapped_column()
    after: Mapped[dict[str, Any]] = mapped_column()
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("objection.id"))
