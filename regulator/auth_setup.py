"""Flask-Login wiring: loading users from the session, and what unauthenticated callers get."""

from __future__ import annotations

from flask import Flask, Request, g
from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import joinedload, undefer

from models import User

from .extensions import csrf, db, limiter, login_manager, mail
from .services.tokens import TokenPrincipal, bearer, principal_for, refusal


def init_app(app: Flask) -> None:
    """Bind login, CSRF protection and rate limiting."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    limiter.init_app(app)
    mail.init_app(app)
    app.teardown_request(_forget_user)


def _forget_user(_exc: BaseException | None) -> None:
    """Drop the cached user, locale and token refusal at the end of each request.

    ``g`` outlives a request when an app context was pushed before it (tests, CLI commands that call
    views); one request's user or language must never leak into the next.
    """
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    g.pop("token_refusal", None)


#: with the agency, which the layout and most staff pages read, and the number of unread notifications the bar
#: shows (one statement instead of three); built once (session.get builds its statement anew for every request)
_USER = (select(User).options(joinedload(User.agency), undefer(User.unread_notifications))
         .where(User.id == bindparam("user_id", type_=Integer)))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Load an active user by ``User.get_id``; a deactivated account, or a password changed since the session
    began, ends the session."""
    number = user_id.partition(":")[0]
    user = db.session.scalar(_USER, {"user_id": int(number)}) if number.isdigit() else None
    return user if user is not None and user.active and user.get_id() == user_id else None


@login_manager.request_loader
def load_token_principal(request: Request) -> TokenPrincipal | None:
    """Agency systems authenticate with ``Authorization: Bearer rgt_...`` instead of a session."""
    clear = bearer(request.headers.get("Authorization", ""))
    # tokens serve the API only: a leaked token must not open the web pages
    if clear is None or not request.path.startswith("/api/"):
        return None
    principal = principal_for(clear)
    if principal is None:
        g.token_refusal = refusal(clear)  # the 401 says why (regulator.access)
    return principal
