"""Changing who goes on a visit after the plan is staffed: one inspector taken off and another of the same
agency drawn in their place, by the plan's own drawing function and rules (no declared conflict, not the
entity's last inspector, the least loaded first), from a seed named after the campaign, the visit and the
occasion, so that the replacement can be drawn again and checked. Used when an inspector declares a conflict
and when a coordinator replaces one (leave, illness)."""

from __future__ import annotations

from datetime import date

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import or_, select

from models import (
    Agency,
    CampaignStatus,
    ConflictDeclaration,
    InspectionTask,
    Role,
    TaskAgency,
    TaskInspector,
    TaskStatus,
    User,
)
from risk.campaign.inspectors import assign_inspectors

from ..extensions import db
from . import audit, notifications
from .campaigns import last_inspectors, open_load, visit_key, visit_tasks
from .working_days import local_day

OPEN = (TaskStatus.PLANNED, TaskStatus.ASSIGNED, TaskStatus.IN_PROGRESS)
#: an agency's part of a visit that waits for nothing more: its result recorded, or the part withdrawn
CLOSED_PART = (TaskStatus.DONE, TaskStatus.CANCELLED)


class StaffingError(ValueError):
    """The inspector cannot be replaced; the message says why."""


def declared_conflicts(user_id: int | None = None, entity_id: int | None = None, today: date | None = None):  # noqa: ANN201
    """Conflict declarations in force today (of one inspector, or about one entity), as a select."""
    today = today or local_day()
    stmt = select(ConflictDeclaration).where(or_(ConflictDeclaration.valid_until.is_(None),
                                                 ConflictDeclaration.valid_until >= today))
    if user_id is not None:
        stmt = stmt.where(ConflictDeclaration.user_id == user_id)
    if entity_id is not None:
        stmt = stmt.where(ConflictDeclaration.entity_id == entity_id)
    return stmt


def published(task: InspectionTask) -> bool:
    """Whether the visit's campaign is published: its inspectors see it, and are told when they join or leave it
    (before, publishing tells each inspector of all their visits at once)."""
    return task.campaign.status in (CampaignStatus.PUBLISHED, CampaignStatus.RELEASED, CampaignStatus.CLOSED)


def part_open(task: InspectionTask, agency_id: int) -> bool:
    """Whether the agency's part of the visit still waits for its result."""
    return task.status in OPEN and db.session.scalar(select(TaskAgency.status).where(
        TaskAgency.task_id == task.id, TaskAgency.agency_id == agency_id)) not in (None, *CLOSED_PART)


def redraw(task: InspectionTask, part: TaskInspector, occasion: str) -> int | None:
    """Take the inspector off the visit and draw another of the same agency; returns who (None: nobody is
    free, and the visit keeps the rest of its team). A relationship cluster visited as one is one visit: the
    inspector leaves each of its tasks where their agency's part is open, the replacement joins them there and
    is barred if barred for any of the visit's entities. Never commits."""
    agency_id, leaving = part.agency_id, part.user_id
    together = visit_tasks(task)
    parts = [part] + [p for t in together if t.id != task.id and part_open(t, agency_id)
                      for p in t.inspectors if p.user_id == leaving and p.agency_id == agency_id]
    for gone in parts:
        db.session.delete(gone)
    db.session.flush()
    ids, entities = [t.id for t in together], sorted({t.entity_id for t in together})
    on_visit = set(db.session.scalars(select(TaskInspector.user_id).where(TaskInspector.task_id.in_(ids))))
    pool = [u for u in db.session.scalars(select(User.id).where(
        User.role == Role.INSPECTOR, User.active.is_(True), User.agency_id == agency_id))
        if u not in on_visit | {leaving}]
    barred = db.session.execute(declared_conflicts().where(ConflictDeclaration.entity_id.in_(entities))
                                .with_only_columns(ConflictDeclaration.user_id, ConflictDeclaration.entity_id)).all()
    code = db.session.scalar(select(Agency.code).where(Agency.id == agency_id))
    drawn = assign_inspectors(
        pd.DataFrame([{"task": t.id, "entity_id": t.entity_id, "agency": code, "visit": "this"} for t in together]),
        pd.DataFrame([{"user_id": u, "agency": code} for u in pool], columns=["user_id", "agency"]),
        f"{task.campaign.seed or task.campaign_id}:{occasion}:{task.id}",
        conflicts=pd.DataFrame(barred, columns=["user_id", "entity_id"]),
        last=pd.DataFrame(last_inspectors(entities), columns=["user_id", "entity_id"]),
        per_visit=1, existing_load=open_load()).assigned
    by_id = {t.id: t for t in together}
    if drawn.empty:
        for task_id in {gone.task_id for gone in parts}:
            if db.session.scalar(select(TaskInspector.id).where(TaskInspector.task_id == task_id).limit(1)) is None:
                by_id[task_id].status = TaskStatus.PLANNED
        return None
    replacement = int(drawn["user_id"].iloc[0])
    db.session.add_all([TaskInspector(task_id=gone.task_id, user_id=replacement, agency_id=agency_id)
                        for gone in parts])
    return replacement


def replace(task: InspectionTask, user_id: int, reason: str, actor: User) -> int | None:
    """A coordinator takes one of their agency's inspectors off a visit (leave, illness) and draws another;
    both are told once the plan is published, and it is audited. Never commits."""
    part = db.session.scalar(select(TaskInspector).where(TaskInspector.task_id == task.id,
                                                         TaskInspector.user_id == user_id))
    if part is None:
        raise LookupError("the inspector is not on the visit")
    if actor.role != Role.ADMIN and part.agency_id != actor.agency_id:
        raise StaffingError(_("Only a coordinator of the inspector's agency replaces them."))
    if not (reason or "").strip():
        raise StaffingError(_("Say why the inspector is replaced."))
    if not part_open(task, part.agency_id):
        raise StaffingError(_("This agency's part of the visit is done: its inspectors stay on record."))
    replacement = redraw(task, part, f"replace:{user_id}")
    audit.record("task.replace_inspector", entity_id=task.entity_id, object_type="inspection_task",
                 object_id=task.id, user=actor, removed=user_id, replacement=replacement, reason=reason.strip())
    told = []
    if published(task):  # before, the publication tells each inspector of the visits they then have
        told.append({"user_id": user_id, "kind": "task.withdrawn", "details": {"reason": reason.strip()[:300]}})
        if replacement is not None:
            told.append({"user_id": replacement, "kind": "task.reassigned", "details": {}})
    notifications.notify_each([{**t, "subject_type": "task", "subject_id": task.id, "entity_id": task.entity_id}
                               for t in told])
    return replacement


def withdraw(user: User, occasion: str = "inactive") -> list[tuple[int, int | None]]:
    """An inspector whose account is deactivated (``occasion`` "inactive") or who is no longer one of their
    agency's inspectors ("moved") leaves every open visit they were drawn for: each is given to another inspector
    of their agency by the same draw, or kept by the rest of its team where nobody is free; the replacement and the
    agency's coordinators are told. Returns (task, replacement or None) per visit. Never commits."""
    parts = db.session.scalars(select(TaskInspector).join(InspectionTask).where(
        TaskInspector.user_id == user.id, InspectionTask.status.in_(OPEN)).order_by(TaskInspector.task_id)).all()
    seen: set[tuple[int, object]] = set()
    done: list[tuple[int, int | None]] = []
    for part in parts:
        task = part.task
        visit = (task.campaign_id, visit_key(task) or task.id)
        if visit in seen or not part_open(task, part.agency_id):
            continue
        seen.add(visit)
        replacement = redraw(task, part, f"{occasion}:{user.id}")
        if replacement is not None and published(task):
            notifications.notify([replacement], "task.reassigned", "task", task.id, task.entity_id)
        done.append((task.id, replacement))
    if done:
        coordinators = notifications.active_users(User.role == Role.COORDINATOR, User.agency_id == user.agency_id)
        entities = dict(db.session.execute(select(InspectionTask.id, InspectionTask.entity_id).where(
            InspectionTask.id.in_([t for t, _r in done]))).all())
        notifications.notify_each([
            {"user_id": c, "kind": f"{occasion}.replaced" if replacement else f"{occasion}.unstaffed",
             "subject_type": "task", "subject_id": task_id, "entity_id": entities[task_id],
             "details": {"inspector": user.display_name or user.username}}
            for task_id, replacement in done for c in coordinators])
    return done
