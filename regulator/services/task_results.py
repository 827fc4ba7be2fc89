"""Recording an inspection task's result: Inspection, Violation and EnforcementAction records on the profile.

Each agency of a joint task records its own part. The records carry the task's selection reason and
probability (so the next training can weight random-draw outcomes), trace back to a SourceRecord holding
what the inspector submitted, and ``records_changed`` keeps the credit class current.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select, update

from models import (
    EnforcementAction,
    Inspection,
    InspectionInspector,
    InspectionResult,
    InspectionTask,
    InspectionType,
    MarketEntity,
    PenaltyType,
    RecordType,
    Severity,
    SourceRecord,
    SourceStatus,
    TaskAgency,
    TaskInspector,
    TaskStatus,
    User,
    Violation,
)

from ..extensions import db
from ..record_kinds import numeric_limit, typed_amount
from ..signals import notify_records_changed
from . import audit
from .working_days import local_day

log = logging.getLogger(__name__)


class ResultError(ValueError):
    """A result that cannot be recorded; the message names the field, ``field`` the form's field where one is."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class FoundViolation:
    """One violation as the inspector records it."""

    code: str
    severity: Severity
    description: str = ""


@dataclass
class ResultInput:
    """What an inspector submits for their agency's part of a task."""

    result: InspectionResult
    inspection_date: date
    violations: list[FoundViolation] = field(default_factory=list)
    penalty_type: PenaltyType | None = None
    penalty_amount: str | None = None
    penalty_description: str = ""
    decision_no: str = ""
    notes: str = ""
    internal_notes: str = ""


def part_for(task: InspectionTask, agency_id: int) -> TaskAgency | None:
    """The agency's part of a task."""
    return next((p for p in task.agencies if p.agency_id == agency_id), None)


def _source(part: TaskAgency, task: InspectionTask, data: ResultInput, user: User | None) -> SourceRecord:
    raw = {"task": task.id, "agency_id": part.agency_id, "result": str(data.result),
           "inspection_date": data.inspection_date.isoformat(),
           "violations": [{"code": v.code, "severity": str(v.severity), "description": v.description}
                          for v in data.violations],
           "penalty_type": str(data.penalty_type) if data.penalty_type else None,
           "penalty_amount": data.penalty_amount, "decision_no": data.decision_no, "notes": data.notes,
           "recorded_by": getattr(user, "username", None), "recorded_at": datetime.now(UTC).isoformat()}
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    source = SourceRecord(agency_id=part.agency_id, content_hash=digest, record_type=RecordType.INSPECTION,
                          source_key=f"task-{task.id}", raw=raw, status=SourceStatus.ACCEPTED,
                          entity_id=task.entity_id, note="recorded on the platform")
    db.session.add(source)
    db.session.flush()
    return source


#: amounts an enforcement action holds are below this
MAX_AMOUNT = numeric_limit(EnforcementAction.__table__.c.amount)


def parse_amount(text: str | None) -> Decimal | None:
    """A penalty amount in yuan as typed (``record_kinds.typed_amount``; None when blank); ResultError saying why
    it is not one."""
    if not (text or "").strip():
        return None
    try:
        value = typed_amount(text)
    except ValueError:
        raise ResultError(_("The penalty amount “%(value)s” is not a number.", value=text)) from None
    if value < 0:
        raise ResultError(_("The penalty amount must not be negative."))
    if value >= MAX_AMOUNT:
        raise ResultError(_("The penalty amount is too large."))
    return value


def _check_decision_no(agency_id: int, decision_no: str) -> None:
    """An agency numbers each of its decisions once: a number it already gave is refused, naming the entity."""
    taken = db.session.execute(select(EnforcementAction.entity_id, MarketEntity.name)
                               .join(MarketEntity, MarketEntity.id == EnforcementAction.entity_id)
                               .where(EnforcementAction.agency_id == agency_id,
                                      EnforcementAction.decision_no == decision_no).limit(1)).first()
    if taken is not None:
        raise ResultError(_("Your agency's decision %(number)s is already recorded (on %(entity)s): give this "
                            "decision its own number.", number=decision_no, entity=taken.name),
                          field="decision_no")


def hold_visit(task: InspectionTask) -> None:
    """Hold the visit's row until the transaction ends and read its parts afresh: the results of one visit are
    recorded one after another, each seeing those before it. Two submissions at once (a double click, two
    inspectors of the agency, the web form and an agency system) would otherwise both find the part open and
    record it twice, and two agencies recording together would each leave the visit "in progress"."""
    db.session.execute(update(InspectionTask).where(InspectionTask.id == task.id)
                       .values(status=InspectionTask.status).execution_options(synchronize_session=False))
    db.session.refresh(task, ["status"])
    for part in task.agencies:
        db.session.refresh(part, ["inspection_id", "status"])


def record_result(task: InspectionTask, agency_id: int, data: ResultInput, *, user: User | None = None,
                  notify: bool = True) -> Inspection:
    """Record one agency's part of a task; returns the new Inspection. Never commits.

    ``notify=False`` leaves ``records_changed`` to the caller (a batch sends it once for all its entities).
    """
    part = part_for(task, agency_id)
    if part is None:
        raise ResultError(_("Your agency does not take part in this inspection task."))
    hold_visit(task)
    if part.inspection_id is not None:
        raise ResultError(_("Your agency's result of this task is already recorded."))
    if task.status == TaskStatus.CANCELLED:
        raise ResultError(_("This inspection task is cancelled: no result can be recorded."))
    if part.status == TaskStatus.CANCELLED:
        raise ResultError(_("Your agency's part of this visit was withdrawn: %(reason)s",
                            reason=part.withdrawn_reason or "—"))
    if data.inspection_date > local_day():  # the inspector's day, not UTC's (08:00 in Shenzhen is midnight UTC)
        raise ResultError(_("A visit cannot be dated in the future."), field="inspection_date")
    if data.inspection_date < task.campaign.period_start:
        raise ResultError(_("A visit cannot be dated before its campaign began (%(day)s).",
                            day=task.campaign.period_start.isoformat()), field="inspection_date")
    amount = parse_amount(data.penalty_amount)
    if data.penalty_type is None and (amount is not None or data.decision_no or data.penalty_description):
        raise ResultError(_("Choose the enforcement action that the amount, decision number or description is "
                            "about, or leave those empty."), field="penalty_type")
    if data.penalty_type is not None and data.decision_no:
        _check_decision_no(agency_id, data.decision_no)
    source = _source(part, task, data, user)
    inspectors = [ti for ti in task.inspectors if ti.agency_id == agency_id]
    inspection = Inspection(
        agency_id=agency_id, source_record_id=source.id, entity_id=task.entity_id,
        inspection_date=data.inspection_date,
        inspection_type=InspectionType.JOINT if len(task.agencies) > 1 else InspectionType.ROUTINE,
        selection_reason=part.selection_reason, selection_probability=part.selection_probability,
        result=data.result, violation_count=len(data.violations),
        serious_violation=any(v.severity != Severity.MINOR for v in data.violations),
        inspectors_text="、".join(ti.user.display_name or ti.user.username for ti in inspectors)[:500] or None,
        notes=data.notes or None, internal_notes=data.internal_notes or None, task_id=task.id,
        external_id=f"task-{task.id}-{agency_id}")
    db.session.add(inspection)
    db.session.flush()
    for ti in inspectors:
        db.session.add(InspectionInspector(inspection_id=inspection.id, user_id=ti.user_id))
    violations = []
    for v in data.violations:
        violation = Violation(agency_id=agency_id, source_record_id=source.id, entity_id=task.entity_id,
                              inspection_id=inspection.id, code=v.code, description=v.description or None,
                              severity=v.severity, found_date=data.inspection_date)
        db.session.add(violation)
        violations.append(violation)
    db.session.flush()
    if data.penalty_type is not None:
        db.session.add(EnforcementAction(
            agency_id=agency_id, source_record_id=source.id, entity_id=task.entity_id,
            decision_no=data.decision_no or None, decision_date=data.inspection_date,
            penalty_type=data.penalty_type, amount=amount, description=data.penalty_description or None,
            violation_id=violations[0].id if violations else None))
    part.inspection_id = inspection.id
    part.status = TaskStatus.DONE
    if all(p.status in (TaskStatus.DONE, TaskStatus.CANCELLED) for p in task.agencies):
        task.status, task.completed_at = TaskStatus.DONE, datetime.now(UTC)
    else:
        task.status = TaskStatus.IN_PROGRESS
    db.session.flush()
    from .disclosure import fill_publication_ends

    fill_publication_ends([task.entity_id])
    if notify:
        notify_records_changed("result", [task.entity_id])
    audit.record("task.result", entity_id=task.entity_id, object_type="inspection", object_id=inspection.id,
                 user=user, task=task.id, result=str(data.result), violations=len(violations))
    log.info("task %d: agency %d recorded %s with %d violations", task.id, agency_id, data.result, len(violations))
    return inspection


def tasks_of(user: User) -> list[InspectionTask]:
    """Every task the inspector is drawn for."""
    return list(db.session.scalars(select(InspectionTask).join(TaskInspector)
                                   .where(TaskInspector.user_id == user.id)))
