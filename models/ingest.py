"""Import batches and the verbatim source row behind every fact (lineage and quarantine)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import BatchStatus, LinkMethod, RecordType, SourceStatus


class ImportBatch(CreatedMixin, Base):
    """One file (or one API push) from one agency, with its counts and report."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    filename: Mapped[str] = mapped_column(String(500))
    file_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    file_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    mapping: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[BatchStatus] = mapped_column(enum_column(BatchStatus), default=BatchStatus.RUNNING)
    rows_read: Mapped[int] = mapped_column(default=0)
    rows_accepted: Mapped[int] = mapped_column(default=0)
    rows_rejected: Mapped[int] = mapped_column(default=0)
    rows_duplicate: Mapped[int] = mapped_column(default=0)
    entities_new: Mapped[int] = mapped_column(default=0)
    entities_updated: Mapped[int] = mapped_column(default=0)
    #: the end-of-import report: rejections by reason, timings, data-quality findings
    report: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    finished_at: Mapped[datetime | None]

    agency = relationship("Agency")


class SourceRecord(CreatedMixin, Base):
    """A row exactly as an agency sent it, its mapped fields, its fate and the entity it links to."""

    __tablename__ = "source_record"
    __table_args__ = (
        UniqueConstraint("agency_id", "content_hash"),
        Index("ix_source_record_agency_source_key", "agency_id", "source_key"),
        Index("ix_source_record_status_agency", "status", "agency_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row_number: Mapped[int | None]
    #: SHA-256 of the row's normalised content: re-importing a row adds nothing
    content_hash: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[RecordType | None] = mapped_column(enum_column(RecordType))
    source_key: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[dict[str, Any]] = mapped_column()
    canonical: Mapped[dict[str, Any] | None] = mapped_column()
    status: Mapped[SourceStatus] = mapped_column(enum_column(SourceStatus))
    #: [{"column": ..., "message": ..., "value": ...}] for rejected rows
    errors: Mapped[list[Any]] = mapped_column(default=list)
    #: data-quality findings on accepted rows, e.g. a USCC that fails its check character
    findings: Mapped[list[Any]] = mapped_column(default=list)
    uscc_raw: Mapped[str | None] = mapped_column(String(64))
    uscc_valid: Mapped[bool | None]
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    link_method: Mapped[LinkMethod | None] = mapped_column(enum_column(LinkMethod))
    link_probability: Mapped[float | None]
    linked_at: Mapped[datetime | None]
    #: the record this one replaced after a coordinator fixed and re-submitted it
    resubmitted_as_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id"))
    note: Mapped[str | None] = mapped_column(Text)
    #: why a coordinator dismissed the rejected row, who and when (cleared when it returns to the quarantine)
    dismissed_reason: Mapped[str | None] = mapped_column(Text)
    dismissed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    dismissed_at: Mapped[datetime | None]

    agency = relationship("Agency")
    batch = relationship("ImportBatch")
