"""Forms of the admin area."""

from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from models import Role

from ..i18n import LABELS

ROLE_CHOICES = [SelectChoice(r.value, LABELS[r.value]) for r in Role]


def refuse(form: FlaskForm, message: str, field: str | None) -> None:
    """Say a service's refusal at the form field it is about, or above the form when it names none the form has."""
    target = form[field] if field and field in form else None
    if target is not None:
        target.errors.append(message)
    else:
        flash(message, "danger")


class UserCreateForm(FlaskForm):
    """A new account and its binding (agency for staff, market entity for enterprise users)."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False)
    entity = StringField(_l("Market entity: its unified social credit code (or its id)"),
                         validators=[Optional(), Length(max=64)])
    password = PasswordField(_l("Initial password"), validators=[DataRequired(), Length(min=10, max=200)])
    submit = SubmitField(_l("Create user"))


class UserEditForm(FlaskForm):
    """Activate or deactivate an account, change its role or agency, its name or e-mail address, or set a new
    password."""

    active = BooleanField(_l("Active"))
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    agency_code = SelectField(_l("Agency"), choices=[], validate_choice=False)
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)])
    #: what the page showed of the account (``admin.users._shown``)
    seen = HiddenField()
    reset_two_step = BooleanField(_l("Turn off two-step sign-in (the user lost the phone and the recovery codes)"))
    password = PasswordField(_l("New password (leave empty to keep)"), validators=[Optional(), Length(min=10)])
    submit = SubmitField(_l("Save"))


class TokenIssueForm(FlaskForm):
    """A new API token for an agency system: its name, role, scopes and lifetime."""

    agency = SelectField(_l("Agency"), choices=[], validate_choice=False, validators=[DataRequired()])
    name = StringField(_l("System name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Acts as"), choices=[SelectChoice(Role.COORDINATOR.value, _l("Agency coordinator")),
                                               SelectChoice(Role.INSPECTOR.value, _l("Inspector"))])
    write = BooleanField(_l("May write (record results, push records); unticked: read only"), default=True)
    days = IntegerField(_l("Expires after (days, empty: never)"), validators=[Optional(), NumberRange(1, 3650)])
    submit = SubmitField(_l("Issue token"))


class TokenRevokeForm(FlaskForm):
    """Revoke one token (the CSRF token is the whole form)."""

    submit = SubmitField(_l("Revoke"))


class AgencyForm(FlaskForm):
    """An agency: its code (fixed once created), names, field of supervision, import mapping, whether active."""

    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    domain = SelectField(_l("Field of supervision"), choices=[])
    mapping = SelectField(_l("Import mapping"), choices=[], validate_choice=False)
    active = BooleanField(_l("Active (its files are imported and it takes part in campaigns)"), default=True)
    submit = SubmitField(_l("Save"))
