"""Entity resolution state: suggested matches awaiting review, and merge/split history."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import ReviewStatus


class MatchReview(CreatedMixin, Base):
    """A suggested link between the two thresholds: a coordinator confirms or rejects it."""

    __tablename__ = "match_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id"), index=True)
    candidate_entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    #: the entity the record sits on meanwhile (a provisional new entity), if any
    provisional_entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"))
    probability: Mapped[float]
    match_weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus), default=ReviewStatus.PENDING,
                                                 index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)

    source_record = relationship("SourceRecord")
    candidate_entity = relationship("MarketEntity", foreign_keys=[candidate_entity_id])

    def decide(self, status: ReviewStatus, user_id: int | None, note: str | None) -> None:
        """Record a decision (``PENDING`` opens the review again: who and when are cleared)."""
        self.status, self.note = status, note
        self.decided_by_id = user_id if status != ReviewStatus.PENDING else None
        self.decided_at = datetime.now(UTC).replace(tzinfo=None) if status != ReviewStatus.PENDING else None


class EntityEvent(CreatedMixin, Base):
    """A merge or split of entities, with every record it moved, so that it can be undone."""

    __tablename__ = "entity_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # merge | split | link | unlink
    from_entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    to_entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    #: {"source_record": [ids], "inspection": [ids], ...} moved by this event
    moved: Mapped[dict[str, Any]] = mapped_column(default=dict)
    reason: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
