"""User management for administrators."""

from __future__ import annotations

import hashlib

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from models import Agency, MarketEntity, Role, User

from ..extensions import db
from ..i18n import agency_name, agency_name_column
from ..identifiers import check_uscc
from ..nav import nav_item
from ..paging import page_of
from ..request_guards import choice_filter
from ..services import audit, staffing, two_step
from ..services import users as user_service
from . import bp
from .forms import UserCreateForm, UserEditForm, refuse

nav_item("admin.users", _l("Users"), "admin", order=21, menu=_l("Administration"))

PAGE_SIZE = 50


@bp.route("/users")
def users():
    """All accounts, a page at a time: searched by username, name, e-mail address, entity name or credit code,
    and filtered by role, agency and whether active."""
    agencies = db.session.execute(select(Agency.code, agency_name_column()).order_by(Agency.code)).all()
    role, role_note = choice_filter("role", _("Role"), [r.value for r in Role])
    agency, agency_note = choice_filter("agency", _("Agency"), [code for code, _name in agencies])
    state, state_note = choice_filter("state", _("Active"), ("active", "inactive"))
    q = (request.args.get("q") or "").strip()[:100]
    stmt = select(User).options(joinedload(User.agency), joinedload(User.entity)).order_by(User.role, User.username)
    if role:
        stmt = stmt.where(User.role == Role(role))
    if agency:
        stmt = stmt.join(Agency, Agency.id == User.agency_id).where(Agency.code == agency)
    if state:
        stmt = stmt.where(User.active.is_(state == "active"))
    if q:
        code = check_uscc(q)
        named = select(MarketEntity.id).where(MarketEntity.uscc == code.code if code.valid
                                              else MarketEntity.name.contains(q, autoescape=True))
        stmt = stmt.where(or_(User.username.icontains(q, autoescape=True),
                              User.display_name.icontains(q, autoescape=True),
                              User.email.icontains(q, autoescape=True), User.entity_id.in_(named)))
    rows, page, pages, total = page_of(stmt, PAGE_SIZE)
    return render_template("admin/users.html", users=rows, role=role, agency=agency, state=state, q=q,
                           agencies=agencies, page=page, pages=pages, total=total,
                           notes=[n for n in (role_note, agency_note, state_note) if n])


def _agency_choices() -> list[SelectChoice]:
    agencies = db.session.scalars(select(Agency).order_by(Agency.code)).all()
    return [SelectChoice("", "—")] + [SelectChoice(a.code, f"{a.code} {agency_name(a)}") for a in agencies]


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
            refuse(form, str(exc), exc.field)
        else:
            db.session.commit()
            flash(_("User %(name)s created.", name=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_new.html", form=form)


def _shown(user: User) -> str:
    """A digest of what the user's page shows of the account: a save from a page opened before another
    administrator's change must not silently undo that change."""
    state = f"{user.active}|{user.role}|{user.agency_id}|{user.email}|{user.display_name}"
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def _edit_form(user: User, *, fresh: bool = False) -> UserEditForm:
    """The user's form: as posted, or (``fresh``, and on GET) as the account is now."""
    form = UserEditForm(obj=user, agency_code=user.agency.code if user.agency else "",
                        **({"formdata": None} if fresh else {}))
    form.agency_code.choices = _agency_choices()
    if user.role != Role.ENTERPRISE:  # an enterprise account is bound to its entity: it takes no other role
        form.role.choices = [c for c in form.role.choices if c.value != Role.ENTERPRISE.value]
    if request.method == "GET" or fresh:
        form.active.data = user.active
        form.seen.data = _shown(user)
    return form


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def user_edit(user_id: int):
    """Activate or deactivate an account, change its role or agency, its name or address, or set a new password."""
    # a save waits for another administrator's save of the same account, then finds it (``_shown``)
    user = db.session.get(User, user_id, with_for_update=request.method == "POST", populate_existing=True)
    if user is None:
        abort(404)
    form = _edit_form(user)
    if form.validate_on_submit():
        if form.seen.data and form.seen.data != _shown(user):
            flash(_("Another administrator changed this account after you opened this page: here it is as it is "
                    "now. Make your change again."), "warning")
            return render_template("admin/user_edit.html", form=_edit_form(user, fresh=True), user=user)
        try:
            if form.password.data:
                user_service.set_password(user, form.password.data)
            if user.active and not form.active.data:
                user_service.may_deactivate(user, current_user)
            user_service.change_role(user, form.role.data, form.agency_code.data, by=current_user)
        except user_service.UserError as exc:
            db.session.rollback()
            refuse(form, str(exc), "agency_code" if exc.field == "agency" else exc.field)
        else:
            if user.active != form.active.data:
                user.active = form.active.data
                # an inspector who leaves leaves their open visits too, each to another inspector drawn for it
                visits = staffing.withdraw(user) if not user.active and user.role == Role.INSPECTOR else []
                audit.record("user.activate" if user.active else "user.deactivate", object_type="user",
                             object_id=user.id, **({"visits": [t for t, _r in visits]} if visits else {}))
            user.display_name = form.display_name.data or user.display_name
            if form.reset_two_step.data and user.totp_secret:
                two_step.turn_off(user, by=current_user)
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
