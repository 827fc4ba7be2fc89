"""Market entities, their names over time, and investment links between them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column, utcnow
from .enums import CreditClass, EntityStatus, EntityType, NameKind


class MarketEntity(CreatedMixin, Base):
    """One real-world market entity (company, branch, sole trader) that every agency's records link to."""

    __tablename__ = "market_entity"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: a valid unified social credit code; invalid codes stay on the source records as findings
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_norm: Mapped[str] = mapped_column(String(300), index=True)
    #: the name's core as search compares it, kept by regulator.services.name_index (None: not yet computed)
    name_core: Mapped[str | None] = mapped_column(Text)
    entity_type: Mapped[EntityType] = mapped_column(enum_column(EntityType), default=EntityType.COMPANY)
    industry_code: Mapped[str | None] = mapped_column(String(32), index=True)
    industry: Mapped[str | None] = mapped_column(String(200))
    address_id: Mapped[int | None] = mapped_column(ForeignKey("address.id"), index=True)
    district: Mapped[str | None] = mapped_column(String(100), index=True)
    registration_date: Mapped[date | None]
    status: Mapped[EntityStatus] = mapped_column(enum_column(EntityStatus), default=EntityStatus.ACTIVE)
    registered_capital: Mapped[Decimal | None] = mapped_column(Numeric(18, 2))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    #: current credit class and points, denormalised from the latest CreditAssessment for ranked lists
    credit_class: Mapped[CreditClass | None] = mapped_column(enum_column(CreditClass, 1), index=True)
    credit_points: Mapped[float | None]
    credit_updated_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    address = relationship("Address")
    names: Mapped[list[EntityName]] = relationship(back_populates="entity", order_by="EntityName.id")
    parent = relationship("MarketEntity", remote_side=[id], foreign_keys=[parent_id])

    def __repr__(self) -> str:
        return f"<MarketEntity {self.id} {self.uscc or '-'} {self.name}>"


class EntityName(CreatedMixin, Base):
    """A name an entity is or was known by: registered, former, variant seen in a record, trade name."""

    __tablename__ = "entity_name"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    name_norm: Mapped[str] = mapped_column(String(300), index=True)
    #: as ``MarketEntity.name_core``
    name_core: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[NameKind] = mapped_column(enum_column(NameKind))
    valid_from: Mapped[date | None]
    valid_to: Mapped[date | None]
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id"), index=True)

    entity: Mapped[MarketEntity] = relationship(back_populates="names")


class Investment(CreatedMixin, Base):
    """An owner/investment link: one entity holds a share of another."""

    __tablename__ = "investment"

    id: Mapped[int] = mapped_column(primary_key=True)
    investor_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    investee_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    share: Mapped[float | None]
    since: Mapped[date | None]
    until: Mapped[date | None]
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id"), index=True)
