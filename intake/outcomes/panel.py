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


def _checkpoint_to_offer(won_at: dt.datetime, due, now: dt.datetime) -> int:
    """The check-in the form starts at: the one due, else the latest reached (the
    one most likely to be corrected), else the first."""
    if due:
        return due[0]
    reached = [m for m in CHECKPOINTS if add_months(won_at, m) <= now]
    return reached[-1] if reached else CHECKPOINTS[0]


def outcome_panel(submission: Submission, now: dt.datetime | None = None) -> dict:
    """What the outcomes section of a prospect's page shows: the check-ins recorded,
    the one due (if any) and the form (only for a client: status "won")."""
    recorded = store.outcomes_for_client(submission.id)
    won_at = store.won_at_of(submission)
    due = form = None
    if won_at:
        now = now or utcnow()
        ended = any(o.rating == ENDED for o in recorded)
        due = due_check_in(won_at, [o.checkpoint for o in recorded], now, ended=ended)
        form = OutcomeForm(checkpoint=_checkpoint_to_offer(won_at, due, now))
    return {
        "recorded": recorded,
        "ratings": RATINGS,
        "won_at": won_at,
        "due": due,
        "dates": {m: add_months(won_at, m) for m in CHECKPOINTS} if won_at else {},
        "form": form,
    }
