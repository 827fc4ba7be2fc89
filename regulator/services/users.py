"""Accounts: creation, password checks with lockout, activation."""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from models import Agency, MarketEntity, Role, User

from ..extensions import db
from ..i18n import label
from ..identifiers import check_uscc
from . import audit

log = logging.getLogger(__name__)
MIN_PASSWORD_LENGTH = 10
#: a new username: 2 to 80 letters (any script), digits, dots, hyphens or underscores, starting with a letter or
#: digit; sign-in compares it case-blind
USERNAME = re.compile(r"[^\W_][\w.-]{1,79}")


class UserError(ValueError):
    """A user could not be created or changed; the message says why, ``field`` which form field it is about
    (``username``, ``password``, ``agency``, ``entity``; None: the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def validate_password(password: str) -> None:
    """Refuse short passwords and passwords of a single character class."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(_("The password must have at least %(n)s characters.", n=MIN_PASSWORD_LENGTH), "password")
    classes = sum(any(test(c) for c in password) for test in (str.isdigit, str.isalpha))
    if classes < 2 and not any(not c.isalnum() for c in password):
        raise UserError(_("The password must mix letters with digits or symbols."), "password")


def plain_username(text: str) -> str:
    """A username as stored and looked up: full-width letters and digits as their plain forms (ａｄｍｉｎ is admin),
    no surrounding blanks."""
    return unicodedata.normalize("NFKC", text or "").strip()


def create_user(username: str, password: str, role: Role | str, *, agency_code: str | None = None,
                entity_id: int | None = None, display_name: str = "", email: str | None = None,
                locale: str | None = None) -> User:
    """Create an account after checking the username (``USERNAME``, free), the role's binding (agency or entity)
    and the password."""
    role = Role(role)
    username = plain_username(username)
    if not username:
        raise UserError(_("Enter a username."), "username")
    if not USERNAME.fullmatch(username):
        raise UserError(_("A username is 2 to 80 letters, digits, dots, hyphens or underscores, starting with a "
                          "letter or digit."), "username")
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username.lower())):
        raise UserError(_("The username “%(name)s” is taken: choose another.", name=username), "username")
    validate_password(password)
    agency_id = _agency_for(role, agency_code)
    if role == Role.ENTERPRISE:
        if entity_id is None or db.session.get(MarketEntity, entity_id) is None:
            raise UserError(_("An enterprise user must be bound to an existing market entity: give its unified "
                              "social credit code."), "entity")
    elif entity_id is not None:
        raise UserError(_("An account with the role “%(role)s” is not bound to a market entity: leave the entity "
                          "empty.", role=label(role)), "entity")
    user = User(username=username, password_hash=generate_password_hash(password), role=role,
                agency_id=agency_id, entity_id=entity_id, display_name=display_name or username,
                email=email, locale=locale, password_changed_at=datetime.now(UTC))
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", object_type="user", object_id=user.id, username=username, role=str(role))
    return user


def set_password(user: User, password: str, *, action: str = "user.password", by: User | None = None) -> None:
    """Replace a user's password and clear any lockout; the user's sessions end (``User.get_id``)."""
    validate_password(password)
    user.password_hash = generate_password_hash(password)
    user.password_changed_at = datetime.now(UTC)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(action, object_type="user", object_id=user.id, user=by)



def _agency_for(role: Role, agency_code: str | None) -> int | None:
    """The agency an account of ``role`` belongs to: one that exists for coordinators and inspectors, none for
    the others (refused at the agency field otherwise)."""
    if role not in (Role.COORDINATOR, Role.INSPECTOR):
        if agency_code:
            raise UserError(_("An account with the role “%(role)s” does not belong to an agency: leave the agency "
                              "empty.", role=label(role)), "agency")
        return None
    if not agency_code:
        raise UserError(_("An account with the role “%(role)s” must belong to an agency: choose one.",
                          role=label(role)), "agency")
    agency_id = db.session.scalar(select(Agency.id).where(Agency.code == agency_code))
    if agency_id is None:
        raise UserError(_("There is no agency with the code “%(code)s”.", code=agency_code), "agency")
    return agency_id


def change_role(user: User, role: Role | str, agency_code: str | None, *, by: User | None = None) -> bool:
    """Give a staff account another role or agency (an enterprise account stays one: it is bound to its entity).
    The user's open session has the new rights from its next page on. An inspector who leaves their agency's
    inspectors leaves their open visits (``staffing.withdraw``). Returns whether anything changed; flushes."""
    from . import staffing

    role = Role(role)
    agency_code = (agency_code or "").strip() or None
    if (role == Role.ENTERPRISE) != (user.role == Role.ENTERPRISE):
        raise UserError(_("An enterprise account cannot take a staff role, nor a staff account the enterprise "
                          "role: create a new account."), "role")
    if user.role == Role.ADMIN and role != Role.ADMIN:
        if by is not None and user.id == by.id:
            raise UserError(_("You cannot take the administrator's role from your own account: another "
                              "administrator must."), "role")
        _keep_an_administrator(user)
    agency_id = _agency_for(role, agency_code if role != Role.ENTERPRISE else None)
    if role == Role.ENTERPRISE or (role == user.role and agency_id == user.agency_id):
        return False
    before = (str(user.role), user.agency.code if user.agency else None)
    visits = staffing.withdraw(user, "moved") if user.role == Role.INSPECTOR and user.active else []
    user.role, user.agency = role, db.session.get(Agency, agency_id) if agency_id else None
    db.session.flush()
    audit.record("user.role", object_type="user", object_id=user.id, user=by, role_from=before[0],
                 agency_from=before[1], role=str(role), agency=agency_code,
                 **({"visits": [t for t, _r in visits]} if visits else {}))
    return True


def _keep_an_administrator(user: User) -> None:
    """Refuse when the user is the last active administrator; every active administrator's row is locked first,
    so that two administrators taking each other's role (or account) at the same moment cannot both pass."""
    admins = db.session.scalars(select(User.id).where(User.role == Role.ADMIN, User.active.is_(True))
                                .with_for_update()).all()
    if not set(admins) - {user.id}:
        raise UserError(_("%(name)s is the last active administrator: create or activate another administrator "
                          "first.", name=user.username), "role")


def may_deactivate(user: User, by: User | None) -> None:
    """Refuse to deactivate one's own account or the last active administrator: the platform would be left with
    no one to run it."""
    if by is not None and user.id == by.id:
        raise UserError(_("You cannot deactivate your own account: another administrator must."), "active")
    if user.role == Role.ADMIN:
        try:
            _keep_an_administrator(user)
        except UserError as exc:
            raise UserError(str(exc), "active") from None


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; every stored time is UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def authenticate(username: str, password: str, *, max_failures: int = 5,
                 lockout: timedelta = timedelta(minutes=15)) -> tuple[User | None, str | None]:
    """Check credentials; returns (user, None) or (None, reason). Locks an account after repeated failures."""
    user = db.session.scalar(select(User).where(func.lower(User.username) == plain_username(username).lower()))
    now = datetime.now(UTC)
    if user is None:
        generate_password_hash(password)  # same cost as a real check: no username oracle by timing
        return None, "invalid"
    locked_until = _aware(user.locked_until)
    if locked_until and locked_until > now:
        audit.record("login.locked", user=user, object_type="user", object_id=user.id)
        return None, "locked"
    if not check_password_hash(user.password_hash, password):
        failed(user, "login.failed", max_failures=max_failures, lockout=lockout)
        return None, "invalid"
    if not user.active:
        return None, "inactive"
    if user.totp_secret:
        return user, None  # the code finishes signing in (``signed_in``); failures stay counted until then
    signed_in(user)
    return user, None


def signed_in(user: User, **details: Any) -> None:
    """The user passed every step: failures forgotten, the sign-in recorded."""
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = datetime.now(UTC)
    audit.record("login", user=user, object_type="user", object_id=user.id, **details)


def failed(user: User, action: str, *, max_failures: int, lockout: timedelta) -> None:
    """Count a failed sign-in step (a wrong password or code) and lock the account after ``max_failures``."""
    user.failed_logins += 1
    if user.failed_logins >= max_failures:
        user.locked_until = datetime.now(UTC) + lockout
        user.failed_logins = 0
    audit.record(action, user=user, object_type="user", object_id=user.id)


def locked(user: User) -> bool:
    """Whether the account is locked out now."""
    until = _aware(user.locked_until)
    return bool(until and until > datetime.now(UTC))


def entity_by_code(text: str | None) -> int | None:
    """The market entity an administrator names by its credit code (any spacing or case) or its id; None for
    nothing given; UserError naming what was given when no entity has it. A merged entity's code leads to the
    entity it was merged into."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit() and len(text) < 10:
        entity = db.session.get(MarketEntity, int(text))
    else:
        check = check_uscc(text)
        entity = db.session.scalar(select(MarketEntity).where(MarketEntity.uscc == check.code).limit(1)) \
            if check.valid else None
    if entity is None:
        raise UserError(_("No market entity has the credit code or id “%(value)s”.", value=text[:64]), "entity")
    while entity.merged_into_id is not None:
        entity = db.session.get(MarketEntity, entity.merged_into_id)
    return entity.id
