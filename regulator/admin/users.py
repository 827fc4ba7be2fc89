"""User management for administrators."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import func, select
from wtforms import SelectChoice

from models import Agency, Role, User

from ..extensions import db
from ..nav import nav_item
from ..request_guards import page_arg
from ..services import audit
from ..services import users as user_service
from . import bp
from .forms import UserCreateForm, UserEditForm

nav_item("admin.users", _l("Users"), "admin", order=21, menu=_l("Administration"))

PAGE_SIZE = 50


@bp.route("/users")
def users():
    """All accounts, filterable by role and agency."""
    role = request.args.get("role") or None
    stmt = select(User).order_by(User.role, User.username)
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    page = page_arg()
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return render_template("admin/users.html", users=rows, role=role, page=page,
                           pages=(total + PAGE_SIZE - 1) // PAGE_SIZE, total=total)


def _agency_choices() -> list[SelectChoice]:
    agencies = db.session.scalars(select(Agency).order_by(Agency.code)).all()
    return [SelectChoice("", "—")] + [SelectChoice(a.code, f"{a.code} {a.name}") for a in agencies]


@bp.route("/users/new", methods=["GET", "POST"])
def user_new():
    """Create an account."""
    form = UserCreateForm()
    form.agency.choices = _agency_choices()
    if form.validate_on_submit():
        try:
            user = user_service.create_user(
                form.username.data, form.password.data, form.role.data,
                agency_code=form.agency.data or None, entity_id=user_service.entity_by_code(form.entity.data),
                display_name=form.display_name.data or "", email=form.email.data or None)
        except user_service.UserError as exc:
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Activate or deactivate an account, change its name or address, or set a new password."""
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    form = UserEditForm(obj=user)
    if request.method == "GET":
        form.active.data = user.active
    if form.validate_on_submit():
        try:
            if form.password.data:
                user_service.set_password(user, form.password.data)
        except user_service.UserError as exc:
            flash(str(exc), "danger")
        else:
            if user.active != form.active.data:
                audit.record("user.activate" if form.active.data else "user.deactivate",
                             object_type="user", object_id=user.id)
            user.active = form.active.data
            user.display_name = form.display_name.data or user.display_name
            email = (form.email.data or "").strip() or None
            if email != user.email:
                audit.record("user.email", object_type="user", object_id=user.id)
                user.email = email
            db.session.commit()
            if user.id == current_user.id:
                login_user(user)  # a new password of one's own ends the sessions before it, this one too
            flash(_("Saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_edit.html", form=form, user=user)
