"""Forms of the coordinator area: objections and credit repair decisions, campaigns, referrals, imports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from risk.campaign import DEFAULT_RANDOM_SHARE, DEFAULT_RATIOS

from ..services.campaigns import MAX_PERIOD_DAYS


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


class CampaignForm(FlaskForm):
    """A campaign's period, ratios and random share; agencies come as capacity-<id> and matters-<id> inputs."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)])
    period_start = DateField(_l("Period start"), validators=[DataRequired()])
    period_end = DateField(_l("Period end"), validators=[DataRequired()])
    ratio_A = FloatField(_l("Sampling ratio, class A"), default=DEFAULT_RATIOS["A"], validators=[NumberRange(0, 1)])
    ratio_B = FloatField(_l("Sampling ratio, class B"), default=DEFAULT_RATIOS["B"], validators=[NumberRange(0, 1)])
    ratio_C = FloatField(_l("Sampling ratio, class C"), default=DEFAULT_RATIOS["C"], validators=[NumberRange(0, 1)])
    ratio_D = FloatField(_l("Sampling ratio, class D"), default=DEFAULT_RATIOS["D"], validators=[NumberRange(0, 1)])
    random_share = FloatField(_l("Share of capacity drawn purely at random"), default=DEFAULT_RANDOM_SHARE,
                              validators=[NumberRange(0, 1)])
    cost_per_visit = FloatField(_l("Cost of one visit (in expected findings)"), default=0.3,
                                validators=[NumberRange(0, 10)])
    submit = SubmitField(_l("Create campaign"))

    def validate_period_end(self, field) -> None:  # noqa: ANN001
        if self.period_start.data and field.data and field.data < self.period_start.data:
            raise ValidationError(_l("The period ends before it starts."))
        if self.period_start.data and field.data and (field.data - self.period_start.data).days > MAX_PERIOD_DAYS:
            raise ValidationError(_l("A campaign lasts at most three years."))


class StepForm(FlaskForm):
    """A bare form: the CSRF token of a campaign step button."""


class AcknowledgeAllForm(FlaskForm):
    """Acknowledge every waiting alert up to the newest the page showed (later ones stay waiting)."""

    up_to = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=2**63 - 1)])


class ReferralDecisionForm(FlaskForm):
    """Accept, reject or record the action taken on a received referral."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("accepted", _l("Accept")),
        SelectChoice("rejected", _l("Reject")),
        SelectChoice("acted", _l("Record the action taken")),
    ], validators=[DataRequired()])
    note = TextAreaField(_l("Note (the sending agency will read it)"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record decision"))


class UploadForm(FlaskForm):
    """An agency file to import (administrators choose the agency; coordinators import for their own)."""

    file = FileField(_l("File (CSV, TSV, XLSX or JSON lines; also gzip-compressed, .gz)"), validators=[FileRequired()])
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False, validators=[Optional()])
    kind = SelectField(_l("File kind"), choices=[], validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Import"))


class ResubmitForm(FlaskForm):
    """Re-submit a corrected quarantined row; its cells come as ``col-<n>`` inputs."""

    submit = SubmitField(_l("Re-submit corrected row"))


class DismissForm(FlaskForm):
    """Dismiss quarantined rows that will not be corrected; the quarantine page sends the chosen ``ids``."""

    reason = StringField(_l("Reason for dismissing"), validators=[DataRequired(), Length(max=500)],
                         description=_l("For example: a test row; the business closed before the file was sent."))
    dismiss = SubmitField(_l("Dismiss"))


class RestoreForm(FlaskForm):
    """Return a dismissed row to the quarantine."""

    restore = SubmitField(_l("Return to the quarantine"))


class ReplaceForm(FlaskForm):
    """Why an inspector is taken off a visit."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Replace"))


class WithdrawForm(FlaskForm):
    """Why an agency's part of a visit is withdrawn."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Withdraw"))


class CancelVisitForm(FlaskForm):
    """Why a whole visit is cancelled."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Cancel the visit"))
