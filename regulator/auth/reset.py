"""A forgotten password: a link mailed to the account's address sets a new one.

The link carries the user's id and a digest of the password hash, signed with the app's secret and dated
(itsdangerous): it works once (the new password changes the hash) and for ``PASSWORD_RESET_MAX_AGE`` seconds.
The page answers the same whether or not the name or address is known, so it tells nobody which accounts exist
(the mail goes out from a background thread, so not even the answer's time tells); it is rate-limited like the
sign-in form. Where the platform sends no mail, it says to ask an administrator.
"""

from __future__ import annotations

import hashlib

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from models import User

from ..access import public
from ..extensions import db, limiter
from ..services import audit, mail, users
from . import bp
from .forms import ResetForm, ResetRequestForm
from .sessions import login_limit

_SALT = "password-reset"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _digest(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def reset_token(user: User) -> str:
    """The signed, dated token of a user's reset link."""
    return _serializer().dumps([user.id, _digest(user)])


def user_of(token: str) -> tuple[User | None, str | None]:
    """The active user a token names while it is valid, or None and why not ("expired", "invalid")."""
    try:
        user_id, digest = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        return None, "expired"
    except (BadSignature, ValueError, TypeError):
        return None, "invalid"
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active or digest != _digest(user):
        return None, "invalid"  # used already (the password changed since), or the account is gone
    return user, None


@bp.route("/reset", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def forgot_password():
    """Ask for a link that sets a new password."""
    form = ResetRequestForm()
    if not mail.configured():
        return render_template("auth/forgot.html", form=None)
    if form.validate_on_submit():
        found = mail.users_with_address(form.login.data)
        for user in found:
            mail.send_password_link(user, reset_token(user))  # sent in the background: the answer does not wait
            audit.record("user.password_link", object_type="user", object_id=user.id)
        db.session.commit()
        flash(_("If an account has that username or e-mail address, a link to set a new password was sent to its "
                "address. The link works once, for %(minutes)d minutes.",
                minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def reset_password(token: str):
    """Set a new password from a mailed link."""
    user, problem = user_of(token)
    if user is None:
        flash(_("This link has expired: ask for a new one.") if problem == "expired" else
              _("This link is not valid or was used already: ask for a new one."), "danger")
        return redirect(url_for("auth.forgot_password"))
    form = ResetForm()
    if form.validate_on_submit():
        try:
            users.set_password(user, form.new.data, action="user.password_reset", by=user)
        except users.UserError as exc:
            form.new.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Your new password is set: sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, user=user), (400 if form.errors else 200)
