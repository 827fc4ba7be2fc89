"""Forms of the inspector area: recording a task's result, referring a finding to another agency."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from models import InspectionResult, PenaltyType

from ..i18n import label


class ResultForm(FlaskForm):
    """One agency's result of a visit: outcome, violations (one per line), enforcement action, notes."""

    result = SelectField(_l("Result"), validators=[DataRequired()])
    inspection_date = DateField(_l("Date of the visit"), default=date.today, validators=[DataRequired()])
    violations = TextAreaField(_l("Violations found: one per line, as code | minor, serious or critical | description"),
                               validators=[Optional(), Length(max=20000)])
    penalty_type = SelectField(_l("Enforcement action"), validators=[Optional()])
    penalty_amount = StringField(_l("Amount (yuan)"), validators=[Optional(), Length(max=32)])
    decision_no = StringField(_l("Decision number"), validators=[Optional(), Length(max=200)])
    penalty_description = TextAreaField(_l("About the action"), validators=[Optional(), Length(max=4000)])
    notes = TextAreaField(_l("Notes (shared with the other agencies of the visit)"),
                          validators=[Optional(), Length(max=4000)])
    internal_notes = TextAreaField(_l("Internal notes (your agency only)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record result"))

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.result.choices = [(r.value, label(r)) for r in InspectionResult]
        self.penalty_type.choices = [("", "—")] + [(p.value, label(p)) for p in PenaltyType]


class ReferralForm(FlaskForm):
    """A finding that belongs to another agency's remit."""

    to_agency = SelectField(_l("Send to"), coerce=int, validators=[DataRequired()])
    description = TextAreaField(_l("Finding"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Send referral"))
