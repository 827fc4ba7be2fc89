"""Forms of the auth area."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional


def _stripped(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in"))
    submit = SubmitField(_l("Sign in"))


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Change password"))


class ResetRequestForm(FlaskForm):
    """Ask for a link that sets a new password."""

    login = StringField(_l("Username or e-mail address"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm):
    """Set a new password from a mailed link."""

    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=10, max=200)])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))])
    submit = SubmitField(_l("Set the new password"))


class EmailForm(FlaskForm):
    """Change one's own e-mail address (password links go there, so the password is asked for)."""

    email = StringField(_l("E-mail address"), validators=[Optional(), Email(), Length(max=200)],
                        filters=[_stripped], render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Current password"), validators=[DataRequired()])
    change = SubmitField(_l("Change the address"))


class MailChoiceForm(FlaskForm):
    """Whether the user's notices are also sent by e-mail."""

    email_notices = BooleanField(_l("Send my notifications to my e-mail address too"))
    save = SubmitField(_l("Save"))


class RegisterForm(FlaskForm):
    """An enterprise opens its own account."""

    code = StringField(_l("Unified social credit code"), validators=[DataRequired(), Length(max=64)])
    representative = StringField(_l("Legal representative's name"), validators=[DataRequired(), Length(max=200)])
    id_number = StringField(_l("Legal representative's ID number"), validators=[DataRequired(), Length(max=40)],
                            render_kw={"autocomplete": "off"})
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)],
                           render_kw={"autocomplete": "username"})
    display_name = StringField(_l("Your name"), validators=[Optional(), Length(max=200)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=200)], filters=[_stripped],
                        render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
                            render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Open the account"))


class CodeForm(FlaskForm):
    """The second step of signing in."""

    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True})
    submit = SubmitField(_l("Sign in"))


class TwoStepSetupForm(FlaskForm):
    """Confirm the key scanned with a code."""

    code = StringField(_l("Code shown by the app"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField(_l("Turn on two-step sign-in"))


class TwoStepOffForm(FlaskForm):
    """Turn two-step sign-in off (password and a code), or replace the recovery codes (password)."""

    password = PasswordField(_l("Current password"), validators=[DataRequired()])
    code = StringField(_l("Code from your authenticator app"), validators=[Optional(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    turn_off = SubmitField(_l("Turn off two-step sign-in"))
    new_codes = SubmitField(_l("New recovery codes"))
