"""The forms of the consultation call: the practice's availability (Settings), the
prospect's choice of a slot, cancelling, and a new feed link."""

from __future__ import annotations

import datetime as dt
import re

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..forms import BoundedIntegerField, Form
from ..practice import (
    BOOKING_VERDICTS,
    CADENCES,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Availability,
)
from . import agreement

# who takes new prospects besides one member (intake.consultation.members' words)
ROUTING = {
    "round_robin": "In turn, among those free",
    "first_free": "Whoever is free first",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-4]):([0-5]\d)$")
CALL_MINUTES = (15, 20, 30, 45, 60, 90)
BUFFER_MINUTES = (0, 5, 10, 15, 30, 60)


def _strip(value):
    """Trimmed text without control characters (PostgreSQL refuses NUL in text)."""
    if not isinstance(value, str):
        return value
    return _CONTROL.sub("", value.replace("\r\n", "\n")).strip()


def parse_ranges(text: str) -> list[tuple[str, str]]:
    """'10:00-12:00, 14:00-16:00' as [('10:00', '12:00'), ...]; ValueError if not."""
    out = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        match = _RANGE.match(part)
        if not match or part[:5] >= part[-5:] or part[-5:] > "24:00":
            raise ValueError(part)
        out.append((part[:5], part[-5:]))
    return out


def _a_number(_form, field):
    """Not a number: its own message only, not a second one about the range."""
    if field.process_errors:
        raise StopValidation()


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class _DayHours(StringField):
    def pre_validate(self, form):
        try:
            parse_ranges(self.data)
        except ValueError as exc:
            raise ValidationError(
                f"Write the hours like 10:00-12:00, 14:00-16:00 (not “{exc}”)."
            ) from None


class AvailabilityForm(Form):
    enabled = BooleanField(
        "Offer free times for a consultation call after the questionnaire"
    )
    mon = _DayHours("Monday", filters=[_strip], validators=[Length(max=200)])
    tue = _DayHours("Tuesday", filters=[_strip], validators=[Length(max=200)])
    wed = _DayHours("Wednesday", filters=[_strip], validators=[Length(max=200)])
    thu = _DayHours("Thursday", filters=[_strip], validators=[Length(max=200)])
    fri = _DayHours("Friday", filters=[_strip], validators=[Length(max=200)])
    sat = _DayHours("Saturday", filters=[_strip], validators=[Length(max=200)])
    sun = _DayHours("Sunday", filters=[_strip], validators=[Length(max=200)])
    days_off = TextAreaField(
        "Days off, one date per line (e.g. 2026-12-25)",
        filters=[_strip],
        validators=[Length(max=4000)],
    )
    call_minutes = SelectField(
        "Length of a call",
        choices=[SelectChoice(m, f"{m} minutes") for m in CALL_MINUTES],
        coerce=int,
    )
    buffer_minutes = SelectField(
        "Break between calls",
        choices=[SelectChoice(m, f"{m} minutes") for m in BUFFER_MINUTES],
        coerce=int,
    )
    notice_hours = BoundedIntegerField(
        "Minimum notice (hours)",
        validators=[InputRequired(), _a_number, NumberRange(0, 720)],
    )
    horizon_days = BoundedIntegerField(
        "How far ahead (days)",
        validators=[InputRequired(), _a_number, NumberRange(1, 180)],
    )
    details = TextAreaField(
        "How to join the call: the video link or the phone number",
        filters=[_strip],
        validators=[Length(max=600)],
    )
    offer_to = _Checkboxes(
        "Offer times to prospects whose answers are a",
        choices=[SelectChoice(v, v.capitalize()) for v in BOOKING_VERDICTS],
    )
    suggest_booking = BooleanField(
        "Suggest a consultation call before a proposal is sent, when no notes of one "
        "are recorded"
    )

    new_prospects_to = SelectField(
        "Who takes new prospects' calls", choices=[], validate_choice=True
    )

    def with_members(self, people, owner: int) -> AvailabilityForm:
        """The choice of who takes new prospects: each member, in turn, or whoever is
        free first ("" stored: the owner)."""
        self.new_prospects_to.choices = [
            SelectChoice(str(p.id), p.name or p.email) for p in people
        ] + [SelectChoice(k, v) for k, v in ROUTING.items()]
        if not self.new_prospects_to.data and owner:
            self.new_prospects_to.data = str(owner)
        return self

    def validate_days_off(self, field):
        for line in (field.data or "").splitlines():
            try:
                dt.date.fromisoformat(line.strip())
            except ValueError:
                raise ValidationError(
                    f"Write each day off as a date like 2026-12-25 (not “{line[:40]}”)."
                ) from None

    @classmethod
    def of(cls, av: Availability, new_prospects_to: str = "") -> AvailabilityForm:
        data = {
            day: ", ".join(f"{a}-{b}" for d, a, b in av.hours if d == day)
            for day in WEEKDAYS
        }
        return cls(
            formdata=None,
            data={
                **data,
                "enabled": av.enabled,
                "days_off": "\n".join(av.days_off),
                "call_minutes": av.call_minutes,
                "buffer_minutes": av.buffer_minutes,
                "notice_hours": av.notice_hours,
                "horizon_days": av.horizon_days,
                "details": av.details,
                "offer_to": list(av.offer_to),
                "suggest_booking": av.suggest_booking,
                "new_prospects_to": new_prospects_to,
            },
        )

    def availability(self, old: Availability) -> Availability:
        hours = tuple(
            (day, a, b) for day in WEEKDAYS for a, b in parse_ranges(self[day].data)
        )
        days_off = sorted(
            {
                dt.date.fromisoformat(x.strip()).isoformat()
                for x in (self.days_off.data or "").splitlines()
                if x.strip()
            }
        )
        return Availability(
            enabled=bool(self.enabled.data),
            hours=hours,
            days_off=tuple(days_off),
            call_minutes=self.call_minutes.data,
            buffer_minutes=self.buffer_minutes.data,
            notice_hours=self.notice_hours.data,
            horizon_days=self.horizon_days.data,
            details=self.details.data or "",
            offer_to=tuple(
                v for v in BOOKING_VERDICTS if v in (self.offer_to.data or ())
            ),
            feed_token_hash=old.feed_token_hash,
            suggest_booking=bool(self.suggest_booking.data),
        )


DAY_FIELDS = tuple((day, WEEKDAY_NAMES[day]) for day in WEEKDAYS)


class SlotForm(Form):
    """The slot chosen (its UTC start) and the prospect's time zone."""

    slot = StringField("Time", filters=[_strip], validators=[Length(max=40)])
    tz = HiddenField(filters=[_strip], validators=[Length(max=64)])

    def validate_slot(self, field):
        if not field.data:
            raise ValidationError("Please choose a time for the call.")


class CancelForm(Form):
    """Cancel the call (CSRF only)."""


class NotesForm(Form):
    """What was agreed in the consultation call (see agreement.Agreed). The areas'
    choices are the questionnaire's, set by `for_questionnaire`."""

    call_date = DateField(
        "Date of the call",
        validators=[InputRequired("Please give the date of the call.")],
    )
    areas = _Checkboxes("The areas agreed", choices=[])
    monthly_hours = BoundedIntegerField(
        "Hours of support a month",
        validators=[Optional(), _a_number, NumberRange(1, agreement.MAX_HOURS)],
        # text, not type=number: what was typed is shown again as typed, validly
        widget=TextInput(),
        render_kw={"inputmode": "numeric"},
    )
    start_date = DateField("Start date", validators=[Optional()])
    reviews = _Checkboxes(
        "The reviews agreed",
        choices=[SelectChoice(c, name) for c, name in CADENCES.items()],
    )
    roles = TextAreaField(
        "The roles, and who decides what",
        filters=[_strip],
        validators=[Length(max=agreement.MAX_TEXT)],
        render_kw={"rows": 3},
    )
    reply_times = TextAreaField(
        "Reply times",
        filters=[_strip],
        validators=[Length(max=agreement.MAX_TEXT)],
        render_kw={"rows": 3},
    )
    channels = TextAreaField(
        "Channels",
        filters=[_strip],
        validators=[Length(max=agreement.MAX_TEXT)],
        render_kw={"rows": 3},
    )
    working_hours = TextAreaField(
        "Working hours",
        filters=[_strip],
        validators=[Length(max=agreement.MAX_TEXT)],
        render_kw={"rows": 3},
    )
    other = TextAreaField(
        "Anything else agreed",
        filters=[_strip],
        validators=[Length(max=agreement.MAX_TEXT)],
        render_kw={"rows": 3},
    )

    def for_questionnaire(self, area_names: dict[str, str]) -> NotesForm:
        self.areas.choices = [SelectChoice(v, label) for v, label in area_names.items()]
        return self

    @classmethod
    def of(cls, agreed: agreement.Agreed) -> NotesForm:
        return cls(
            formdata=None,
            prefix="cn",
            data={
                **agreed.to_dict(),
                "call_date": agreed.call_date,
                "start_date": agreed.start_date,
                "monthly_hours": agreed.monthly_hours,
            },
        )

    def agreed(self) -> agreement.Agreed:
        return agreement.Agreed(
            call_date=self.call_date.data,
            areas=tuple(self.areas.data or ()),
            monthly_hours=self.monthly_hours.data,
            start_date=self.start_date.data,
            reviews=tuple(c for c in CADENCES if c in (self.reviews.data or ())),
            **{k: self[k].data or "" for k in agreement.TEXTS},
        )


MAX_FIRST_STEPS = 12


class FollowUpForm(Form):
    """Settings, Follow-up: the reminder of an unopened proposal and the welcome
    e-mail's first steps."""

    proposal_reminder_days = BoundedIntegerField(
        "Remind a prospect who has not opened the proposal after (days)",
        validators=[InputRequired(), _a_number, NumberRange(0, 60)],
    )
    first_steps = TextAreaField(
        "First steps for a new client, one a line",
        filters=[_strip],
        validators=[Length(max=4000)],
    )

    def validate_first_steps(self, field):
        lines = [x for x in (field.data or "").splitlines() if x.strip()]
        if len(lines) > MAX_FIRST_STEPS:
            raise ValidationError(f"List at most {MAX_FIRST_STEPS} steps.")
        if any(len(x) > 300 for x in lines):
            raise ValidationError("Keep each step under 300 characters.")

    @classmethod
    def of(cls, practice) -> FollowUpForm:
        return cls(
            formdata=None,
            data={
                "proposal_reminder_days": practice.proposal_reminder_days,
                "first_steps": "\n".join(practice.first_steps),
            },
        )

    def steps(self) -> tuple[str, ...]:
        return tuple(
            x.strip() for x in (self.first_steps.data or "").splitlines() if x.strip()
        )
