"""Forms of the inspector area: recording a task's result, referring a finding to another agency."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from models import InspectionResult, PenaltyType, Severity

from ..i18n import label
from ..services.task_results import FoundViolation, ResultError, parse_amount
from ..services.working_days import local_day

#: empty violation rows the form shows (a script adds more; without it, each submit shows this many again)
VIOLATION_ROWS = 3
MAX_VIOLATIONS = 50


class ViolationRowForm(Form):
    """One violation found: its code (the agency's own), how serious it is, and what was seen."""

    code = StringField(_l("Code"), validators=[Length(max=64)])  # not Optional: it would skip validate_code
    severity = SelectField(_l("Severity"), default=Severity.MINOR.value)
    description = StringField(_l("What was found"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.severity.choices = [(s.value, label(s)) for s in Severity]

    def validate_code(self, field) -> None:  # noqa: ANN001
        if not (field.data or "").strip() and (self.description.data or "").strip():
            raise ValidationError(_l("Give the violation's code."))

    def found(self) -> FoundViolation | None:
        """The violation this row records, or None for an empty row."""
        code = (self.code.data or "").strip()
        if not code:
            return None
        return FoundViolation(code=code, severity=Severity(self.severity.data),
                              description=(self.description.data or "").strip())


class ResultForm(FlaskForm):
    """One agency's result of a visit: outcome, the violations found (a row each), enforcement action, notes."""

    result = SelectField(_l("Result"), validators=[DataRequired()])
    # InputRequired: a date typed wrong is said to be one (DataRequired called it missing)
    inspection_date = DateField(_l("Date of the visit"), default=local_day, validators=[InputRequired()])
    violations = FieldList(FormField(ViolationRowForm), label=_l("Violations found at this visit"),
                           min_entries=VIOLATION_ROWS,
                           max_entries=MAX_VIOLATIONS)
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

    def validate_penalty_amount(self, field) -> None:  # noqa: ANN001
        try:
            parse_amount(field.data)
        except ResultError as exc:
            raise ValidationError(str(exc)) from None

    def found_violations(self) -> list[FoundViolation]:
        """The filled violation rows, in their order."""
        return [v for v in (row.form.found() for row in self.violations) if v is not None]


class ReferralForm(FlaskForm):
    """A finding that belongs to another agency's remit."""

    #: its first choice, 0, is "Choose the agency", which DataRequired refuses
    to_agency = SelectField(_l("Send to"), coerce=int,
                            validators=[DataRequired(_l("Choose the agency whose remit the finding is in."))])
    description = TextAreaField(_l("Finding"), validators=[DataRequired(_l("Describe the finding.")),
                                                           Length(max=4000)])
    submit = SubmitField(_l("Send referral"))


class ConflictForm(FlaskForm):
    """Declare a conflict of interest with an entity."""

    entity_id = HiddenField()
    entity = StringField(_l("Entity: its unified social credit code or full name"),
                         validators=[DataRequired(), Length(max=200)])
    reason = TextAreaField(_l("What ties you to it"), validators=[DataRequired(), Length(max=2000)],
                           description=_l("For example: a relative works there; a former employer; a shareholding."))
    valid_until = DateField(_l("Until (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Declare"))
