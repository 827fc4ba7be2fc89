"""Enforcement actions (penalties, with their publication period) and list entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, enum_column
from .enums import ListType, PenaltyType
from .records import FactMixin


class EnforcementAction(FactMixin, Base):
    """An administrative penalty decision; public until its publication period ends or credit repair."""

    __tablename__ = "enforcement_action"

    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    decision_no: Mapped[str | None] = mapped_column(String(200), index=True)
    decision_date: Mapped[date] = mapped_column(Date, index=True)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    penalty_type: Mapped[PenaltyType] = mapped_column(enum_column(PenaltyType))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    description: Mapped[str | None] = mapped_column(Text)
    violation_id: Mapped[int | None] = mapped_column(ForeignKey("violation.id"))
    publication_end: Mapped[date | None]
    #: the end was computed from the periods table (the agency did not state it): a correction of the decision's
    #: date, type or amount computes it again; an end the agency stated stays as stated
    publication_end_computed: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: set when credit repair ends the publication early
    repaired_on: Mapped[date | None]

    agency = relationship("Agency")


class ListEntry(FactMixin, Base):
    """An entry on the abnormal-operations list or the serious illegal and dishonest list."""

    __tablename__ = "list_entry"

    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    list_type: Mapped[ListType] = mapped_column(enum_column(ListType), index=True)
    added_date: Mapped[date] = mapped_column(Date)
    added_reason: Mapped[str | None] = mapped_column(Text)
    removed_date: Mapped[date | None]
    removed_reason: Mapped[str | None] = mapped_column(Text)

    agency = relationship("Agency")
