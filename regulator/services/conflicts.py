"""Conflicts of interest (回避): an inspector declares one with an entity and is never drawn for it again;
visits of that entity they were already drawn for are given to another inspector of their agency
(``staffing.redraw``), or, where nobody is free, left for the coordinator, who is told either way."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from models import ConflictDeclaration, InspectionTask, MarketEntity, Role, TaskInspector, User

from ..extensions import db
from . import audit, notifications, staffing
from .campaigns import visit_tasks
from .working_days import local_day


class ConflictError(ValueError):
    """The declaration cannot be made or ended; the message says why."""


@dataclass
class Declared:
    """A declaration and what it did to visits already planned: (task, campaign, the replacement or None)."""

    declaration: ConflictDeclaration
    visits: list[tuple[int, int, int | None]] = field(default_factory=list)


def declare(user: User, entity: MarketEntity, reason: str, valid_until: date | None = None) -> Declared:
    """Record the inspector's conflict with the entity and take them off its open visits. Never commits."""
    if user.role != Role.INSPECTOR:
        raise ConflictError(_("Only inspectors declare conflicts of interest."))
    while entity.merged_into_id is not None:  # a merged entity's records live on the one it joined
        entity = db.session.get(MarketEntity, entity.merged_into_id)
    if not (reason or "").strip():
        raise ConflictError(_("Say what ties you to the entity (a relative, a former employer, a shareholding)."))
    if valid_until is not None and valid_until < local_day():
        raise ConflictError(_("The end date is in the past."))
    if db.session.scalar(staffing.declared_conflicts(user.id, entity.id).limit(1)) is not None:
        raise ConflictError(_("You have declared a conflict with this entity already."))
    declaration = ConflictDeclaration(user_id=user.id, entity_id=entity.id, reason=reason.strip()[:2000],
                                      valid_until=valid_until)
    db.session.add(declaration)
    db.session.flush()
    done = Declared(declaration)
    for task, part in _open_visits(user.id, entity.id):
        replacement = staffing.redraw(task, part, f"conflict:{declaration.id}")
        if replacement is not None and staffing.published(task):
            notifications.notify([replacement], "task.reassigned", "task", task.id, task.entity_id)
        done.visits.append((task.id, task.campaign_id, replacement))
    audit.record("conflict.declare", entity_id=entity.id, object_type="conflict_declaration",
                 object_id=declaration.id, user=user, visits=[t for t, _c, _r in done.visits])
    _tell_coordinators(user, entity, done)
    return done


def end(declaration: ConflictDeclaration, user: User) -> None:
    """End a declaration from today (it stays on record, dated). Never commits."""
    if declaration.user_id != user.id:
        raise LookupError("not the user's declaration")
    if declaration.valid_until is not None and declaration.valid_until < local_day():
        raise ConflictError(_("This declaration has ended already."))
    declaration.valid_until = local_day() - timedelta(days=1)
    audit.record("conflict.end", entity_id=declaration.entity_id, object_type="conflict_declaration",
                 object_id=declaration.id, user=user)


def _open_visits(user_id: int, entity_id: int) -> list[tuple[InspectionTask, TaskInspector]]:
    """The user's open parts of visits to the entity, one per visit: a relationship cluster visited as one
    counts when the user is on any of its tasks."""
    found = []
    for task in db.session.scalars(select(InspectionTask).where(InspectionTask.entity_id == entity_id,
                                                                InspectionTask.status.in_(staffing.OPEN))
                                   .order_by(InspectionTask.id)):
        found += next(([(t, part)] for t in visit_tasks(task) for part in t.inspectors
                       if part.user_id == user_id and staffing.part_open(t, part.agency_id)), [])
    return found


def _tell_coordinators(user: User, entity: MarketEntity, done: Declared) -> None:
    if not done.visits:
        return
    coordinators = db.session.scalars(select(User.id).where(
        User.role == Role.COORDINATOR, User.active.is_(True), User.agency_id == user.agency_id)).all()
    notifications.notify_each([
        {"user_id": c, "kind": "conflict.replaced" if replacement else "conflict.unstaffed", "subject_type": "task",
         "subject_id": task_id, "entity_id": entity.id,
         "details": {"inspector": user.display_name or user.username, "campaign_id": campaign_id}}
        for task_id, campaign_id, replacement in done.visits for c in coordinators])
