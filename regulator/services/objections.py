"""Objections: an enterprise says a record about it is wrong; the agency that owns the record decides.

Each step is a StatusEvent (submitted, under review, accepted, rejected, withdrawn) so the enterprise and
the agency see the same history. Accepting corrects or withdraws the record (with its RecordRevision)
and tells ``records_changed`` so the credit class follows.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, false, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from models import Objection, ObjectionStatus, RecordStatus, Role, StatusEvent, User

from ..extensions import db
from ..record_kinds import KINDS, RecordKind
from ..signals import notify_records_changed
from . import audit, notifications
from .corrections import change_record

log = logging.getLogger(__name__)
OPEN = (ObjectionStatus.SUBMITTED, ObjectionStatus.UNDER_REVIEW)
SUBJECT = "objection"


def readable_by(model: Any, user: User | Any) -> ColumnElement[bool]:
    """The requests (objections, credit repair applications) ``user`` may read: the enterprise its own entity's,
    a coordinator its agency's (the agency deciding them), an administrator every one; inspectors none (they
    neither raise nor decide them)."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.ENTERPRISE and user.entity_id is not None:
        return model.entity_id == user.entity_id
    if user.role == Role.COORDINATOR and user.agency_id is not None:
        return model.agency_id == user.agency_id
    return false()


class ObjectionError(ValueError):
    """The objection cannot be made or decided; the message says why."""


def add_event(subject_type: str, subject_id: int, status: str, actor: User | Any, note: str | None = None,
              **details: Any) -> StatusEvent:
    """Append one step of a request's history."""
    event = StatusEvent(subject_type=subject_type, subject_id=subject_id, status=str(status), note=note,
                        actor_id=getattr(actor, "id", None), details=details)
    db.session.add(event)
    notifications.on_step(subject_type, subject_id, str(status), actor)
    return event


def claim(request: Any, allowed: tuple[Any, ...], status: Any, refused: Exception) -> None:
    """Move a request (objection, credit repair application) from one of the ``allowed`` states to ``status`` in
    one conditional UPDATE, or raise ``refused``: of two decisions read on one open request at once (a button
    pressed twice, two coordinators, a withdrawal as the agency decides) only the first is taken."""
    model = type(request)
    moved = db.session.execute(update(model).where(model.id == request.id, model.status.in_(allowed))
                               .values(status=status).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        db.session.refresh(request)  # the state another request moved it to, for the caller's message
        raise refused
    set_committed_value(request, "status", status)


def insert_open(request: Any, refused: Exception) -> None:
    """Add a new open request, or raise ``refused`` when the record has one open already (its unique index: two
    submits of one form at once both found none). The caller rolls back on the error."""
    db.session.add(request)
    try:
        db.session.flush()
    except IntegrityError:
        raise refused from None


def history(subject_type: str, subject_id: int) -> list[StatusEvent]:
    """Every step of a request, oldest first."""
    return list(db.session.scalars(select(StatusEvent).where(StatusEvent.subject_type == subject_type,
                                                             StatusEvent.subject_id == subject_id)
                                   .order_by(StatusEvent.id)))


def target(objection: Objection) -> tuple[RecordKind, Any]:
    """The record an objection is about."""
    kind = KINDS[objection.record_type]
    return kind, db.session.get(kind.model, objection.record_id)


def open_for_entity(entity_id: int) -> dict[tuple[str, int], Objection]:
    """Open objections on an entity's records, by (record kind, record id)."""
    rows = db.session.scalars(select(Objection).where(Objection.entity_id == entity_id,
                                                      Objection.status.in_(OPEN)))
    return {(o.record_type, o.record_id): o for o in rows}


def submit(user: User, kind_key: str, record_id: int, reason: str, attachments_text: str | None = None
           ) -> Objection:
    """An enterprise user objects to a record about its own entity. Never commits."""
    kind = KINDS.get(kind_key)
    record = db.session.get(kind.model, record_id) if kind else None
    if user.role != Role.ENTERPRISE or record is None or record.entity_id is None \
            or record.entity_id != user.entity_id:
        raise LookupError("no such record of the user's entity")
    if record.status == RecordStatus.WITHDRAWN:
        raise ObjectionError(_("This record has been withdrawn already."))
    if (kind_key, record_id) in open_for_entity(record.entity_id):
        raise ObjectionError(_("An objection to this record is already being decided."))
    if not reason.strip():
        raise ObjectionError(_("Say why the record is wrong."))
    objection = Objection(entity_id=record.entity_id, agency_id=record.agency_id, record_type=kind_key,
                          record_id=record_id, submitted_by_id=user.id, reason=reason.strip(),
                          attachments_text=(attachments_text or "").strip() or None)
    insert_open(objection, ObjectionError(_("An objection to this record is already being decided.")))
    add_event(SUBJECT, objection.id, ObjectionStatus.SUBMITTED, user, objection.reason)
    audit.record("objection.submit", entity_id=objection.entity_id, object_type=SUBJECT, object_id=objection.id,
                 record_type=kind_key, record_id=record_id)
    log.info("objection %s on %s %s by %s", objection.id, kind_key, record_id, user.username)
    return objection


def _require_open(objection: Objection) -> None:
    if objection.status not in OPEN:
        raise ObjectionError(_("This objection has been decided already."))


def _claim(objection: Objection, status: ObjectionStatus, allowed: tuple[ObjectionStatus, ...] = OPEN) -> None:
    claim(objection, allowed, status, ObjectionError(_("This objection has been decided already.")))


def start_review(objection: Objection, user: User, note: str | None = None) -> None:
    """The agency takes the objection up, with a note the enterprise reads (what it will check, what it needs)."""
    try:
        _claim(objection, ObjectionStatus.UNDER_REVIEW, (ObjectionStatus.SUBMITTED,))
    except ObjectionError:
        _require_open(objection)
        raise ObjectionError(_("This objection is under review already.")) from None
    add_event(SUBJECT, objection.id, ObjectionStatus.UNDER_REVIEW, user, (note or "").strip() or None)
    audit.record("objection.review", entity_id=objection.entity_id, object_type=SUBJECT, object_id=objection.id)


def _close(objection: Objection, user: User, status: ObjectionStatus, reason: str,
           resolution: str | None = None) -> None:
    """Record the decision on an objection already moved to ``status`` (``_claim``)."""
    objection.resolution = resolution
    objection.decision_reason = reason
    objection.decided_by_id = user.id
    objection.decided_at = datetime.now(UTC)
    add_event(SUBJECT, objection.id, status, user, reason, resolution=resolution)
    audit.record(f"objection.{status.value}", entity_id=objection.entity_id, object_type=SUBJECT,
                 object_id=objection.id, resolution=resolution)


def accept(objection: Objection, user: User, *, resolution: str, changes: dict[str, Any], reason: str) -> None:
    """Accept: correct the record's fields, or withdraw it; the class is recomputed. Never commits."""
    _require_open(objection)
    if not reason.strip():
        raise ObjectionError(_("Give the reason for the decision."))
    kind, record = target(objection)
    if resolution == "corrected":
        if not changes:
            raise ObjectionError(_("A correction must change at least one field."))
        status = RecordStatus.CORRECTED
    elif resolution == "withdrawn":
        changes, status = {}, RecordStatus.WITHDRAWN
    else:
        raise ObjectionError(_("Choose to correct or to withdraw the record."))
    _claim(objection, ObjectionStatus.ACCEPTED)
    change_record(kind, record, changes=changes, status=status, reason=reason.strip(), user=user,
                  origin=SUBJECT, objection_id=objection.id)
    _close(objection, user, ObjectionStatus.ACCEPTED, reason.strip(), resolution)
    db.session.flush()
    notify_records_changed(SUBJECT, [objection.entity_id])


def reject(objection: Objection, user: User, reason: str) -> None:
    """Reject with a reason the enterprise will read."""
    _require_open(objection)
    if not reason.strip():
        raise ObjectionError(_("Give the reason for the decision."))
    _claim(objection, ObjectionStatus.REJECTED)
    _close(objection, user, ObjectionStatus.REJECTED, reason.strip())
    db.session.flush()


def withdraw(objection: Objection, user: User) -> None:
    """The enterprise takes its objection back."""
    _require_open(objection)
    _claim(objection, ObjectionStatus.WITHDRAWN)
    add_event(SUBJECT, objection.id, ObjectionStatus.WITHDRAWN, user)
    audit.record("objection.withdraw", entity_id=objection.entity_id, object_type=SUBJECT, object_id=objection.id)
    db.session.flush()
