"""Notifications: each step of a request told to the side that waits for it, visits told to the inspectors
drawn for them. One row per recipient; the words are said when read, in the reader's language
(``regulator.notification_words``).

Who hears what: an enterprise's users, each step the agency takes on its objection or repair application and
each change of its credit class (``credit``); an agency's coordinators, a request submitted to it or withdrawn,
and an inspector's conflict of interest that moved a visit (``conflicts``); the sending agency's coordinators
and the inspector who sent it, what the receiving agency did with their referral (the receiving agency has its
referral alert); an inspector, the visits of a campaign they are drawn for, and being put on or taken off a
visit after the plan (``staffing``). The person who took the step is not told of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update

from models import CreditRepair, Notification, Objection, Referral, Role, User

from ..extensions import db

SUBJECTS = {"objection": Objection, "credit_repair": CreditRepair, "referral": Referral}
#: (subject, step) -> who is told: the entity's users, the deciding agency, or the agency that sent a referral
AUDIENCE = {
    ("objection", "submitted"): "agency", ("objection", "withdrawn"): "agency",
    ("objection", "under_review"): "enterprise", ("objection", "accepted"): "enterprise",
    ("objection", "rejected"): "enterprise",
    ("credit_repair", "submitted"): "agency", ("credit_repair", "under_review"): "enterprise",
    ("credit_repair", "granted"): "enterprise", ("credit_repair", "rejected"): "enterprise",
    ("referral", "accepted"): "sender", ("referral", "rejected"): "sender", ("referral", "acted"): "sender",
}


def notify(user_ids: Iterable[int], kind: str, subject_type: str, subject_id: int, entity_id: int | None = None,
           **details: Any) -> int:
    """Add one notification per user (the caller commits). Returns how many."""
    return notify_each([{"user_id": u, "kind": kind, "subject_type": subject_type, "subject_id": subject_id,
                         "entity_id": entity_id, "details": details} for u in sorted(set(user_ids))])


def notify_each(items: list[dict[str, Any]]) -> int:
    """Add notifications that differ from reader to reader (``Notification`` columns per item). The caller
    commits."""
    db.session.add_all([Notification(**item) for item in items])
    _expire_unread({item["user_id"] for item in items})
    return len(items)


def _expire_unread(user_ids: set[int]) -> None:
    """A reader already loaded counts their unread notifications again when next asked."""
    for user_id in user_ids:
        loaded = db.session.identity_map.get(db.session.identity_key(User, user_id))
        if loaded is not None:
            db.session.expire(loaded, ["unread_notifications"])


def active_users(*conditions: Any) -> list[int]:
    """Ids of the active users that meet the conditions."""
    return list(db.session.scalars(select(User.id).where(User.active.is_(True), *conditions)))


def on_step(subject_type: str, subject_id: int, status: str, actor: Any) -> int:
    """Tell the waiting side of a request's new step (called with each step recorded)."""
    audience = AUDIENCE.get((subject_type, str(status)))
    subject = db.session.get(SUBJECTS[subject_type], subject_id) if audience else None
    if subject is None:
        return 0
    if audience == "enterprise":
        users = active_users(User.role == Role.ENTERPRISE, User.entity_id == subject.entity_id)
    else:
        agency_id = subject.from_agency_id if audience == "sender" else getattr(subject, "agency_id", None)
        users = active_users(User.role == Role.COORDINATOR, User.agency_id == agency_id)
    details: dict[str, Any] = {}
    if audience == "sender":  # and the inspector who sent it from a visit, led to the visit's page
        users += active_users(User.id == subject.created_by_id, User.role == Role.INSPECTOR)
        details = {"task_id": subject.task_id} if subject.task_id else {}
    actor_id = getattr(actor, "id", None)
    resolution = getattr(subject, "resolution", None)  # an accepted objection: the record corrected or withdrawn
    if resolution:
        details["resolution"] = str(resolution)
    return notify([u for u in users if u != actor_id], f"{subject_type}.{status}", subject_type, subject_id,
                  subject.entity_id, **details)


def tasks_assigned(campaign_id: int, visits_by_user: dict[int, int]) -> int:
    """Tell each inspector how many visits of the campaign they were drawn for."""
    return sum(notify([user_id], "tasks.assigned", "campaign", campaign_id, visits=n)
               for user_id, n in visits_by_user.items() if n)


def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them; returns how many changed."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    changed = db.session.execute(stmt.values(read_at=datetime.now(UTC))
                                 .execution_options(synchronize_session=False)).rowcount or 0
    _expire_unread({user_id})
    return changed
