"""Referrals between agencies and joint-punishment alerts.

A finding outside the inspecting agency's remit is sent as a lead to the agency it belongs to; that
agency's coordinator accepts or rejects it and records what was done. Each step is a StatusEvent both
agencies see. An entity on the serious illegal and dishonest list raises a joint-punishment alert for
every agency (once per list entry and agency), whenever its records change.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import has_app_context
from flask_babel import gettext as _
from sqlalchemy import select, update

from models import (
    Agency,
    Alert,
    AlertKind,
    InspectionTask,
    ListEntry,
    ListType,
    RecordStatus,
    Referral,
    ReferralStatus,
    User,
)

from ..extensions import db
from ..signals import records_changed
from . import audit
from .objections import add_event

log = logging.getLogger(__name__)
SUBJECT = "referral"
CHUNK = 900


class ReferralError(ValueError):
    """A referral step that cannot be taken; the message says why."""


def send(entity_id: int, from_agency_id: int, to_agency_id: int, description: str, *, user: User,
         task_id: int | None = None, inspection_id: int | None = None) -> Referral:
    """Send a finding to the agency whose remit it is in; it gets a referral alert."""
    if from_agency_id == to_agency_id:
        raise ReferralError(_("A referral goes to another agency: choose the agency whose remit the finding is in."))
    if db.session.get(Agency, to_agency_id) is None:
        raise ReferralError(_("Agency %(id)s does not exist.", id=to_agency_id))
    if not description.strip():
        raise ReferralError(_("Describe the finding."))
    if task_id is not None:
        _refuse_resent(task_id, from_agency_id, to_agency_id, description.strip())
    referral = Referral(entity_id=entity_id, from_agency_id=from_agency_id, to_agency_id=to_agency_id,
                        description=description.strip(), task_id=task_id, inspection_id=inspection_id,
                        created_by_id=user.id, status=ReferralStatus.SENT)
    db.session.add(referral)
    db.session.flush()
    add_event(SUBJECT, referral.id, ReferralStatus.SENT, user)
    db.session.add(Alert(kind=AlertKind.REFERRAL, entity_id=entity_id, agency_id=to_agency_id,
                         referral_id=referral.id, message=description.strip()[:500]))
    db.session.flush()
    audit.record("referral.send", entity_id=entity_id, object_type="referral", object_id=referral.id, user=user)
    return referral


def _refuse_resent(task_id: int, from_agency_id: int, to_agency_id: int, description: str) -> None:
    """A visit's finding goes to an agency once: the same one sent again (a double click, the form sent again
    from the browser's history) is refused. The visit's row is held until the transaction ends, so that two
    submissions at once see each other."""
    db.session.execute(update(InspectionTask).where(InspectionTask.id == task_id)
                       .values(status=InspectionTask.status).execution_options(synchronize_session=False))
    if db.session.scalar(select(Referral.id).where(
            Referral.task_id == task_id, Referral.from_agency_id == from_agency_id,
            Referral.to_agency_id == to_agency_id, Referral.description == description).limit(1)) is not None:
        raise ReferralError(_("This finding has been sent to that agency from this visit already."))


def decide(referral: Referral, user: User, accept: bool, note: str = "") -> None:
    """The receiving coordinator accepts or rejects a sent referral."""
    if referral.status != ReferralStatus.SENT:
        raise ReferralError(_("Only a referral that was sent and not yet decided can be accepted or rejected."))
    if not accept and not note.strip():
        raise ReferralError(_("Say why the referral is rejected."))
    referral.status = ReferralStatus.ACCEPTED if accept else ReferralStatus.REJECTED
    referral.decided_by_id, referral.decided_at = user.id, datetime.now(UTC)
    if note.strip():
        referral.outcome = note.strip()
    add_event(SUBJECT, referral.id, referral.status, user, note or None)
    db.session.flush()
    audit.record("referral.decide", entity_id=referral.entity_id, object_type="referral", object_id=referral.id,
                 user=user, status=str(referral.status))


def acted(referral: Referral, user: User, outcome: str) -> None:
    """Record what the receiving agency did about an accepted referral."""
    if referral.status != ReferralStatus.ACCEPTED:
        raise ReferralError(_("Only an accepted referral can be marked as acted on."))
    if not outcome.strip():
        raise ReferralError(_("Describe what was done."))
    referral.status, referral.outcome = ReferralStatus.ACTED, outcome.strip()
    add_event(SUBJECT, referral.id, ReferralStatus.ACTED, user, outcome.strip())
    db.session.flush()
    audit.record("referral.acted", entity_id=referral.entity_id, object_type="referral", object_id=referral.id,
                 user=user)


def raise_joint_punishment(entity_ids: Iterable[int]) -> int:
    """A joint-punishment alert to every active agency for each entity on the serious illegal list
    (one per list entry and agency). Returns how many alerts were added."""
    ids = sorted(set(entity_ids))
    entries: list[tuple[int, int]] = []
    for start in range(0, len(ids), CHUNK):
        entries += db.session.execute(select(ListEntry.id, ListEntry.entity_id).where(
            ListEntry.entity_id.in_(ids[start:start + CHUNK]), ListEntry.list_type == ListType.SERIOUS_ILLEGAL,
            ListEntry.removed_date.is_(None), ListEntry.status != RecordStatus.WITHDRAWN)).all()
    if not entries:
        return 0
    agencies = list(db.session.scalars(select(Agency.id).where(Agency.active.is_(True))))
    entry_ids = [e for e, _ in entries]
    have: set[tuple[int, int]] = set()
    for start in range(0, len(entry_ids), CHUNK):
        have |= set(db.session.execute(select(Alert.list_entry_id, Alert.agency_id).where(
            Alert.kind == AlertKind.JOINT_PUNISHMENT, Alert.list_entry_id.in_(entry_ids[start:start + CHUNK]))).all())
    added = 0
    for entry_id, entity_id in entries:
        for agency_id in agencies:
            if (entry_id, agency_id) not in have:
                db.session.add(Alert(kind=AlertKind.JOINT_PUNISHMENT, entity_id=entity_id, agency_id=agency_id,
                                     list_entry_id=entry_id))
                added += 1
    db.session.flush()
    if added:
        log.info("joint-punishment alerts: %d added for %d list entries", added, len(entries))
    return added


def acknowledge(alert: Alert, user: User) -> None:
    """Mark an alert as seen by the agency."""
    if alert.acknowledged_at is None:
        alert.acknowledged_by_id, alert.acknowledged_at = user.id, datetime.now(UTC)
        db.session.flush()


def acknowledge_all(user: User, agency_id: int | None, up_to: int) -> int:
    """Mark as seen the waiting alerts of an agency (every agency's when None) whose id is at most ``up_to``.

    ``up_to`` is the newest alert the user saw: one raised after the page was shown stays waiting.
    """
    stmt = (update(Alert).where(Alert.acknowledged_at.is_(None), Alert.id <= up_to)
            .values(acknowledged_by_id=user.id, acknowledged_at=datetime.now(UTC)))
    if agency_id is not None:
        stmt = stmt.where(Alert.agency_id == agency_id)
    return db.session.execute(stmt, execution_options={"synchronize_session": False}).rowcount or 0


@records_changed.connect
def _on_records_changed(_sender: str, entity_ids: set[int], **_kw: object) -> None:
    """Entities whose records changed may have entered the serious illegal list."""
    if not has_app_context():
        return
    raise_joint_punishment(entity_ids)
