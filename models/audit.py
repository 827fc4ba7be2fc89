"""The append-only audit log: who looked at or changed what, when, in which role."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from .base import Base, utcnow


class AuditLog(Base):
    """One audited action. Rows are never updated or deleted (the ORM refuses; the database triggers too)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity_at", "entity_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[int | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AuditLogImmutable(Exception):
    """Raised when code tries to change or delete an audit row."""


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session: Session, _ctx: object, _instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog) and (obj in session.deleted or session.is_modified(obj)):
            raise AuditLogImmutable("the audit log is append-only")
