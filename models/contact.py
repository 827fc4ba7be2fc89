"""Addresses and phones as rows of their own, so that sharing one is a join."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import AddressKind


class Address(CreatedMixin, Base):
    """A normalised postal address; ``text_norm`` is the join key."""

    __tablename__ = "address"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(500))
    text_norm: Mapped[str] = mapped_column(String(500), unique=True)
    district: Mapped[str | None] = mapped_column(String(100), index=True)
    postcode: Mapped[str | None] = mapped_column(String(16))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]


class EntityAddress(CreatedMixin, Base):
    """An entity's registered or operating address."""

    __tablename__ = "entity_address"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("address.id"), index=True)
    kind: Mapped[AddressKind] = mapped_column(enum_column(AddressKind))
    since: Mapped[date | None]
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id"), index=True)

    address: Mapped[Address] = relationship()


class Phone(CreatedMixin, Base):
    """A normalised phone number and its masked form."""

    __tablename__ = "phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    masked: Mapped[str] = mapped_column(String(32))


class EntityPhone(CreatedMixin, Base):
    """A contact phone registered for an entity."""

    __tablename__ = "entity_phone"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    phone_id: Mapped[int] = mapped_column(ForeignKey("phone.id"), index=True)
    source_record_id: Mapped[int | None] = mapped_column(ForeignKey("source_record.id"), index=True)

    phone: Mapped[Phone] = relationship()
