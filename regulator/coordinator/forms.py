"""Forms of the coordinator area: deciding objections and credit repair applications."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ObjectionDecisionForm(FlaskForm):
    """Take up, correct, withdraw or reject; corrected field values come as ``field-<name>`` inputs."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("review", _l("Take up for review")),
        SelectChoice("corrected", _l("Accept: correct the record")),
        SelectChoice("withdrawn", _l("Accept: withdraw the record")),
        SelectChoice("rejected", _l("Reject")),
    ], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (the enterprise will read it)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record decision"))


class RepairDecisionForm(FlaskForm):
    """Take up, grant or reject an application."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("review", _l("Take up for review")),
        SelectChoice("granted", _l("Grant")),
        SelectChoice("rejected", _l("Reject")),
    ], validators=[DataRequired()])
    reason = TextAreaField(_l("Reason (the enterprise will read it)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record decision"))
