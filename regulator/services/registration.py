"""Enterprises open their own accounts, proving who they are with what the register holds of them.

As on China's enterprise credit publicity system, where a liaison is registered with the entity's credit code
and its legal representative's name and ID number: the entity's current legal representative, as the agencies'
records name them, must have that name and that ID number (compared by the keyed hash the ID is stored under:
the number itself is kept nowhere). An entity without such a record gets its account from an administrator.

Guessing is bounded per entity, not only per address: after ``REGISTRATION_MAX_FAILURES`` failed tries within a
day (counted in the audit log, which records each try without the numbers typed) the entity's registration
waits a day, whoever tries. The entity's existing users are told of each new account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from models import AuditLog, EntityRole, MarketEntity, Person, PersonRole, Role, User

from ..extensions import db
from ..identifiers import check_uscc
from ..privacy import hash_id_number
from ..text import normalise_person_name
from . import audit, notifications, users
from .working_days import local_day

FAILED = "enterprise.register_failed"
WINDOW = timedelta(days=1)


class RegistrationError(ValueError):
    """The account was not opened; ``field`` names the form field the message is about (None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Applicant:
    """What the form gives."""

    code: str
    representative: str
    id_number: str
    username: str
    password: str
    display_name: str = ""
    email: str | None = None
    locale: str | None = None


def enabled() -> bool:
    """Whether enterprises may open their own accounts on this platform."""
    return bool(current_app.config.get("ENTERPRISE_REGISTRATION"))


def _entity(code: str) -> MarketEntity:
    check = check_uscc(code)
    if not check.valid:
        raise RegistrationError(_("“%(value)s” is not a valid unified social credit code.", value=code.strip()[:64]),
                                "code")
    try:  # the administrators' lookup: a merged entity's code leads to the entity it was merged into
        return db.session.get(MarketEntity, users.entity_by_code(check.code))
    except users.UserError:
        raise RegistrationError(_("No market entity on the platform has the credit code %(code)s.", code=check.code),
                                "code") from None


def _representatives(entity_id: int) -> list[Person]:
    today = local_day()
    return list(db.session.scalars(select(Person).join(EntityRole, EntityRole.person_id == Person.id).where(
        EntityRole.entity_id == entity_id, EntityRole.role == PersonRole.LEGAL_REPRESENTATIVE,
        or_(EntityRole.end_date.is_(None), EntityRole.end_date >= today), Person.id_hash.is_not(None))))


def failures(entity_id: int) -> int:
    """Failed tries for the entity within the last day."""
    since = datetime.now(UTC) - WINDOW
    return db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.entity_id == entity_id, AuditLog.action == FAILED, AuditLog.at >= since)) or 0


def register(applicant: Applicant) -> User:
    """Open an enterprise account bound to the entity the applicant proves to represent. A failed proof is
    recorded (the caller commits it either way)."""
    if not enabled():
        raise RegistrationError(_("Enterprises cannot register themselves on this platform: ask an administrator "
                                  "for an account."))
    entity = _entity(applicant.code)
    if failures(entity.id) >= current_app.config["REGISTRATION_MAX_FAILURES"]:
        raise RegistrationError(_("Too many failed tries to register for this entity: try again tomorrow, or ask "
                                  "an administrator for an account."))
    representatives = _representatives(entity.id)
    if not representatives:
        raise RegistrationError(_("The platform holds no ID number of this entity's legal representative to check "
                                  "against: ask an administrator for an account."))
    id_hash = hash_id_number(applicant.id_number.strip(), current_app.config["PII_HASH_KEY"])
    name = normalise_person_name(applicant.representative)
    if not any(p.id_hash == id_hash and p.name_norm == name for p in representatives):
        audit.record(FAILED, entity_id=entity.id, object_type="market_entity", object_id=entity.id)
        raise RegistrationError(_("The legal representative's name and ID number do not match the register's "
                                  "record of this entity."))
    try:
        users.validate_password(applicant.password)
    except users.UserError as exc:
        raise RegistrationError(str(exc), "password") from exc
    try:
        user = users.create_user(applicant.username, applicant.password, Role.ENTERPRISE, entity_id=entity.id,
                                 display_name=applicant.display_name.strip(), email=applicant.email or None,
                                 locale=applicant.locale)
    except users.UserError as exc:
        raise RegistrationError(str(exc), "username") from exc
    audit.record("enterprise.register", entity_id=entity.id, object_type="user", object_id=user.id, user=user,
                 username=user.username)
    others = notifications.active_users(User.role == Role.ENTERPRISE, User.entity_id == entity.id, User.id != user.id)
    notifications.notify(others, "account.registered", "entity", entity.id, entity.id, username=user.username)
    return user
