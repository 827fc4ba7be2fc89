"""Starting a session: where a user lands, which ``next`` addresses are safe, the rate limit of the forms posted
before signing in, and the sign-in itself (after the password, or after the second step)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, redirect, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.security import check_password_hash

from models import Role, User

from ..extensions import db
from ..services import users

HOME_BY_ROLE = {
    Role.ADMIN: "admin.index",
    Role.COORDINATOR: "coordinator.index",
    Role.INSPECTOR: "inspector.index",
    Role.ENTERPRISE: "enterprise.index",
}


def home_url() -> str:
    """Where the current user lands: their area's home page, or the public home."""
    if current_user.is_authenticated:
        return url_for(HOME_BY_ROLE[current_user.role])
    return url_for("public.index")


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths: never an open redirect. Browsers read a backslash as a slash and drop
    tabs and line breaks, so ``/\\evil.example`` would leave the site: a path with either is refused."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    return target


def confirm_failed(action: str) -> None:
    """A wrong password or code given on the account page counts towards the lockout, as at sign-in (else a
    session left open could try passwords without end, then take the account with its e-mail address)."""
    users.failed(current_user._get_current_object(), action, max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                 lockout=current_app.config["LOGIN_LOCKOUT"])
    db.session.commit()


def password_problem(given: str | None) -> str | None:
    """None when ``given`` is the signed-in user's password; else what is wrong (counted, see ``confirm_failed``).
    While the account is locked out no password is taken."""
    if users.locked(current_user._get_current_object()):
        return _("Too many failed attempts: this account is locked for a while.")
    if check_password_hash(current_user.password_hash, given or ""):
        return None
    confirm_failed("account.password_failed")
    return _("The current password is wrong.")


def login_limit() -> str:
    """The rate limit of every form that a caller who is not signed in posts (sign in, password links, register)."""
    return current_app.config["LOGIN_RATE_LIMIT"]


def sign_in(user: User, remember: bool, next_url: str | None):  # noqa: ANN201 - a redirect
    """Start the user's session (a fresh one; the language chosen before stays) and go on."""
    chosen = session.get("locale")
    session.clear()
    if chosen in current_app.config["LANGUAGES"]:
        session["locale"] = chosen
        if user.locale != chosen:
            user.locale = chosen
            db.session.commit()
    login_user(user, remember=remember)
    return redirect(next_url or home_url())
