"""A consultant in a real browser: sign in, sort and filter the list, work on one
prospect (note, status), change a standard and see the talking points follow, and
download the proposal PDF and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from tests.browser import skip_without_browser

skip_without_browser()

from intake.workspace.export import CSV_HEADER  # noqa: E402
from tests.factories import PASSWORD  # noqa: E402
from tests.personas import EXPECTED_VERDICT, PERSONAS  # noqa: E402

pytestmark = pytest.mark.browser

SEEDED = [
    "strategic_collaborator",
    "friendly_founder",
    "needy_always_on",
    "solid_but_cautious",
    "pair_of_hands",
    "one_off_project",
]
REPLY_GAP = "Expects replies within 1 business day; your standard is 2 business days"


@pytest.fixture(scope="module")
def prospects(live_server):
    """Six submitted prospects, one a day, the first the oldest; name -> id."""
    now = dt.datetime.now(dt.UTC)
    return {
        PERSONAS[persona]["full_name"]: live_server.add_submission(
            persona=persona, submitted_at=now - dt.timedelta(days=len(SEEDED) - n)
        )
        for n, persona in enumerate(SEEDED)
    }


def sign_in(page) -> None:
    page.goto("/workspace/")
    assert "/workspace/login" in page.url  # the list is private
    page.fill("#email", "consultant@example.com")
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/workspace/"), page.url
    assert page.inner_text("h1") == "Prospects"


def column(page, number: int) -> list[str]:
    return page.locator(
        f"table.prospects tbody tr td:nth-child({number})"
    ).all_inner_texts()


def names(page) -> list[str]:
    return page.locator("table.prospects .prospect-link").all_inner_texts()


def click_and_wait(page, selector: str) -> None:
    with page.expect_navigation():
        page.click(selector)


def test_consultant_sorts_filters_and_works_on_a_prospect(page, prospects, tmp_path):
    sign_in(page)
    assert page.locator("main .field-error").count() == 0  # no filter, no complaint
    newest_first = list(reversed(prospects))
    assert names(page) == newest_first  # default: latest submission first

    # the Scores column sorts by overall score: highest first, then lowest first
    click_and_wait(page, "th >> text=Scores")
    assert "sort=overall" in page.url
    assert page.get_attribute("th:has-text('Scores')", "aria-sort") == "descending"
    overall = [int(v) for v in page.locator(".overall-num strong").all_inner_texts()]
    assert len(overall) == len(prospects)
    assert overall == sorted(overall, reverse=True)
    click_and_wait(page, "th >> text=Scores")
    assert page.get_attribute("th:has-text('Scores')", "aria-sort") == "ascending"
    ascending = page.locator(".overall-num strong").all_inner_texts()
    assert [int(v) for v in ascending] == sorted(overall)
    click_and_wait(page, "th >> text=Prospect")
    assert names(page) == sorted(prospects)

    # filter by verdict, then search; the sort survives the filter
    page.select_option("#verdict", "strong fit")
    click_and_wait(page, "form.filters button[type=submit]")
    strong = sorted(
        PERSONAS[p]["full_name"] for p in SEEDED if EXPECTED_VERDICT[p] == "strong fit"
    )
    assert names(page) == strong
    assert set(column(page, 4)) == {"Strong fit"}
    assert "2 prospects" in page.inner_text(".table-head")
    page.fill("#q", "lindqvist")
    click_and_wait(page, "form.filters button[type=submit]")
    assert names(page) == ["Hannah Lindqvist"]

    # the CSV follows the filters on screen
    with page.expect_download() as download_info:
        page.click("text=Export CSV")
    download = download_info.value
    assert download.suggested_filename.startswith("prospects-")
    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert rows[0] == CSV_HEADER
    assert [r[CSV_HEADER.index("name")] for r in rows[1:]] == ["Hannah Lindqvist"]

    # open the prospect
    click_and_wait(page, "text=Hannah Lindqvist")
    detail_url = page.url
    # the prospect's page knows the filtered list it came from (its way back)
    assert detail_url.split("?back=")[0].endswith(
        f"/workspace/submissions/{prospects['Hannah Lindqvist']}"
    )
    assert "q%3Dlindqvist" in detail_url
    assert page.inner_text("h1") == "Hannah Lindqvist"
    assert REPLY_GAP not in page.inner_text("section[aria-labelledby=gaps-title]")

    # a note
    page.fill("#body", "Called her back; she prefers Tuesday mornings.")
    click_and_wait(page, "#notes button[type=submit]")
    assert page.inner_text(".flash-success") == "Note added."
    notes = page.inner_text("ul.notes")
    assert "Called her back; she prefers Tuesday mornings." in notes
    assert "Casey Consultant" in notes

    # the status, with its history
    page.select_option("#status", "booked")
    click_and_wait(page, "form.status-form button[type=submit]")
    assert page.inner_text(".flash-success") == "Status changed to Consultation booked."
    assert "Consultation booked" in page.inner_text(".head-badges")
    assert "from New to Consultation booked" in page.text_content(
        "ol.history"
    )  # folded away

    # a slower reply standard turns her next-day expectation into a talking point
    click_and_wait(page, "nav.site-nav >> text=Settings")
    assert page.inner_text("h1") == "Practice settings"
    page.select_option("#reply_hours", "16")
    click_and_wait(page, "#standards button[type=submit]")
    assert page.inner_text("#standards .flash-success") == "Your standards: saved."
    assert page.input_value("#reply_hours") == "16"
    page.goto(detail_url)
    gaps = page.inner_text("section[aria-labelledby=gaps-title]")
    assert REPLY_GAP in gaps

    # the proposal, as a PDF download
    # a first render takes seconds, and longer on a busy machine
    with page.expect_download(timeout=60_000) as download_info:
        page.click("#proposal >> text=Download PDF")
    download = download_info.value
    assert download.suggested_filename.startswith("Proposal - ")
    assert "Lindqvist Advisory" in download.suggested_filename
    assert Path(download.path()).read_bytes().startswith(b"%PDF")

    # and back in the list, the new status shows
    page.goto("/workspace/?q=lindqvist")
    assert column(page, 7) == ["Consultation booked"]
