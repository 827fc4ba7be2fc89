"""Accounts of every role, and inspectors' declared conflicts of interest."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, CreatedMixin, enum_column
from .enums import Role


class User(CreatedMixin, Base):
    """A person who signs in: administrator, coordinator, inspector or enterprise user."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    email: Mapped[str | None] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    #: coordinators and inspectors belong to one agency
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    #: enterprise users are bound to one market entity
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    #: two-step sign-in: the TOTP key (base32; RFC 6238, as authenticator apps read it), the last time step a
    #: code was accepted for (a code is never taken twice), and the SHA-256 digests of unused recovery codes
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    recovery_codes: Mapped[list[str]] = mapped_column(default=list)
    #: send the user's notices on by e-mail too (where they have an address and the platform sends mail)
    email_notices: Mapped[bool] = mapped_column(default=True, server_default=true())

    agency = relationship("Agency")
    entity = relationship("MarketEntity", foreign_keys=[entity_id])

    # The Flask-Login user protocol, written out so that models/ imports only SQLAlchemy.
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """The id and when the password last changed: Flask-Login keeps this in the session and the remember-me
        cookie, and the loader checks both again, so a new password ends every session signed in before it."""
        changed = self.password_changed_at
        stamp = calendar.timegm(changed.utctimetuple()) * 1_000_000 + changed.microsecond if changed else 0
        return f"{self.id}:{stamp}"

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ConflictDeclaration(CreatedMixin, Base):
    """An inspector's declared conflict of interest with an entity: never drawn for it."""

    __tablename__ = "conflict_declaration"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("market_entity.id"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    valid_until: Mapped[date | None]
