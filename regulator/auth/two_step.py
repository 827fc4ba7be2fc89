"""Two-step sign-in pages (``services.two_step``): the code asked after the password, setting it up, turning it
off, new recovery codes. Between the two steps the session holds only who passed the first and when."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from models import Role, User

from ..access import public, role_required
from ..extensions import db, limiter
from ..services import two_step as service
from ..services import users
from . import bp
from .forms import CodeForm, TwoStepOffForm, TwoStepSetupForm
from .sessions import confirm_failed, login_limit, password_problem, sign_in

_PENDING = "two_step_pending"
_KEY = "two_step_key"


def ask_for_code(user: User, remember: bool, next_url: str | None):  # noqa: ANN201 - a redirect
    """The password was right: remember who passed it (not signed in yet) and ask for the code."""
    chosen = session.get("locale")
    session.clear()
    if chosen:
        session["locale"] = chosen
    session[_PENDING] = {"user": user.id, "at": time.time(), "remember": bool(remember), "next": next_url}
    return redirect(url_for("auth.two_step"))


def _pending() -> User | None:
    pending = session.get(_PENDING)
    if not pending or time.time() - pending["at"] > current_app.config["TWO_STEP_TIMEOUT"]:
        return None
    user = db.session.get(User, pending["user"])
    return user if user is not None and user.active and user.totp_secret else None


@bp.route("/two-step", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def two_step():
    """The second step: a code from the authenticator app, or a recovery code."""
    user = _pending()
    form = CodeForm()
    if user is None:  # nobody passed the first step, or too long ago: the page says to start again
        session.pop(_PENDING, None)
        return render_template("auth/two_step.html", form=None), (401 if form.is_submitted() else 200)
    if form.validate_on_submit():
        if users.locked(user):
            session.pop(_PENDING, None)
            flash(_("Too many failed attempts: this account is locked for a while."), "danger")
            return redirect(url_for("auth.login"))
        how = service.check(user, form.code.data)
        if how is None:
            users.failed(user, "login.two_step_failed", max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                         lockout=current_app.config["LOGIN_LOCKOUT"])
            db.session.commit()
            form.code.errors.append(_("The code is wrong or was used already."))
        else:
            users.signed_in(user, second_step=how)
            db.session.commit()
            pending = session.pop(_PENDING)
            if how == "recovery":
                flash(_("You signed in with a recovery code; %(n)d are left.", n=len(user.recovery_codes)),
                      "warning")
            return sign_in(user, pending["remember"], pending["next"])
    return render_template("auth/two_step.html", form=form), (401 if form.errors else 200)


@bp.route("/two-step/setup", methods=["GET", "POST"])
@role_required(*Role)
def two_step_setup():
    """Turn two-step sign-in on: scan the key, type a code, keep the recovery codes."""
    if current_user.totp_secret:
        return redirect(url_for("auth.account"))
    key = session.get(_KEY) or service.new_key()
    session[_KEY] = key
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        codes = service.turn_on(current_user, key, form.code.data)
        if codes is None:
            form.code.errors.append(_("The code is wrong: check the time on your phone and type the code shown now."))
        else:
            db.session.commit()
            session.pop(_KEY, None)
            return render_template("auth/recovery_codes.html", codes=codes, first=True)
    return render_template("auth/two_step_setup.html", form=form, key=key,
                           qr=service.qr_data_uri(current_user, key), required=service.required(current_user))


@bp.route("/two-step/off", methods=["POST"])
@role_required(*Role)
@limiter.limit(login_limit)
def two_step_off():
    """Turn two-step sign-in off (the password and a code), or get new recovery codes (the password)."""
    form = TwoStepOffForm(prefix="off")
    if not form.validate_on_submit() or not current_user.totp_secret:
        return redirect(url_for("auth.account"))
    if problem := password_problem(form.password.data):
        flash(problem, "danger")
        return redirect(url_for("auth.account"))
    if form.new_codes.data:
        codes = service.new_recovery_codes(current_user)
        db.session.commit()
        return render_template("auth/recovery_codes.html", codes=codes, first=False)
    if service.compulsory(current_user.role):
        flash(_("Your role must sign in in two steps: it cannot be turned off."), "danger")
    elif service.check(current_user, form.code.data or "") is None:
        confirm_failed("account.code_failed")
        flash(_("The code is wrong or was used already."), "danger")
    else:
        service.turn_off(current_user)
        db.session.commit()
        flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("auth.account"))
