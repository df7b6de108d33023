"""The forms of the proposal: sending it (workspace) and answering it (prospect)."""

from __future__ import annotations

import datetime as dt

from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from ..forms import Form
from ..models import utcnow

MAX_START_DAYS = 366


class SendForm(Form):
    message = TextAreaField(
        "Message",
        validators=[
            DataRequired("Please write a few words to go with the proposal."),
            Length(max=5000, message="Please keep the message under 5,000 characters."),
        ],
    )
    # sending again replaces the open proposal (its link stops working): only when
    # ticked (intake.workspace.proposal_link checks it against the offer)
    replace = BooleanField("Replace the proposal sent before")


class AcceptForm(Form):
    option = RadioField(
        "Which option would you like?",
        validate_choice=True,
        validators=[InputRequired("Please choose one of the options.")],
    )
    start_date = DateField(
        "When would you like to start?",
        validators=[InputRequired("Please give the date you would like to start.")],
    )
    agree = BooleanField(
        "I have read the proposal and agree to the working agreement",
        validators=[
            DataRequired("Please tick the box to agree to the working agreement.")
        ],
    )
    full_name = StringField(
        "Your full name",
        validators=[
            DataRequired("Please type your full name to sign."),
            Length(max=200, message="Please keep your name under 200 characters."),
        ],
    )
    pdf_sha256 = StringField(validators=[Length(max=64)])

    def validate_start_date(self, field):
        if field.data is None:  # not a date: WTForms has said so already
            return
        today = utcnow().date()
        if field.data < today:
            raise ValidationError("Please choose today or a later date.")
        if field.data > today + dt.timedelta(days=MAX_START_DAYS):
            raise ValidationError("Please choose a date within the next year.")

    def validate_full_name(self, field):
        field.data = " ".join((field.data or "").split())
        if len(field.data) < 2:
            raise ValidationError("Please type your full name to sign.")


class DeclineForm(Form):
    reason = TextAreaField(
        "Would you tell us why? (optional)",
        validators=[
            Optional(),
            Length(max=2000, message="Please keep it under 2,000 characters."),
        ],
    )


class QuestionForm(Form):
    question = TextAreaField(
        "Your question",
        validators=[
            DataRequired("Please write your question."),
            Length(max=2000, message="Please keep it under 2,000 characters."),
        ],
    )


class CountersignForm(Form):
    """The consultant's countersignature: a typed full name and the agreement."""

    full_name = StringField(
        "Your full name",
        validators=[
            DataRequired("Please type your full name to countersign."),
            Length(max=200, message="Please keep your name under 200 characters."),
        ],
    )
    agree = BooleanField(
        "I agree on behalf of the practice",
        validators=[DataRequired("Please tick the box to agree for the practice.")],
    )

    def validate_full_name(self, field):
        field.data = " ".join((field.data or "").split())
        if len(field.data) < 2:
            raise ValidationError("Please type your full name to countersign.")
