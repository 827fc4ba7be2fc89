"""Credit repair: end a penalty's publication early, or leave a list once the cause is corrected.

The enterprise applies (after the minimum publication period, see risk.disclosure); the agency that owns
the record grants or rejects. Granting ends the publication (``repaired_on``) or removes the list entry,
with the record's history kept, and tells ``records_changed`` so the class follows.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from models import CreditRepair, EnforcementAction, ListEntry, RecordStatus, RepairStatus, Role, User
from risk.disclosure import is_list_entry_public, is_penalty_public, list_repair_opens_on, repair_opens_on

from ..extensions import db
from ..record_kinds import KINDS, REPAIR_TARGETS
from ..signals import notify_records_changed
from . import audit
from .corrections import change_record
from .objections import add_event, claim, insert_open
from .working_days import local_day

log = logging.getLogger(__name__)
OPEN = (RepairStatus.SUBMITTED, RepairStatus.UNDER_REVIEW)
SUBJECT = "credit_repair"


class RepairError(ValueError):
    """The application cannot be made or decided; the message says why."""


@dataclass(frozen=True)
class Eligibility:
    """Whether the entity may apply now, and from when."""

    allowed: bool
    opens_on: date | None
    reason: str | None = None


def record_of(target_type: str, target_id: int) -> Any:
    """The penalty or list entry a repair targets (None when the type is not repairable)."""
    kind = REPAIR_TARGETS.get(target_type)
    return db.session.get(KINDS[kind].model, target_id) if kind else None


def open_for_entity(entity_id: int) -> dict[tuple[str, int], CreditRepair]:
    """Open applications of an entity, by (target type, target id)."""
    rows = db.session.scalars(select(CreditRepair).where(CreditRepair.entity_id == entity_id,
                                                         CreditRepair.status.in_(OPEN)))
    return {(r.target_type, r.target_id): r for r in rows}


def eligibility(target_type: str, record: Any, today: date | None = None) -> Eligibility:
    """May the entity apply to repair this record today?"""
    today = today or local_day()
    if record is None or record.status == RecordStatus.WITHDRAWN:
        return Eligibility(False, None, _("This record cannot be repaired."))
    if isinstance(record, EnforcementAction):
        opens = repair_opens_on(record.decision_date, record.penalty_type, record.amount)
        if not is_penalty_public(record.decision_date, record.penalty_type, record.amount, today,
                                 record.publication_end, record.repaired_on):
            return Eligibility(False, opens, _("This penalty is no longer published."))
    elif isinstance(record, ListEntry):
        opens = list_repair_opens_on(record.list_type, record.added_date)
        if not is_list_entry_public(record.added_date, record.removed_date, today):
            return Eligibility(False, opens, _("The entity is no longer on this list."))
        if opens is None:
            return Eligibility(False, None, _("This list has no early removal."))
    else:
        return Eligibility(False, None, _("Only penalties and list entries can be repaired."))
    if today < opens:
        return Eligibility(False, opens, _("Credit repair opens on %(day)s, after the minimum publication "
                                           "period.", day=opens.isoformat()))
    return Eligibility(True, opens)


@dataclass
class Repairable:
    """A record of the entity that credit repair concerns, and whether it may be applied for now."""

    target_type: str
    record: Any
    verdict: Eligibility

    @property
    def penalty(self) -> bool:
        return self.target_type == "enforcement_action"

    @property
    def day(self) -> date:
        """The penalty's decision day, or the day the entity was listed."""
        return self.record.decision_date if self.penalty else self.record.added_date

    @property
    def kind(self) -> Any:
        """The penalty type, or the list."""
        return self.record.penalty_type if self.penalty else self.record.list_type


#: records of each kind that ``repairable`` looks at (an entity's published penalties and current listings)
REPAIRABLE_LIMIT = 200


def repairable(entity_id: int, today: date | None = None) -> list[Repairable]:
    """The entity's published penalties and current list entries that it may apply to repair now, or from a
    later day, newest first; records already under an open application are left out, as are those that can
    never be repaired early (a list without early removal)."""
    today = today or local_day()
    pending = open_for_entity(entity_id)
    out = []
    for target_type, model, day in (("enforcement_action", EnforcementAction, EnforcementAction.decision_date),
                                    ("list_entry", ListEntry, ListEntry.added_date)):
        for record in db.session.scalars(select(model).where(
                model.entity_id == entity_id, model.status != RecordStatus.WITHDRAWN)
                .order_by(day.desc(), model.id.desc()).limit(REPAIRABLE_LIMIT)):
            if (target_type, record.id) in pending:
                continue
            verdict = eligibility(target_type, record, today)
            later = verdict.opens_on is not None and verdict.opens_on > today and \
                (target_type != "list_entry" or record.removed_date is None)
            if verdict.allowed or later:
                out.append(Repairable(target_type, record, verdict))
    return out


def apply(user: User, target_type: str, target_id: int, reason: str, evidence_text: str | None = None,
          today: date | None = None) -> CreditRepair:
    """An enterprise applies to repair a record of its own entity. Never commits."""
    record = record_of(target_type, target_id)
    if user.role != Role.ENTERPRISE or record is None or record.entity_id != user.entity_id:
        raise LookupError("no such record of the user's entity")
    verdict = eligibility(target_type, record, today)
    if not verdict.allowed:
        raise RepairError(verdict.reason)
    if (target_type, target_id) in open_for_entity(record.entity_id):
        raise RepairError(_("An application for this record is already being decided."))
    if not reason.strip():
        raise RepairError(_("Say how the cause has been corrected."))
    repair = CreditRepair(entity_id=record.entity_id, agency_id=record.agency_id, target_type=target_type,
                          target_id=target_id, applicant_id=user.id, reason=reason.strip(),
                          evidence_text=(evidence_text or "").strip() or None)
    insert_open(repair, RepairError(_("An application for this record is already being decided.")))
    add_event(SUBJECT, repair.id, RepairStatus.SUBMITTED, user, repair.reason)
    audit.record("repair.apply", entity_id=repair.entity_id, object_type=SUBJECT, object_id=repair.id,
                 target_type=target_type, target_id=target_id)
    return repair


def _require_open(repair: CreditRepair) -> None:
    if repair.status not in OPEN:
        raise RepairError(_("This application has been decided already."))


def _claim(repair: CreditRepair, status: RepairStatus, allowed: tuple[RepairStatus, ...] = OPEN) -> None:
    claim(repair, allowed, status, RepairError(_("This application has been decided already.")))


def start_review(repair: CreditRepair, user: User, note: str | None = None) -> None:
    """The agency takes the application up, with a note the enterprise reads (what it will check, what it needs)."""
    try:
        _claim(repair, RepairStatus.UNDER_REVIEW, (RepairStatus.SUBMITTED,))
    except RepairError:
        _require_open(repair)
        raise RepairError(_("This application is under review already.")) from None
    add_event(SUBJECT, repair.id, RepairStatus.UNDER_REVIEW, user, (note or "").strip() or None)
    audit.record("repair.review", entity_id=repair.entity_id, object_type=SUBJECT, object_id=repair.id)


def _close(repair: CreditRepair, user: User, status: RepairStatus, reason: str) -> None:
    """Record the decision on an application already moved to ``status`` (``_claim``)."""
    repair.decision_reason = reason
    repair.decided_by_id = user.id
    repair.decided_at = datetime.now(UTC)
    add_event(SUBJECT, repair.id, status, user, reason)
    audit.record(f"repair.{status.value}", entity_id=repair.entity_id, object_type=SUBJECT, object_id=repair.id)


def grant(repair: CreditRepair, user: User, reason: str, today: date | None = None) -> None:
    """Grant: the penalty leaves the public view, or the entity leaves the list. Never commits."""
    _require_open(repair)
    if not reason.strip():
        raise RepairError(_("Give the reason for the decision."))
    today = today or local_day()
    record = record_of(repair.target_type, repair.target_id)
    verdict = eligibility(repair.target_type, record, today)
    if not verdict.allowed:  # withdrawn on an objection, its publication over, or taken off the list meanwhile
        raise RepairError(_("This application can no longer be granted: %(reason)s Reject it with that reason.",
                            reason=verdict.reason))
    _claim(repair, RepairStatus.GRANTED)
    kind = KINDS[REPAIR_TARGETS[repair.target_type]]
    if isinstance(record, EnforcementAction):
        changes = {"repaired_on": today}
    else:
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):  # the record's language, not the reader's
            removed = _("Credit repair granted: %(reason)s", reason=reason.strip())
        changes = {"removed_date": today, "removed_reason": removed}
    change_record(kind, record, changes=changes, status=None, reason=reason.strip(), user=user, origin=SUBJECT)
    _close(repair, user, RepairStatus.GRANTED, reason.strip())
    db.session.flush()
    notify_records_changed(SUBJECT, [repair.entity_id])


def reject(repair: CreditRepair, user: User, reason: str) -> None:
    """Reject with a reason the enterprise will read."""
    _require_open(repair)
    if not reason.strip():
        raise RepairError(_("Give the reason for the decision."))
    _claim(repair, RepairStatus.REJECTED)
    _close(repair, user, RepairStatus.REJECTED, reason.strip())
    db.session.flush()
