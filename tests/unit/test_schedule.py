"""One schedule everywhere: the proposal's content model and the calendar file.

The PDF renders from `proposal_context` (its "schedule" and grid); the .ics is built
the way an accepted offer builds it (the chosen option's reviews from the page
content, then `reviews_calendar`). Over packages x start dates x time zones x office
weeks the two agree event by event, and every review is a timed meeting on an office
day, inside office hours, that blocks the time and carries an agenda.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from intake.offers.calendar import chosen_schedule, reviews_calendar
from intake.practice import Package, default_practice
from intake.proposal.content import proposal_context
from intake.proposal.recommendation import recommend
from intake.proposal.schedule import cadences_of, review_schedule
from intake.questionnaire.schema import load_questionnaire
from intake.questionnaire.scoring import assess

try:
    from tests.personas import PERSONAS
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from personas import PERSONAS

DEFAULT = (
    Path(__file__).resolve().parents[2] / "intake" / "questionnaire" / "default.toml"
)
QUESTIONNAIRE = load_questionnaire(DEFAULT)
BASE = default_practice()
WEEKLY_ONLY = Package("Check-ins", 8, 500, ("inbox_calendar",), ("weekly",))
PACKAGES = [*BASE.packages, WEEKLY_ONLY]
ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Pacific/Auckland",
    "UTC",
]
WEEKS = [
    (("mon", "tue", "wed", "thu", "fri"), "09:00", "17:00"),
    (("tue", "wed", "thu", "fri", "sat"), "08:30", "16:30"),
    (("mon", "wed", "fri"), "10:00", "13:00"),  # short days: slots move earlier
]


def _practice(package: Package, zone: str, week) -> object:
    days, opens, closes = week
    standards = dataclasses.replace(
        BASE.standards,
        office_days=days,
        office_start=opens,
        office_end=closes,
        time_zone=zone,
    )
    return dataclasses.replace(BASE, packages=(package,), standards=standards)


def _pdf_schedule(practice, package: Package, start: dt.date) -> list[tuple]:
    answers = {**PERSONAS["steady_collaborator"], "start_date": start.isoformat()}
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assess(QUESTIONNAIRE, answers),
        practice=practice,
        override=package.name,
    )
    context = proposal_context(
        practice=practice,
        submission_name="Amara Okafor",
        business="Okafor Counsel",
        own_words=(),
        recommendation=rec,
        assessment=assess(QUESTIONNAIRE, answers),
        today=start - dt.timedelta(days=3),
    )
    # the grid shows the same months as the schedule
    marked = sum(row["cells"].count("●") for row in context["grid"]["rows"])
    months = {(s["kind"], s["date"][:7]) for s in context["schedule"]}
    assert marked == len(months)
    return [
        (s["kind"], s["date"], s["start"], s["end"], s["time_zone"])
        for s in context["schedule"]
    ]


def _ics_schedule(practice, package: Package, start: dt.date) -> list[tuple]:
    content = {
        "options": [{"name": package.name, "cadences": cadences_of(package, practice)}],
        "reviews": [],
    }
    reviews = chosen_schedule(content, package.name, start, practice)
    ics = reviews_calendar(
        schedule=reviews,
        purposes={},
        practice_name=practice.name,
        organizer=("hello@northway.example", "Maren Holt"),
        attendee=("amara@okaforcounsel.com", "Amara Okafor"),
        uid_prefix="offer-1",
        host="intake.test",
        now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
    )
    events = []
    for event in Calendar.from_ical(ics).walk("VEVENT"):
        begins, ends = event.decoded("DTSTART"), event.decoded("DTEND")
        assert isinstance(begins, dt.datetime) and begins.tzinfo is not None
        assert str(event["TRANSP"]) == "OPAQUE"
        assert "Agenda:" in str(event["DESCRIPTION"])
        assert "mailto:hello@northway.example" in str(event["ORGANIZER"])
        assert "mailto:amara@okaforcounsel.com" in str(event["ATTENDEE"])
        kind = str(event["UID"]).split("-")[2]
        events.append(
            (
                kind,
                begins.date().isoformat(),
                f"{begins:%H:%M}",
                f"{ends:%H:%M}",
                str(begins.tzinfo),
            )
        )
    return sorted(events, key=lambda e: (e[1], e[2]))


@settings(max_examples=80, deadline=None)
@given(
    package=st.sampled_from(PACKAGES),
    start=st.dates(dt.date(2026, 1, 1), dt.date(2031, 12, 31)),
    zone=st.sampled_from(ZONES),
    week=st.sampled_from(WEEKS),
)
def test_the_pdf_and_the_calendar_hold_the_same_reviews(package, start, zone, week):
    practice = _practice(package, zone, week)
    pdf = _pdf_schedule(practice, package, start)
    ics = _ics_schedule(practice, package, start)
    assert pdf == ics
    assert {kind for kind, *_ in pdf} == set(package.reviews)
    days, opens, closes = week
    for _kind, date, begins, ends, tz in pdf:
        day = dt.date.fromisoformat(date)
        assert day >= start
        assert ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()] in days
        assert opens <= begins < ends <= closes
        assert tz == zone


def test_reviews_fall_on_working_days_from_the_start():
    """1 January 2027 is a Friday; its month ends on a Sunday (31 January)."""
    practice = _practice(BASE.packages[1], "Europe/London", WEEKS[0])
    reviews = review_schedule(BASE.packages[1], dt.date(2027, 1, 1), practice)
    firsts = {}
    for r in reviews:
        firsts.setdefault(r.kind, r)
    assert firsts["weekly"].date == dt.date(2027, 1, 1)  # the start week's office day
    assert firsts["monthly"].date == dt.date(2027, 1, 29)  # Friday, not Sunday 31st
    assert firsts["quarterly"].date == dt.date(2027, 3, 31)
    assert firsts["annual"].date == dt.date(2027, 12, 31)
    assert [r.start.strftime("%H:%M") for r in firsts.values()] == [
        "09:00",
        "09:30",
        "10:30",
        "12:00",
    ]
    assert (
        firsts["monthly"].agenda[0] == "Deliverables and deadlines of the month ahead"
    )
    assert all(r.date.weekday() < 5 for r in reviews)
    assert len([r for r in reviews if r.kind == "weekly"]) == 53


def test_the_foundation_package_has_no_weekly_check_in_anywhere():
    practice = _practice(BASE.packages[0], "America/New_York", WEEKS[0])
    pdf = _pdf_schedule(practice, BASE.packages[0], dt.date(2027, 2, 1))
    assert "weekly" not in {kind for kind, *_ in pdf}


def test_a_project_client_is_promised_no_twelve_month_grid():
    """One CRM migration, done by the end of March: the proposal frames the months
    up to then and says what continuing would be; the calendar stops there too."""
    answers = PERSONAS["one_off_project"]
    assessment = assess(QUESTIONNAIRE, answers)
    today = dt.date(2026, 12, 4)
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assessment,
        practice=BASE,
        override="Partner",
        today=today,
    )
    assert rec.project is not None and rec.project.end == dt.date(2027, 3, 31)
    text = " ".join(rec.rationale)
    assert "one project, to be finished by the end of March 2027" in text
    assert "continue month to month as an ongoing partnership" in text
    assert rec.options == ()
    context = proposal_context(
        practice=BASE,
        submission_name="Tom Reilly",
        business="Reilly Events",
        own_words=(),
        recommendation=rec,
        assessment=assessment,
        today=today,
    )
    assert context["grid"]["months"] == ["Mar"]  # the project's month, not a year
    assert {s["kind"] for s in context["schedule"]} == {"weekly", "monthly"}
    assert [r["name"] for r in context["reviews"]] == [
        "Weekly check-in",
        "Monthly operational review",
    ]
    assert max(s["date"] for s in context["schedule"]) <= "2027-03-31"
    # the offer's calendar reads the same end date
    content = {
        "options": [{"name": "Partner", "cadences": ["weekly", "monthly"]}],
        "schedule_until": context["schedule_until"],
    }
    ics = chosen_schedule(content, "Partner", dt.date(2027, 3, 1), BASE)
    assert [(r.kind, r.date.isoformat(), f"{r.start:%H:%M}") for r in ics] == [
        (s["kind"], s["date"], s["start"]) for s in context["schedule"]
    ]


def test_an_ongoing_client_has_no_project_frame():
    answers = PERSONAS["steady_collaborator"]
    rec = recommend(
        questionnaire=QUESTIONNAIRE,
        answers=answers,
        assessment=assess(QUESTIONNAIRE, answers),
        practice=BASE,
    )
    assert rec.project is None


def test_add_ons_are_offered_only_for_areas_they_asked_about():
    """Foundation's add-ons are marketing admin and research: not offered to someone
    who asked for neither (scope is what they asked for)."""
    for areas, shown in (
        (["inbox_calendar", "documents"], []),
        (
            ["inbox_calendar", "research"],
            ["Research on request"],
        ),
    ):
        answers = {
            **PERSONAS["steady_collaborator"],
            "monthly_hours": 8,
            "budget": "500_1000",
            "service_areas": areas,
        }
        assessment = assess(QUESTIONNAIRE, answers)
        rec = recommend(
            questionnaire=QUESTIONNAIRE,
            answers=answers,
            assessment=assessment,
            practice=BASE,
        )
        context = proposal_context(
            practice=BASE,
            submission_name="Amara Okafor",
            business="Okafor Counsel",
            own_words=(),
            recommendation=rec,
            assessment=assessment,
            today=dt.date(2026, 12, 4),
        )
        assert context["package"]["name"] == "Foundation"
        assert [a["name"] for a in context["package"]["add_ons"]] == shown
