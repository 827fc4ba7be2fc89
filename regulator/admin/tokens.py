"""API tokens of agency systems: list, issue (the clear token is shown once) and revoke."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from models import Agency, ApiToken

from ..extensions import db
from ..i18n import agency_name
from ..nav import nav_item
from ..paging import page_of
from ..services.tokens import expired, issue_token, revoke_token
from . import bp
from .forms import TokenIssueForm, TokenRevokeForm

nav_item("admin.tokens", _l("API tokens"), "admin", order=26, menu=_l("Administration"))
PAGE_SIZE = 50


@bp.route("/tokens")
def tokens():
    """Every token: agency, name, role, scopes, last use, expiry, revocation."""
    rows, page, pages, total = page_of(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                                 ApiToken.id.desc()), PAGE_SIZE)
    return render_template("admin/tokens.html", tokens=rows, revoke_form=TokenRevokeForm(), page=page, pages=pages,
                           total=total, expired=expired)


@bp.route("/tokens/new", methods=["GET", "POST"])
def token_new():
    """Issue a token; its clear text is shown on this page once and never stored."""
    form = TokenIssueForm()
    form.agency.choices = [SelectChoice(str(a.id), f"{a.code} {agency_name(a)}")
                           for a in db.session.scalars(select(Agency).order_by(Agency.code))]
    if form.validate_on_submit():
        agency = db.session.get(Agency, int(form.agency.data)) if form.agency.data.isdigit() else None
        if agency is None:
            form.agency.errors = [_("Choose an agency.")]
        else:
            expires = datetime.now(UTC) + timedelta(days=form.days.data) if form.days.data else None
            clear, token = issue_token(agency, form.name.data, form.role.data,
                                       ["read", "write"] if form.write.data else ["read"],
                                       created_by_id=current_user.id, expires_at=expires)
            db.session.commit()
            return render_template("admin/token_issued.html", token=token, clear=clear)
    return render_template("admin/token_new.html", form=form)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
def token_revoke(token_id: int):
    """Revoke a token: calls with it are refused from now on."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if TokenRevokeForm().validate_on_submit():
        revoke_token(token)
        db.session.commit()
        flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("admin.tokens"))
