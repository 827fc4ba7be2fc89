"""Notifications in words, in the reader's language, and where each leads for the reader's role.

A notification stores its kind (``objection.accepted`` ...) and a few details; the text is said here when the
list is read. A kind without words here is a defect a test catches (every kind the services record has them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from models import Campaign, MarketEntity, Notification, Role

from .extensions import db
from .i18n import label

Words = Callable[[dict[str, Any]], str]

WORDS: dict[str, Words] = {
    "objection.submitted": lambda d: _("%(entity)s objects to a record of your agency (objection #%(id)s).", **d),
    "objection.withdrawn": lambda d: _("%(entity)s withdrew its objection #%(id)s.", **d),
    "objection.under_review": lambda d: _("Your objection #%(id)s is under review.", **d),
    "objection.accepted": lambda d: (
        _("Your objection #%(id)s was accepted: the record is corrected.", **d) if d.get("resolution") == "corrected"
        else _("Your objection #%(id)s was accepted: the record is withdrawn.", **d)
        if d.get("resolution") == "withdrawn"
        else _("Your objection #%(id)s was accepted: the record is corrected or withdrawn.", **d)),
    "objection.rejected": lambda d: _("Your objection #%(id)s was rejected; the reason is on its page.", **d),
    "credit_repair.submitted": lambda d: _("%(entity)s applies for credit repair (application #%(id)s).", **d),
    "credit_repair.under_review": lambda d: _("Your credit repair application #%(id)s is under review.", **d),
    "credit_repair.granted": lambda d: _("Your credit repair application #%(id)s was granted.", **d),
    "credit_repair.rejected": lambda d: _("Your credit repair application #%(id)s was rejected; the reason is "
                                          "on its page.", **d),
    "referral.accepted": lambda d: _("Your referral #%(id)s about %(entity)s was accepted.", **d),
    "referral.rejected": lambda d: _("Your referral #%(id)s about %(entity)s was rejected.", **d),
    "referral.acted": lambda d: _("The agency acted on your referral #%(id)s about %(entity)s.", **d),
    "credit.class_changed": lambda d: _("The credit class of %(entity)s changed from %(old)s to %(new)s.",
                                        entity=d["entity"], old=label(d["from"]), new=label(d["to"])),
    "task.reassigned": lambda d: _("You are drawn for visit #%(id)s to %(entity)s, in place of a colleague.", **d),
    "task.withdrawn": lambda d: _("You are no longer drawn for visit #%(id)s to %(entity)s: %(reason)s", **d),
    "task.agency_withdrawn": lambda d: _("%(agency)s withdrew from visit #%(id)s to %(entity)s: %(reason)s", **d),
    "conflict.replaced": lambda d: _("%(inspector)s declared a conflict of interest with %(entity)s: visit #%(id)s "
                                     "was given to another inspector of your agency.", **d),
    "conflict.unstaffed": lambda d: _("%(inspector)s declared a conflict of interest with %(entity)s: no other "
                                      "inspector of your agency is free for visit #%(id)s.", **d),
    "inactive.replaced": lambda d: _("The account of %(inspector)s was deactivated: visit #%(id)s to %(entity)s was "
                                     "given to another inspector of your agency.", **d),
    "inactive.unstaffed": lambda d: _("The account of %(inspector)s was deactivated: no other inspector of your "
                                      "agency is free for visit #%(id)s to %(entity)s.", **d),
    "moved.replaced": lambda d: _("%(inspector)s is no longer one of your agency's inspectors: visit #%(id)s to "
                                  "%(entity)s was given to another inspector of your agency.", **d),
    "moved.unstaffed": lambda d: _("%(inspector)s is no longer one of your agency's inspectors: no other inspector "
                                   "of your agency is free for visit #%(id)s to %(entity)s.", **d),
    "account.registered": lambda d: _("A new account “%(username)s” was opened for %(entity)s with its legal "
                                      "representative's details. If you do not know of it, tell the agency.", **d),
    "deadline.objection_near": lambda d: _("Objection #%(id)s of %(entity)s is to be decided by %(day)s.", **d),
    "deadline.objection_passed": lambda d: _("Objection #%(id)s of %(entity)s was to be decided by %(day)s: it is "
                                             "overdue.", **d),
    "deadline.repair_near": lambda d: _("Credit repair application #%(id)s of %(entity)s is to be decided by "
                                        "%(day)s.", **d),
    "deadline.repair_passed": lambda d: _("Credit repair application #%(id)s of %(entity)s was to be decided by "
                                          "%(day)s: it is overdue.", **d),
    "deadline.results": lambda d: _("Recorded results of the campaign “%(campaign)s” are due public by %(day)s.",
                                    **d),
    "entity.merged": lambda d: _("The agencies found that %(other)s and %(entity)s are one business and combined "
                                 "their records: your account now belongs to %(entity)s. If they are two "
                                 "businesses, tell the agency.", **d),
    "entity.merge_undone": lambda d: _("The combining of %(entity)s with %(other)s was undone: your account belongs "
                                       "to %(entity)s again.", **d),
    "tasks.assigned": lambda d: ngettext("You are drawn for %(num)d visit of the campaign “%(campaign)s”.",
                                         "You are drawn for %(num)d visits of the campaign “%(campaign)s”.",
                                         d["visits"], campaign=d["campaign"]),
}


def described(notes: list[Notification]) -> list[tuple[Notification, str]]:
    """Each notification with its words, the names of the entities and campaigns read in two statements."""
    names = _names(MarketEntity, {n.entity_id for n in notes if n.entity_id})
    campaigns = _names(Campaign, {n.subject_id for n in notes if n.subject_type == "campaign"})
    return [(n, text(n, names.get(n.entity_id), campaigns.get(n.subject_id) if n.subject_type == "campaign"
                     else None)) for n in notes]


def _names(model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


def text(note: Notification, entity: str | None, campaign: str | None = None) -> str:
    """The notification in the reader's language (its kind as stored, where it has no words)."""
    words = WORDS.get(note.kind)
    if words is None:
        return note.kind
    return words({"id": note.subject_id, "entity": entity or "—", "campaign": campaign or "—",
                  **(note.details or {})})


def link(note: Notification, role: Role) -> str | None:
    """Where the notification leads the reader, by what it is about and the reader's side."""
    staff = role in (Role.COORDINATOR, Role.ADMIN)
    if note.subject_type == "objection":
        return url_for("coordinator.objection" if staff else "enterprise.objection", objection_id=note.subject_id)
    if note.subject_type == "credit_repair":
        return url_for("coordinator.repair" if staff else "enterprise.repair", repair_id=note.subject_id)
    if note.subject_type == "referral":
        if role == Role.INSPECTOR:  # the visit it was sent from, where the inspector sees its state
            task_id = (note.details or {}).get("task_id")
            return url_for("inspector.task", task_id=task_id) if task_id else None
        return url_for("coordinator.referral", referral_id=note.subject_id)
    if note.subject_type == "campaign":
        return url_for("coordinator.campaign", campaign_id=note.subject_id) if staff else url_for("inspector.index")
    if note.subject_type == "task":
        if role == Role.INSPECTOR:
            return url_for("inspector.task", task_id=note.subject_id)
        return url_for("coordinator.task", task_id=note.subject_id)
    if note.subject_type == "entity":
        return url_for("enterprise.index") if role == Role.ENTERPRISE else url_for("profile.entity",
                                                                                   entity_id=note.subject_id)
    return None
