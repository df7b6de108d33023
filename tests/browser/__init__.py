"""Browser tests: Playwright driving Debian's Chromium against the real app on a live
server. They skip, with a message saying why, where Chromium or Playwright is missing."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("INTAKE_CHROMIUM", "/usr/bin/chromium"))


def why_no_browser() -> str:
    """Empty when the browser tests can run, else the reason they cannot."""
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return (
            f"Chromium not found at {CHROMIUM} (apt-get install chromium, "
            "or point INTAKE_CHROMIUM at a Chromium binary)"
        )
    return ""


def skip_without_browser() -> None:
    """Call at the top of a test module, before importing Playwright."""
    reason = why_no_browser()
    if reason:
        pytest.skip(f"browser tests skipped: {reason}", allow_module_level=True)


# ---- acting like a person: keyboard and pointer helpers ---------------------------
# Only Playwright page objects are passed in; nothing here imports Playwright.

QUESTIONNAIRE_PATH = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)


def questionnaire():
    from intake.questionnaire.schema import load_questionnaire

    return load_questionnaire(str(QUESTIONNAIRE_PATH))


def focused(page) -> str:
    """The start of the focused element's HTML, for assertion messages."""
    return page.evaluate(
        "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 160) : ''"
    )


def is_focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, *, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus (as a person would)."""
    for _ in range(limit):
        if is_focused(page, selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(
        f"Tab never reached {selector!r} in {limit} presses; focus: {focused(page)}"
    )


def press_and_wait(page, key: str = "Enter") -> None:
    """Press a key that leaves the page (a link or a submit button) and wait."""
    with page.expect_navigation():
        page.keyboard.press(key)


def answer_by_keyboard(page, question, value) -> None:
    """Answer one question with Tab, arrows, Space and typing only."""
    name = f'[name="q_{question.id}"]'
    if question.type in ("single", "scale"):
        tab_to(page, name)  # lands on the checked radio, else on the first
        values = [c.value for c in question.choices]
        target = values.index(str(value))
        current = values.index(page.evaluate("document.activeElement.value"))
        if current == target:
            if not page.evaluate("document.activeElement.checked"):
                page.keyboard.press("Space")
        else:
            key = "ArrowDown" if target > current else "ArrowUp"
            for _ in range(abs(target - current)):
                page.keyboard.press(key)
        assert page.is_checked(f"#q_{question.id}-{target + 1}"), question.id
    elif question.type == "multi":
        wanted = {str(v) for v in value}
        for number, choice in enumerate(question.choices, 1):
            box = f"#q_{question.id}-{number}"
            tab_to(page, box)
            if page.is_checked(box) != (choice.value in wanted):
                page.keyboard.press("Space")
    else:
        tab_to(page, f"#q_{question.id}")
        if question.type == "date":  # Chromium's en-US date field: mm dd yyyy
            year, month, day = str(value).split("-")
            page.keyboard.type(month + day + year)
        else:
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            page.keyboard.type(str(value))


def answer_step_by_keyboard(page, step, answers) -> None:
    """Every shown question of the step that `answers` covers, in page order."""
    for question in step.questions:
        if question.id in answers and page.is_visible(f"#block-{question.id}"):
            answer_by_keyboard(page, question, answers[question.id])


def answer_step(page, step, answers) -> None:
    """The quick way (fill and check), for tests about something else."""
    for question in step.questions:
        if question.id not in answers or not page.is_visible(f"#block-{question.id}"):
            continue
        value = answers[question.id]
        if question.type in ("single", "scale"):
            page.check(f'[name="q_{question.id}"][value="{value}"]')
        elif question.type == "multi":
            for choice in question.choices:
                box = f'[name="q_{question.id}"][value="{choice.value}"]'
                page.set_checked(box, choice.value in {str(v) for v in value})
        else:
            page.fill(f"#q_{question.id}", str(value))


def next_step(page) -> None:
    with page.expect_navigation():
        page.click('button[name="nav"][value="next"]')
