"""Views of the auth area."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash

from models import Role, User

from ..access import public, role_required
from ..extensions import db, limiter
from ..services import audit, mail, users
from . import bp, two_step
from .forms import EmailForm, LoginForm, MailChoiceForm, PasswordForm, TwoStepOffForm
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


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    """Remember the chosen language in the session (and on the account when signed in)."""
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(safe_next(request.args.get("next")) or home_url())


@bp.route("/account", methods=["GET", "POST"])
@role_required(*Role)
def account():
    """The signed-in user's own account: details, password change, and whether notices come by e-mail."""
    form = PasswordForm()
    saving = "mail-save" in request.form
    choice = MailChoiceForm(prefix="mail", email_notices=current_user.email_notices,
                            **({} if saving else {"formdata": None}))
    changing = "email-change" in request.form
    address = EmailForm(prefix="email", email=current_user.email, **({} if changing else {"formdata": None}))
    if changing and address.validate_on_submit():
        if not check_password_hash(current_user.password_hash, address.password.data):
            address.password.errors.append(_("The current password is wrong."))
        else:
            new = (address.email.data or "").strip() or None
            if new != current_user.email:
                audit.record("user.email", object_type="user", object_id=current_user.id)
                current_user.email = new
                db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("auth.account"))
    if saving and choice.validate_on_submit():
        if choice.email_notices.data != current_user.email_notices:
            current_user.email_notices = choice.email_notices.data
            audit.record("user.mail_choice", object_type="user", object_id=current_user.id,
                         email_notices=choice.email_notices.data)
            db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("auth.account"))
    if form.submit.data and form.validate_on_submit():
        if not check_password_hash(current_user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                users.set_password(current_user, form.new.data)
            except users.UserError as exc:
                form.new.errors.append(str(exc))
            else:
                db.session.commit()
                login_user(current_user._get_current_object())  # the new password ended this session too
                flash(_("Your password was changed. Every other session of your account has ended."), "success")
                return redirect(url_for("auth.account"))
    colleagues = db.session.scalars(select(User).where(
        User.role == Role.ENTERPRISE, User.entity_id == current_user.entity_id, User.active.is_(True))
        .order_by(User.created_at)).all() if current_user.role == Role.ENTERPRISE else []
    return render_template("auth/account.html", form=form, choice=choice, address=address,
                           off=TwoStepOffForm(prefix="off", formdata=None), mail_sent=mail.configured(),
                           colleagues=colleagues)

