"""Forms of the enterprise portal."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import MultipleFileField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from ..services import attachments
from ..services.attachments import Upload


class ObjectionForm(FlaskForm):
    """Why a record is wrong, and the text of the supporting documents."""

    reason = TextAreaField(_l("Why is this record wrong?"), validators=[DataRequired(), Length(max=4000)])
    documents = MultipleFileField(_l("Documents (PDF, JPEG or PNG; at most 5 files of 10 MB each)"))
    attachments_text = TextAreaField(_l("Anything else in support (text, or a list of documents sent otherwise)"),
                                     validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Submit objection"))


class RepairForm(FlaskForm):
    """How the cause was corrected, with the evidence."""

    reason = TextAreaField(_l("How has the cause been corrected?"), validators=[DataRequired(), Length(max=4000)])
    documents = MultipleFileField(_l("Documents (PDF, JPEG or PNG; at most 5 files of 10 MB each)"))
    evidence_text = TextAreaField(_l("Anything else in support (text, or a list of documents sent otherwise)"),
                                  validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Apply for credit repair"))


def uploads() -> list[Upload]:
    """The files of the request's ``documents`` input, each read up to one byte past the size allowed (a larger
    file is refused by ``attachments.check`` without being read whole)."""
    return [Upload(f.filename or "", f.read(attachments.MAX_BYTES + 1)) for f in request.files.getlist("documents")
            if f and f.filename][:attachments.MAX_FILES + 1]


class WithdrawForm(FlaskForm):
    """Take an objection back."""

    submit = SubmitField(_l("Withdraw objection"))
