"""The questionnaire editor in Chromium: the owner rewords a question and adds a choice
worth points (a mistake first, shown beside the field), previews the step at 375 and
1280 px, scores the sample prospects, publishes; a new prospect answers the new version
and an old submission still shows its own. Every editor page is checked by axe at both
widths, without sideways scrolling at 375 px.

Screenshots of each page at both widths go to INTAKE_SCREENSHOTS, or /work/shots/editor
when that folder exists (a person looks at them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import skip_without_browser

skip_without_browser()

from tests.browser import answer_step, next_step, questionnaire  # noqa: E402
from tests.browser.test_accessibility import Audit  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.personas import STEADY_COLLABORATOR  # noqa: E402

pytestmark = pytest.mark.browser

Q = questionnaire()
QUESTION = "engagement"
NEW_LABEL = "What kind of help would suit your business best?"
NEW_CHOICE = "A small monthly retainer to start with"
_DEFAULT_SHOTS = Path("/work/shots/editor")
SHOTS = (
    Path(os.environ["INTAKE_SCREENSHOTS"])
    if os.environ.get("INTAKE_SCREENSHOTS")
    else (_DEFAULT_SHOTS if _DEFAULT_SHOTS.is_dir() else None)
)
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def look(audit: Audit, name: str) -> None:
    """axe at both widths, no sideways scrolling at 375 px, and the screenshots."""
    page = audit.page
    audit.check(f"editor-{name}")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(NO_SIDEWAYS), f"{name} scrolls sideways at {width} px"
        if SHOTS:
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def step_number_of(question_id: str) -> int:
    return next(
        n
        for n, s in enumerate(Q.steps, 1)
        if any(q.id == question_id for q in s.questions)
    )


def test_the_owner_edits_previews_scores_and_publishes_a_new_version(
    new_context, live_server
):
    old = live_server.add_submission(persona="strategic_collaborator")
    audit = Audit(new_context().new_page())
    page = audit.page
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto("/workspace/login")
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    submit(page, "form.form-panel button[type=submit]")

    page.goto("/workspace/questionnaire")
    look(audit, "home-without-draft")
    submit(page, "button:has-text('Start a draft')")
    assert "A draft of the next version is ready" in page.inner_text("main")
    look(audit, "home")
    version = page.input_value("#version")

    number = step_number_of(QUESTION)
    submit(page, f"a[href$='/steps/{Q.steps[number - 1].id}']")
    look(audit, "step")
    submit(page, f"a[href$='/questions/{QUESTION}']")
    page.fill("#label", NEW_LABEL)
    n = len(Q.question(QUESTION).choices)
    submit(page, "button[value=add]")
    page.fill(f"#choices-{n}-text", NEW_CHOICE)
    page.fill(f"#choices-{n}-value", "Small Retainer")
    page.fill(f"#choices-{n}-fit", "6")
    submit(page, ".nav-buttons button[value=save]")
    assert page.title().startswith("Error: ")
    assert "lower-case letters" in page.inner_text(f"#choices-{n}-value-error")
    assert page.input_value("#label") == NEW_LABEL  # nothing typed is lost
    assert page.input_value(f"#choices-{n}-text") == NEW_CHOICE
    look(audit, "question-errors")
    page.fill(f"#choices-{n}-value", "small_retainer")
    submit(page, ".nav-buttons button[value=save]")
    assert "The question is saved." in page.inner_text("main")
    look(audit, "question")

    page.goto(f"/workspace/questionnaire/preview/{number}")
    assert NEW_LABEL in page.inner_text("main")
    assert NEW_CHOICE in page.inner_text("main")
    look(audit, "preview")

    page.goto("/workspace/questionnaire/check")
    assert "strategic collaborator" in page.inner_text("table.samples")
    assert "Dry run under the draft" in page.inner_text("pre.dry-run")
    look(audit, "check")
    submit(page, f"button:has-text('Publish version {version}')")
    assert f"Version {version} is published" in page.inner_text("main")

    # a new prospect answers the new version
    prospect = new_context().new_page()
    prospect.goto("/start/step/1")
    for n_step, step in enumerate(Q.steps, 1):
        if n_step == number:
            assert NEW_LABEL in prospect.inner_text("main")
            prospect.check(f'[name="q_{QUESTION}"][value="small_retainer"]')
            answers = {k: v for k, v in STEADY_COLLABORATOR.items() if k != QUESTION}
        else:
            answers = STEADY_COLLABORATOR
        answer_step(prospect, step, answers)
        next_step(prospect)
    assert prospect.url.endswith("/start/review")
    assert NEW_CHOICE in prospect.inner_text("main")
    submit(prospect, "form.submit-form button")
    assert prospect.url.endswith("/start/thanks")

    page.goto("/workspace/?sort=submitted&direction=desc")
    submit(page, f"text={STEADY_COLLABORATOR['full_name']}")
    assert f"questionnaire version {version}" in page.inner_text("main")
    assert NEW_CHOICE in page.inner_text("main")
    page.goto(f"/workspace/submissions/{old}")
    assert f"questionnaire version {Q.version}" in page.inner_text("main")
    assert Q.question(QUESTION).label in page.inner_text("main")

    print(audit.report())
    assert not audit.blocking(), "serious or critical axe issues:\n" + audit.report()
