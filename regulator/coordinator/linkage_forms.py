"""Forms of entity resolution for coordinators: deciding match reviews, merging, splitting, undoing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..request_guards import MAX_ID


class ReviewDecisionForm(FlaskForm):
    """Confirm or reject a suggested match."""

    decision = RadioField(_l("Decision"), choices=[
        SelectChoice("confirm", _l("Confirm: the same entity")),
        SelectChoice("reject", _l("Reject: a different entity")),
    ], validators=[DataRequired()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Record decision"))


class MergeForm(FlaskForm):
    """Merge another entity into this one, or this one into the other."""

    other = IntegerField(_l("Other entity (id)"), validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    direction = RadioField(_l("Which one stays"), choices=[
        SelectChoice("into_this", _l("This entity stays; the other is merged into it")),
        SelectChoice("into_other", _l("The other entity stays; this one is merged into it")),
    ], default="into_this", validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Merge"))


class SplitForm(FlaskForm):
    """Split the chosen source records (checkboxes ``records``) off to a new entity."""

    name = StringField(_l("Name of the new entity"), validators=[Optional(), Length(max=300)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Split off"))


class UndoForm(FlaskForm):
    """Undo a merge, split or link."""

    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Undo"))
