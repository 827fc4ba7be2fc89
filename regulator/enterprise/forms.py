"""Forms of the enterprise portal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class ObjectionForm(FlaskForm):
    """Why a record is wrong, and the text of the supporting documents."""

    reason = TextAreaField(_l("Why is this record wrong?"), validators=[DataRequired(), Length(max=4000)])
    attachments_text = TextAreaField(_l("Supporting documents (paste their text or list them)"),
                                     validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Submit objection"))


class RepairForm(FlaskForm):
    """How the cause was corrected, with the evidence."""

    reason = TextAreaField(_l("How has the cause been corrected?"), validators=[DataRequired(), Length(max=4000)])
    evidence_text = TextAreaField(_l("Evidence (paste its text or list the documents)"),
                                  validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Apply for credit repair"))


class WithdrawForm(FlaskForm):
    """Take an objection back."""

    submit = SubmitField(_l("Withdraw objection"))
