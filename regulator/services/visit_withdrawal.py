"""Taking a planned visit back: one agency withdraws its part (its matter is settled, it has no one to send), or
the lead agency cancels the whole visit (the business closed, moved away, or a merge left two visits to it).

A part is withdrawn only while it waits for its result, and a visit is cancelled only while no agency has recorded
one: what was found stays on record. The reason is kept on each part and in the audit log; the part's inspectors
leave the visit and, once the plan is published, are told why. A visit whose remaining parts are all done is done;
one with every part withdrawn is cancelled and leaves every list of open work. Its random draw stays as drawn: the
campaign's results count withdrawn checks apart, so the public sees how many drawn entities were not visited.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from models import Agency, InspectionTask, Role, TaskAgency, TaskInspector, TaskStatus, User

from ..extensions import db
from . import audit, notifications
from .staffing import OPEN, published
from .task_results import hold_visit

MAX_REASON = 300


class WithdrawalError(ValueError):
    """A withdrawal or cancellation that may not be made; the message says why."""


def may_withdraw(task: InspectionTask, agency_id: int, user: User) -> bool:
    """The lead agency's coordinators and administrators withdraw any agency's part; an agency's own coordinators
    withdraw theirs."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.COORDINATOR and user.agency_id in (agency_id, task.campaign.lead_agency_id)


def may_cancel(task: InspectionTask, user: User) -> bool:
    """Only the lead agency (and administrators) cancel a whole visit."""
    return user.role == Role.ADMIN or (user.role == Role.COORDINATOR
                                       and user.agency_id == task.campaign.lead_agency_id)


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise WithdrawalError(_("Say why."))
    if len(reason) > MAX_REASON:
        raise WithdrawalError(_("Say why, in at most %(n)s characters.", n=MAX_REASON))
    return reason


def _take_back(task: InspectionTask, parts: list[TaskAgency], reason: str, now: datetime) -> list[int]:
    """Mark the parts withdrawn and take their inspectors off the visit; returns who was on it."""
    agencies = {p.agency_id for p in parts}
    for part in parts:
        part.status, part.withdrawn_reason, part.withdrawn_at = TaskStatus.CANCELLED, reason, now
    leaving = [ti for ti in task.inspectors if ti.agency_id in agencies]
    for ti in leaving:
        db.session.delete(ti)
    db.session.flush()
    db.session.expire(task, ["inspectors"])
    return [ti.user_id for ti in leaving]


def _settle(task: InspectionTask, now: datetime) -> None:
    """The visit's own status after a withdrawal: cancelled when no part is left, done when the rest are done."""
    left = [p for p in task.agencies if p.status != TaskStatus.CANCELLED]
    if not left:
        task.status = TaskStatus.CANCELLED
    elif all(p.status == TaskStatus.DONE for p in left):
        task.status, task.completed_at = TaskStatus.DONE, now
    elif not db.session.scalar(select(TaskInspector.id).where(TaskInspector.task_id == task.id).limit(1)):
        task.status = TaskStatus.IN_PROGRESS if any(p.status == TaskStatus.DONE for p in left) else TaskStatus.PLANNED


def _tell(task: InspectionTask, inspectors: list[int], reason: str) -> None:
    if inspectors and published(task):
        notifications.notify(inspectors, "task.withdrawn", "task", task.id, task.entity_id, reason=reason)


def withdraw_part(task: InspectionTask, agency_id: int, reason: str | None, user: User) -> None:
    """Withdraw one agency's part of the visit (see the module's doc). Never commits."""
    part = next((p for p in task.agencies if p.agency_id == agency_id), None)
    if part is None:
        raise LookupError("the agency has no part in the visit")
    if not may_withdraw(task, agency_id, user):
        raise WithdrawalError(_("Only the lead agency or the agency itself withdraws its part of a visit."))
    reason = _reason(reason)
    hold_visit(task)
    if task.status not in OPEN:
        raise WithdrawalError(_("This visit is no longer open."))
    if part.status == TaskStatus.DONE:
        raise WithdrawalError(_("This agency's result of the visit is recorded: it stays on record."))
    if part.status == TaskStatus.CANCELLED:
        raise WithdrawalError(_("This agency's part of the visit is already withdrawn."))
    now = datetime.now(UTC)
    inspectors = _take_back(task, [part], reason, now)
    _settle(task, now)
    code = db.session.scalar(select(Agency.code).where(Agency.id == agency_id))
    audit.record("task.withdraw_agency", entity_id=task.entity_id, object_type="inspection_task", object_id=task.id,
                 user=user, agency=code, reason=reason, inspectors=inspectors, status=str(task.status))
    _tell(task, inspectors, reason)
    if user.agency_id != task.campaign.lead_agency_id and published(task):
        lead = notifications.active_users(User.role == Role.COORDINATOR,
                                          User.agency_id == task.campaign.lead_agency_id)
        notifications.notify(lead, "task.agency_withdrawn", "task", task.id, task.entity_id, agency=code,
                             reason=reason)


def cancel_visit(task: InspectionTask, reason: str | None, user: User) -> None:
    """Cancel the whole visit while no agency has recorded its result. Never commits."""
    if not may_cancel(task, user):
        raise WithdrawalError(_("Only the lead agency cancels a visit."))
    reason = _reason(reason)
    hold_visit(task)
    if task.status not in OPEN:
        raise WithdrawalError(_("This visit is no longer open."))
    if any(p.status == TaskStatus.DONE for p in task.agencies):
        raise WithdrawalError(_("An agency has recorded its result of this visit: withdraw the parts still open "
                                "instead."))
    now = datetime.now(UTC)
    parts = [p for p in task.agencies if p.status != TaskStatus.CANCELLED]
    inspectors = _take_back(task, parts, reason, now)
    task.status = TaskStatus.CANCELLED
    audit.record("task.cancel", entity_id=task.entity_id, object_type="inspection_task", object_id=task.id,
                 user=user, reason=reason, inspectors=inspectors)
    _tell(task, inspectors, reason)
