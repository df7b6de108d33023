"""The outcomes section of a client's page: the check-ins recorded, the one due, and
the form to record one (intake/workspace/outcomes.py posts it)."""

from __future__ import annotations

import datetime as dt

from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..forms import Form
from ..models import Submission, utcnow
from . import store
from .due import add_months, due_check_in
from .report import CHECKPOINTS, ENDED, RATINGS

MAX_NOTE = 2000


class OutcomeForm(Form):
    checkpoint = SelectField(
        "Check-in",
        choices=[SelectChoice(m, f"{m} months") for m in CHECKPOINTS],
        coerce=int,
    )
    rating = RadioField(
        "How is the relationship going?",
        choices=[SelectChoice(v, label) for v, label in RATINGS.items()],
        validators=[InputRequired("Please choose how the relationship is going.")],
    )
    note = TextAreaField(
        "Note",
        validators=[
            Length(
                max=MAX_NOTE,
                message=f"Please keep the note under {MAX_NOTE} characters.",
            )
        ],
    )


def outcome_panel(submission: Submission, now: dt.datetime | None = None) -> dict:
    """What the outcomes section of a prospect's page shows: the check-ins recorded,
    the one due (if any) and the form (only for a client: status "won")."""
    recorded = store.outcomes_for_client(submission.id)
    won_at = store.won_at_of(submission)
    due = None
    if won_at:
        ended = any(o.rating == ENDED for o in recorded)
        due = due_check_in(
            won_at,
            [o.checkpoint for o in recorded],
            now or utcnow(),
            ended=ended,
        )
    form = None
    if won_at:
        form = OutcomeForm(checkpoint=due[0] if due else CHECKPOINTS[0])
    return {
        "recorded": recorded,
        "ratings": RATINGS,
        "won_at": won_at,
        "due": due,
        "dates": {m: add_months(won_at, m) for m in CHECKPOINTS} if won_at else {},
        "form": form,
    }
