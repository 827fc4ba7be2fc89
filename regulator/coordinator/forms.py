"""Forms of the coordinator area: deciding objections and credit repair applications, imports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField, TextAreaField
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


class UploadForm(FlaskForm):
    """An agency file to import (administrators choose the agency; coordinators import for their own)."""

    file = FileField(_l("File (CSV, TSV, XLSX or JSON lines)"), validators=[FileRequired()])
    agency = SelectField(_l("Agency"), choices=[], validate_choice=False, validators=[Optional()])
    kind = StringField(_l("File kind (leave empty to tell from the file name)"),
                       validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Import"))


class ResubmitForm(FlaskForm):
    """Re-submit a corrected quarantined row; its cells come as ``col-<n>`` inputs."""

    submit = SubmitField(_l("Re-submit corrected row"))
