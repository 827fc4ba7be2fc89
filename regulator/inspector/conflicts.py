"""An inspector's conflicts of interest: declare one (by the entity's code or full name, or from its profile),
see those on record, end one. Visits already drawn for are given to a colleague (``services.conflicts``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from models import ConflictDeclaration, MarketEntity

from ..extensions import db
from ..nav import nav_item
from ..request_guards import id_arg, parse_id
from ..services import conflicts
from ..services.users import UserError, entity_by_code
from ..services.working_days import local_day
from . import bp
from .forms import ConflictForm

nav_item("inspector.conflicts_page", _l("Conflicts of interest"), "inspector", order=31)


def _entity(form: ConflictForm) -> MarketEntity | None:
    """The entity the form names: by id (from a profile), unified social credit code, or exact full name."""
    chosen = parse_id(form.entity_id.data)
    if chosen is not None:
        return db.session.get(MarketEntity, chosen)
    text = (form.entity.data or "").strip()
    try:  # a credit code as typed (full width, spaces, lower case), the way administrators name one
        return db.session.get(MarketEntity, entity_by_code(text))
    except UserError:
        pass
    named = db.session.scalars(select(MarketEntity).where(MarketEntity.name == text,
                                                          MarketEntity.merged_into_id.is_(None)).limit(2)).all()
    if len(named) > 1:
        form.entity.errors.append(_("Several entities have this name: give its unified social credit code."))
        return None
    return named[0] if named else None


@bp.route("/conflicts", methods=["GET", "POST"])
def conflicts_page():
    """Declarations on record, and a form to declare one."""
    form = ConflictForm()
    entity_id = id_arg("entity")
    chosen = db.session.get(MarketEntity, entity_id) if entity_id else None
    if chosen is not None and not form.is_submitted():
        form.entity_id.data, form.entity.data = str(chosen.id), chosen.name
    if form.validate_on_submit():
        entity = _entity(form)
        if entity is None and not form.entity.errors:
            form.entity.errors.append(_("No entity has this code or name: copy the code from its profile."))
        if entity is not None:
            try:
                done = conflicts.declare(current_user, entity, form.reason.data, form.valid_until.data)
            except conflicts.ConflictError as exc:
                db.session.rollback()
                form.reason.errors.append(str(exc))
            else:
                db.session.commit()
                flash(_("Conflict of interest with %(entity)s declared: you will not be drawn for it.",
                        entity=entity.name), "success")
                if done.visits:
                    flash(ngettext("You were taken off %(num)d open visit of it; your coordinators are told.",
                                   "You were taken off %(num)d open visits of it; your coordinators are told.",
                                   len(done.visits)), "info")
                return redirect(url_for("inspector.conflicts_page"))
    rows = db.session.execute(select(ConflictDeclaration, MarketEntity.name)
                              .join(MarketEntity, MarketEntity.id == ConflictDeclaration.entity_id)
                              .where(ConflictDeclaration.user_id == current_user.id)
                              .order_by(ConflictDeclaration.id.desc())).all()
    return render_template("inspector/conflicts.html", form=form, rows=rows, today=local_day(),
                           end_form=FlaskForm()), 400 if form.errors else 200


@bp.route("/conflicts/<int:declaration_id>/end", methods=["POST"])
def conflict_end(declaration_id: int):
    """End one of the inspector's declarations (it stays on record)."""
    declaration = db.session.get(ConflictDeclaration, declaration_id)
    if declaration is None or declaration.user_id != current_user.id:
        abort(404)
    if FlaskForm().validate_on_submit():
        try:
            conflicts.end(declaration, current_user)
        except conflicts.ConflictError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
        else:
            db.session.commit()
            flash(_("The declaration has ended: you may be drawn for the entity again."), "success")
    return redirect(url_for("inspector.conflicts_page"))
