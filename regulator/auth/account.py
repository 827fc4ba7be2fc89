"""The signed-in user's own account: details, e-mail address, notices by mail, two-step sign-in, password,
and for an enterprise the other accounts of its entity. Each form posts to the same page; the button pressed
says which."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from sqlalchemy import select

from models import Role, User

from ..access import role_required
from ..extensions import db, limiter
from ..services import audit, mail, users
from . import bp
from .forms import EmailForm, MailChoiceForm, PasswordForm, TwoStepOffForm
from .sessions import login_limit, password_problem


def _posted(form_class, prefix: str, button: str, **defaults):  # noqa: ANN001, ANN202
    """A form of the page, read from the request only where its own button was pressed."""
    pressed = f"{prefix}-{button}" in request.form
    return form_class(prefix=prefix, **defaults, **({} if pressed else {"formdata": None})), pressed


@bp.route("/account", methods=["GET", "POST"])
@role_required(*Role)
@limiter.limit(login_limit, methods=["POST"])
def account():
    """The user's account page, and whichever of its forms was sent."""
    password = PasswordForm()
    address, changing = _posted(EmailForm, "email", "change", email=current_user.email)
    choice, choosing = _posted(MailChoiceForm, "mail", "save", email_notices=current_user.email_notices)
    if changing and address.validate_on_submit():
        done = _change_address(address)
    elif choosing and choice.validate_on_submit():
        done = _save_choice(choice)
    elif password.submit.data and password.validate_on_submit():
        done = _change_password(password)
    else:
        done = None
    if done is not None:
        return done
    colleagues = db.session.scalars(select(User).where(
        User.role == Role.ENTERPRISE, User.entity_id == current_user.entity_id, User.active.is_(True))
        .order_by(User.created_at)).all() if current_user.role == Role.ENTERPRISE else []
    return render_template("auth/account.html", form=password, choice=choice, address=address,
                           off=TwoStepOffForm(prefix="off", formdata=None), mail_sent=mail.configured(),
                           colleagues=colleagues)


def _saved():  # noqa: ANN202 - a redirect
    flash(_("Saved."), "success")
    return redirect(url_for("auth.account"))


def _change_address(form: EmailForm):  # noqa: ANN202 - a redirect or None
    """Password links go to this address, so the password is asked for."""
    if problem := password_problem(form.password.data):
        form.password.errors.append(problem)
        return None
    new = (form.email.data or "").strip() or None
    if new != current_user.email:
        audit.record("user.email", object_type="user", object_id=current_user.id)
        current_user.email = new
        db.session.commit()
    return _saved()


def _save_choice(form: MailChoiceForm):  # noqa: ANN202 - a redirect
    if form.email_notices.data != current_user.email_notices:
        current_user.email_notices = form.email_notices.data
        audit.record("user.mail_choice", object_type="user", object_id=current_user.id,
                     email_notices=form.email_notices.data)
        db.session.commit()
    return _saved()


def _change_password(form: PasswordForm):  # noqa: ANN202 - a redirect or None
    if problem := password_problem(form.current.data):
        form.current.errors.append(problem)
        return None
    try:
        users.set_password(current_user, form.new.data)
    except users.UserError as exc:
        form.new.errors.append(str(exc))
        return None
    db.session.commit()
    login_user(current_user._get_current_object())  # the new password ended this session too
    flash(_("Your password was changed. Every other session of your account has ended."), "success")
    return redirect(url_for("auth.account"))
