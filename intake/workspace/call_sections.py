"""What the call's sections of workspace pages show (intake/consultation), computed by
the views and handed to the templates: the availability and the follow-up in Settings,
the call panel, the consultation notes and the call suggestion on a prospect's page."""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import request

from .. import submissions
from ..consultation import agreement, members, notes, service, slots
from ..consultation.forms import DAY_FIELDS, AvailabilityForm, FollowUpForm, NotesForm
from ..models import Submission, utcnow
from ..practice import Availability, time_zone_of
from ..practice_store import current_practice


def whose() -> tuple[list, int, int]:
    """The active members, the owner's id, and the member whose hours are shown
    (?member=, else the owner)."""
    people = members.members()
    owner = members.owner_id(people)
    asked = request.args.get("member", "")
    chosen = next((p.id for p in people if str(p.id) == asked), owner)
    return people, owner, chosen


def _shown(practice, member_id: int, owner: int) -> Availability:
    """The member's hours with the practice's settings (none yet: an empty week)."""
    own = members.own_hours(practice, member_id, owner) or Availability(hours=())
    base = practice.availability
    return dataclasses.replace(
        own, enabled=base.enabled, offer_to=base.offer_to, details=base.details
    )


def availability_section(form: AvailabilityForm | None = None) -> dict:
    """What Settings' availability section shows: the posted form, or the member's
    hours with the practice's settings; whose hours, and who takes new prospects."""
    practice = current_practice()
    people, owner, chosen = whose()
    if form is None:
        form = AvailabilityForm.of(
            _shown(practice, chosen, owner), practice.new_prospects_to
        )
    return {
        "form": form.with_members(people, owner),
        "days": [day for day, _name in DAY_FIELDS],
        "zone": time_zone_of(practice),
        "members": people,
        "member": chosen,
        # the form's address names the member unless it is the owner (the default)
        "member_arg": chosen if chosen != owner else None,
    }


def followup_section(form: FollowUpForm | None = None) -> dict:
    """What Settings' follow-up section shows: the posted form, or the practice's."""
    return {"form": form or FollowUpForm.of(current_practice())}


def call_panel(submission: Submission) -> dict | None:
    """The submission page's call panel: the latest call, in the practice's zone."""
    practice = current_practice()
    latest = service.latest_for(submission.id)
    if latest is None and not practice.availability.enabled:
        return None
    zone = time_zone_of(practice)
    out = {"when": "", "cancelled": "", "moved": 0}
    if latest is not None:
        when = slots.describe(latest.start_at, latest.end_at, zone)
        key = "when" if latest.is_active else "cancelled"
        out |= {key: when, "moved": latest.sequence if latest.is_active else 0}
    return out


def _call_day(submission: Submission) -> dt.date:
    """The day of the latest call (in the practice's zone), else today."""
    zone = slots.zone(time_zone_of(current_practice()))
    latest = service.latest_for(submission.id)
    today = utcnow().astimezone(zone).date()
    if latest is None or not latest.is_active:
        return today
    return min(latest.start_at.astimezone(zone).date(), today)


def area_names(submission: Submission) -> dict[str, str]:
    """The questionnaire's areas in the practice's words, for the notes form."""
    practice = current_practice()
    questionnaire = submissions.questionnaire_of(submission).localised(
        practice.questionnaire_words, practice.currency
    )
    return agreement.area_names(questionnaire)


def notes_section(submission: Submission, form: NotesForm | None = None) -> dict:
    """The notes form (the posted one when it has errors) and whether notes exist."""
    record = notes.record_for(submission.id)
    if form is None:
        agreed = (
            agreement.Agreed.from_dict(record.data, record.call_date)
            if record is not None
            else agreement.prefill(
                submissions.questionnaire_of(submission),
                submission.answers or {},
                _call_day(submission),
            )
        )
        form = NotesForm.of(agreed)
    return {
        "form": form.for_questionnaire(area_names(submission)),
        "record": record,
    }


def call_suggestion(submission: Submission) -> dict | None:
    """Before sending: a call is suggested while no consultation notes are recorded
    (None when they are, when the practice switched it off, or after acceptance)."""
    practice = current_practice()
    if not practice.availability.suggest_booking or submission.status == "won":
        return None
    if notes.record_for(submission.id) is not None:
        return None
    booked = service.active_for(submission.id)
    when = (
        slots.describe(booked.start_at, booked.end_at, time_zone_of(practice))
        if booked is not None
        else ""
    )
    return {"when": when}
