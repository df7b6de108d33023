"""Step forms generated from the questionnaire, built once per questionnaire and step.

The forms gather what the browser sent and check the CSRF token; the answers
themselves are checked by intake.questionnaire.answers, the same code the CLI uses.
Inputs are written by our own macros (templates/macros/forms.html), not WTForms widgets.
"""

from __future__ import annotations

import threading

import cachetools
from wtforms import SelectMultipleField, StringField, TextAreaField

from ..forms import Form
from ..questionnaire.schema import Questionnaire, Step
from ..questionnaire.wizard import Posted

FIELD_PREFIX = "q_"


class StepForm(Form):
    """Base of the generated step forms: which button was pressed, and where next."""

    nav = StringField()  # "next" or "back"
    then = StringField(filters=[lambda v: v if v == "review" else ""])
    shown = StringField()  # ids of the questions the page showed; kept current by JS
    website = StringField()  # the honeypot: hidden from people, filled in by robots

    class Meta:
        # CSRFProtect checks the token of every POST before the view runs (a post
        # without it is refused: test_missing_csrf_token_is_refused); the form is never
        # validated as a whole, so its own token field was only work (bench/profiles.md)
        csrf = False


@cachetools.cached(
    cachetools.LRUCache(maxsize=256),
    key=lambda questionnaire, step: (questionnaire.digest, step.id),
    lock=threading.Lock(),
)
def step_form_class(questionnaire: Questionnaire, step: Step) -> type[Form]:
    """The form class of a step, created on first use and reused afterwards."""
    fields = {FIELD_PREFIX + q.id: _answer_field(q.type) for q in step.questions}
    return type(f"StepForm_{step.id}", (StepForm,), fields)


def _answer_field(kind: str):
    # text fields are normalised by the form (intake.forms) and again, with the
    # question's rules, by intake.questionnaire.answers; a long answer keeps its lines
    if kind == "multi":
        return SelectMultipleField(validate_choice=False)
    return TextAreaField() if kind == "long_text" else StringField()


def posted_step(form: StepForm, step: Step) -> Posted:
    """What the prospect sent: each question's raw answer, the button, what was shown."""
    shown = form.shown.data
    return Posted(
        answers={q.id: form[FIELD_PREFIX + q.id].data for q in step.questions},
        back=form.nav.data == "back",
        then_review=form.then.data == "review",
        shown=None if shown is None else frozenset(shown.split()),
    )
