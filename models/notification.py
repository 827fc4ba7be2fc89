"""A user's notifications: a step of their request, a request waiting for their agency, visits drawn for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column

from .base import Base, CreatedMixin
from .user import User


class Notification(CreatedMixin, Base):
    """One notice to one user. The words are not stored: the page says them in the reader's language from
    ``kind`` (``objection.accepted``, ``repair.submitted``, ``tasks.assigned`` ...) and ``details``."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    #: what it is about: an objection, a repair application, a referral or a campaign, and its entity
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("market_entity.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    read_at: Mapped[datetime | None]
    #: what ``flask notices mail`` did with it: None (not yet handled), sending, sent, skipped or failed
    mail_status: Mapped[str | None] = mapped_column(String(10), index=True)
    mailed_at: Mapped[datetime | None]


#: the user's notifications not yet opened, counted in the statement that loads the user where it is asked for
#: (the session's user, whose bar shows it: no statement of its own); not loaded anywhere else
User.unread_notifications = column_property(
    select(func.count(Notification.id)).where(Notification.user_id == User.id, Notification.read_at.is_(None))
    .correlate_except(Notification).scalar_subquery(), deferred=True)
