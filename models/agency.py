"""Agencies that supply records, and the API tokens their systems push with."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import Role


class Agency(CreatedMixin, Base):
    """A supervising agency (market supervision, environment, work safety, fire, health, tax, labour)."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(200))
    domain: Mapped[str] = mapped_column(String(64))
    #: name of the declarative import mapping (a file under version control) used for its files
    mapping: Mapped[str | None] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="agency")

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"


class ApiToken(CreatedMixin, Base):
    """A revocable token an agency system authenticates with; only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    #: first characters of the token, shown to administrators to tell tokens apart
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(enum_column(Role))
    scopes: Mapped[list[str]] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    agency: Mapped[Agency] = relationship(back_populates="tokens")
