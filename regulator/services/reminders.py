"""Reminders of time limits, for the agencies' coordinators: an objection or credit repair application whose day
to be decided by is near or past, and a campaign whose recorded results are due public (``working_days``,
``publication``). ``flask notices remind``, run once a day, adds them as notifications (mailed with the others
by ``flask notices mail``). Each reminder is given once per request and stage ("near", then "passed"), and once
per campaign and due day, however often the command runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select

from models import CreditRepair, Notification, Objection, Role, User

from ..extensions import db
from . import notifications, objections, publication, repairs, working_days

#: working days ahead of its day that a request is reminded of
AHEAD = 2
#: (request, past its day) -> the kind of notification
KINDS = {("objection", False): "deadline.objection_near", ("objection", True): "deadline.objection_passed",
         ("credit_repair", False): "deadline.repair_near", ("credit_repair", True): "deadline.repair_passed"}


def _coordinators(agency_id: int | None) -> list[int]:
    return notifications.active_users(User.role == Role.COORDINATOR, User.agency_id == agency_id)


def _told(kind: str, subject_type: str, subject_id: int) -> set[tuple[int, str | None]]:
    """(reader, day) of the reminders of this kind already given about the subject."""
    return {(u, (d or {}).get("day")) for u, d in db.session.execute(
        select(Notification.user_id, Notification.details).where(
            Notification.kind == kind, Notification.subject_type == subject_type,
            Notification.subject_id == subject_id))}


def _notify_once(readers: Iterable[int], kind: str, subject_type: str, subject_id: int, entity_id: int | None,
            day: date) -> int:
    told = _told(kind, subject_type, subject_id)
    fresh = [u for u in readers if (u, day.isoformat()) not in told]
    return notifications.notify(fresh, kind, subject_type, subject_id, entity_id, day=day.isoformat())


def remind(today: date | None = None, ahead: int = AHEAD) -> int:
    """Add the reminders due today; returns how many notifications were added (the caller commits)."""
    today = today or working_days.local_day()
    horizon = working_days.add(today, ahead)
    added = 0
    for model, subject, open_states in ((Objection, "objection", objections.OPEN),
                                        (CreditRepair, "credit_repair", repairs.OPEN)):
        for request in db.session.scalars(select(model).where(model.status.in_(open_states))):
            due = working_days.decide_by(request)
            if due is not None and due.day <= horizon:
                kind = KINDS[subject, due.overdue]
                added += _notify_once(_coordinators(request.agency_id), kind, subject, request.id,
                                      request.entity_id, due.day)
    for waiting in publication.waiting(today=today):
        if waiting.due <= horizon:
            added += _notify_once(_coordinators(waiting.campaign.lead_agency_id), "deadline.results", "campaign",
                                  waiting.campaign.id, None, waiting.due)
    return added

