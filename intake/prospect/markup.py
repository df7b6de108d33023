"""A question's markup, written once while nobody has answered it.

Every prospect's first sight of a step shows the same unanswered questions: the markup of
an unanswered, error-free question depends only on the questionnaire (in the practice's
words and currency) and on whether it is shown. It is rendered by the `question` macro
once per process and reused (bench/profiles.md: the macros were a quarter of a step
page's template time). A question with a value or an error is rendered each time, and
its value is never kept here.
"""

from __future__ import annotations

from flask import get_template_attribute
from markupsafe import Markup

from ..cache import Cache
from ..practice_store import StoredPractice

# keyed by the questionnaire object (its localised copies live as long as the registry);
# a write of the practice's settings (its words and currency) clears it
blank_questions = Cache("blank_questions", cleared_by=(StoredPractice,), maxsize=2000)


def question_items(questionnaire, step, values: dict, errors: dict) -> list[dict]:
    """What `templates/prospect/step.html` shows per question; `html` is set when the
    question is unanswered and without an error (the cached markup)."""
    items = []
    for q in step.questions:
        item = {
            "q": q,
            "visible": questionnaire.is_visible(q, values),
            "value": shown_value(values.get(q.id)),
            "error": errors.get(q.id, ""),
        }
        if not item["value"] and not item["error"]:
            item["html"] = _blank(questionnaire, item)
        items.append(item)
    return items


def _blank(questionnaire, item: dict) -> Markup:
    key = (id(questionnaire), item["q"].id, item["visible"])
    owner, html = blank_questions.get(
        key,
        lambda: (
            questionnaire,
            get_template_attribute("macros/forms.html", "question")(item),
        ),
    )
    if owner is not questionnaire:  # an id reused by another object: render afresh
        blank_questions.clear()
        return _blank(questionnaire, item)
    return html


def shown_value(value):
    """A saved or posted answer as the strings the inputs compare against."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return str(value)
