"""Each request computes the recommendation and the gaps once and passes them on
(issue 21, point 4): the submission page and "Send proposal" are counted."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from flask import Flask

from intake.offers.models import Offer
from intake.proposal import recommendation
from intake.questionnaire import gaps
from tests.conftest import csrf_of
from tests.factories import make_submission


@pytest.fixture
def calls(monkeypatch) -> Counter:
    """Counts calls of `recommend` and `find_gaps`, wherever a module of intake
    imported them (so a module moved or split is still counted)."""
    counted: Counter = Counter()
    originals = {
        "recommend": recommendation.recommend,
        "find_gaps": gaps.find_gaps,
    }

    def counting(name, original):
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return original(*args, **kwargs)

        return wrapper

    for module in [m for n, m in sys.modules.items() if n.startswith("intake")]:
        for name, original in originals.items():
            if getattr(module, name, None) is original:
                monkeypatch.setattr(module, name, counting(name, original))
    return counted


@pytest.fixture
def prospect(db, consultant):
    s = make_submission(persona="strategic_collaborator", status="reviewing")
    db.session.commit()
    return s


def test_the_submission_page_computes_each_once(signed_in, prospect, calls):
    page = signed_in.get(f"/workspace/submissions/{prospect.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Send proposal" in text and "Expectation gaps" in text
    assert calls == Counter(recommend=1, find_gaps=1)


def test_sending_the_proposal_computes_each_once(signed_in, prospect, calls, db):
    page = signed_in.get(f"/workspace/submissions/{prospect.id}")
    calls.clear()
    response = signed_in.post(
        f"/workspace/submissions/{prospect.id}/send-proposal",
        data={"csrf_token": csrf_of(page), "message": "Hello,\n\nOur proposal.\n"},
    )
    assert response.status_code == 302
    assert db.session.query(Offer).count() == 1
    assert calls == Counter(recommend=1, find_gaps=1)


def test_the_list_page_fetches_no_data_from_its_template(app):
    """Templates receive data: no global or context processor runs a query."""
    globals_ = app.jinja_env.globals
    assert "offer_panel" not in globals_
    assert "attention_count" not in globals_
    assert "triage_links" not in globals_


def test_the_prospects_pages_fetch_no_data_from_their_templates(app):
    """The e-mail-me button's address comes from the view, not a template global."""
    assert "draft_email" not in app.jinja_env.globals


def test_the_templates_have_no_global_that_fetches(app):
    """Beyond Flask's own, the templates' globals are the CSRF token and a formatting
    helper: the call's sections (availability, follow-up, call panel, consultation
    notes, call suggestion) are computed by the views and passed in."""
    own = set(app.jinja_env.globals) - set(Flask(__name__).jinja_env.globals)
    assert own == {"csrf_meta_tag", "csrf_token", "error_list"}
