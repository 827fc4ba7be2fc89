"""Natural persons and the roles they hold in market entities."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import PersonRole


class Person(CreatedMixin, Base):
    """A natural person. The ID number is never stored: only a keyed hash (to join on) and a masked form."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_norm: Mapped[str] = mapped_column(String(200), index=True)
    id_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    id_masked: Mapped[str | None] = mapped_column(String(32))
    phone_id: Mapped[int | None] = mapped_column(ForeignKey("phone.id"), index=True)

    roles: Mapped[list[EntityRole]] = relationship(back_populates="person")


class EntityRole(CreatedMixin, Base):
    """A person's role in an entity: legal representative, shareholder (with share), director, manager."""

    __tablename__ = "entity_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    role: Mapped[PersonRole] = mapped_column(enum_column(PersonRole))
    share: Mapped[float | None]
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id"), index=True)

    person: Mapped[Person] = relationship(back_populates="roles")
    entity = relationship("MarketEntity")
