"""An enterprise opens its own account (``services.registration``): the form, rate-limited like signing in."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ..access import public
from ..extensions import db, limiter
from ..services import registration
from . import bp
from .forms import RegisterForm
from .sessions import home_url, login_limit


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"])
def register():
    """Open an enterprise account, proven by the legal representative's name and ID number."""
    if not registration.enabled():
        abort(404)
    if current_user.is_authenticated:
        return redirect(home_url())
    form = RegisterForm()
    if form.validate_on_submit():
        applicant = registration.Applicant(
            code=form.code.data, representative=form.representative.data, id_number=form.id_number.data,
            username=form.username.data, password=form.password.data, display_name=form.display_name.data or "",
            email=(form.email.data or "").strip() or None, locale=session.get("locale"))
        try:
            user = registration.register(applicant)
        except registration.RegistrationError as exc:
            db.session.commit()  # a failed proof stays counted
            field = getattr(form, exc.field) if exc.field else None
            if field is not None:
                field.errors.append(str(exc))
            else:
                flash(str(exc), "danger")
        else:
            db.session.commit()
            login_user(user)
            flash(_("Your account is open: this is your entity's page."), "success")
            return redirect(url_for("enterprise.index"))
    return render_template("auth/register.html", form=form), (400 if form.is_submitted() else 200)
