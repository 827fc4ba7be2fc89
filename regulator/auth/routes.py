"""Views of the auth area."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from models import Role

from ..access import public, role_required
from ..extensions import db, limiter
from ..services import audit, users
from . import bp, two_step
from .forms import LoginForm
from .sessions import home_url, login_limit, safe_next, sign_in


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def login():
    """Sign in; repeated failures lock the account for a while and the endpoint is rate-limited."""
    if current_user.is_authenticated:
        return redirect(home_url())
    form = LoginForm()
    if form.validate_on_submit():
        user, problem = users.authenticate(
            form.username.data, form.password.data,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lockout=current_app.config["LOGIN_LOCKOUT"])
        db.session.commit()
        if user is not None and user.totp_secret:
            return two_step.ask_for_code(user, form.remember.data, safe_next(request.args.get("next")))
        if user is not None:
            return sign_in(user, form.remember.data, safe_next(request.args.get("next")))
        messages = {
            "locked": _("Too many failed attempts: this account is locked for a while."),
            "inactive": _("This account is deactivated."),
        }
        flash(messages.get(problem, _("Unknown username or wrong password.")), "danger")
    return render_template("auth/login.html", form=form), (401 if form.is_submitted() else 200)


@bp.route("/logout", methods=["POST"])
@role_required(*Role)
def logout():
    """Sign out."""
    audit.record("logout")
    db.session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("public.index"))


@bp.route("/lang/<code>", methods=["GET", "POST"])
@public
def set_language(code: str):
    """Remember the chosen language in the session, and on the account (the language of its mail) when a
    signed-in user chose it with the bar's form: a POST, which CSRF protects, so that no other site's link or
    image can change an account."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated and request.method == "POST":
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.values.get("next")) or home_url())
