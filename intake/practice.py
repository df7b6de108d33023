"""The practice's own details, standards and packages: plain data with sensible defaults.

Stored as JSON in the database (see intake.practice_store); the pure domain code (gaps,
recommendation) receives these objects as arguments.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import Any

# the words (intake/words.py), under the names other modules import from here
from .words import CURRENCIES as CURRENCIES
from .words import WEEKDAY_NAMES as WEEKDAY_NAMES
from .words import WEEKDAYS as WEEKDAYS
from .words import describe_days as describe_days
from .words import describe_hours as describe_hours
from .words import format_money as format_money
from .words import join_words as join_words

CHANNELS = {
    "email": "E-mail",
    "phone": "Phone calls",
    "video": "Video calls",
    "chat": "Team chat (Slack, Teams)",
    "text": "Text messages",
    "in_person": "Meeting in person",
}
# the same channels as words inside a sentence
CHANNEL_WORDS = {
    "email": "e-mail",
    "phone": "phone calls",
    "video": "video calls",
    "chat": "team chat",
    "text": "text messages",
    "in_person": "meetings in person",
}
CADENCES = {
    "weekly": "Weekly check-in",
    "monthly": "Monthly operational review",
    "quarterly": "Quarterly business review",
    "annual": "Annual partnership review",
}
PAPER_SIZES = ("A4", "Letter")
# countries that use US Letter paper; every other country uses A4
LETTER_COUNTRIES = frozenset({"US", "CA", "MX", "PH", "CL", "CO", "VE", "GT", "PR"})
# the brand colour: one rule for what a colour is and one fallback, for the pages
# (/brand.css), the e-mails and the PDFs (all read Practice.brand)
DEFAULT_BRAND = "#1f5f8b"
_BRAND_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def is_brand_hex(value: object) -> bool:
    """True for a colour written #rrggbb."""
    return isinstance(value, str) and _BRAND_HEX.fullmatch(value) is not None


NEW_SUBMISSION_MAIL = {
    "each": "An e-mail for each new questionnaire",
    "daily": "One digest a day",
    "none": "No e-mail",
}


@dataclass(frozen=True)
class AddOn:
    """An optional extra a client may add to a package, at a monthly price; `area` is
    the questionnaire's area it covers (a choice value), "" when none."""

    name: str
    monthly_price: float
    area: str = ""


@dataclass(frozen=True)
class Package:
    name: str
    monthly_hours: int
    monthly_price: int
    # the areas it covers: values of the questionnaire's areas question (see
    # AREA_WORDS), or free text for anything else
    service_areas: tuple[str, ...]
    reviews: tuple[str, ...]  # cadence ids included
    description: str = ""
    max_areas: int = 0  # how many service areas it comfortably covers
    add_ons: tuple[AddOn, ...] = ()

    @property
    def hourly(self) -> float:
        return self.monthly_price / self.monthly_hours if self.monthly_hours else 0.0


@dataclass(frozen=True)
class Referral:
    """Someone the practice trusts to refer a prospect to (in the letter)."""

    name: str
    url: str = ""
    kind: str = ""  # "occasional" | "project" | "" (any)


@dataclass(frozen=True)
class Testimonial:
    """A short word from a client, for the proposal's About section."""

    quote: str
    who: str = ""


MAX_TESTIMONIALS = 3


@dataclass(frozen=True)
class Standards:
    office_days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    office_start: str = "09:00"
    office_end: str = "17:00"
    reply_hours: int = 8  # working hours: 8 = one business day
    channels: tuple[str, ...] = ("email", "video", "chat")
    out_of_scope: tuple[str, ...] = (
        "Work outside office hours or at weekends",
        "Personal errands unrelated to the business",
        "Bookkeeping that needs a qualified accountant",
    )
    cadences: tuple[str, ...] = ("weekly", "monthly", "quarterly", "annual")
    weekends: bool = False
    time_zone: str = ""  # IANA name; "" for the usual one of the practice's country

    @property
    def reply_words(self) -> str:
        return describe_hours(self.reply_hours)

    @property
    def days_words(self) -> str:
        return describe_days(self.office_days)


# the verdicts a practice may offer booking to (intake.questionnaire.scoring's words)
BOOKING_VERDICTS = ("strong fit", "possible fit", "not a fit")


@dataclass(frozen=True)
class Availability:
    """When prospects may book the consultation call, in the practice's time zone
    (time_zone_of). The practice's: whether times are offered, to which verdicts, how
    to join; its hours are the owner's until the owner sets their own. A member's own
    (Practice.member_availability): the hours, days off, length, break, notice, horizon."""

    # offer free slots on the thank-you page; off until the practice sets its hours
    enabled: bool = False
    # (weekday, "HH:MM", "HH:MM"): the hours for calls, several per day allowed
    hours: tuple[tuple[str, str, str], ...] = tuple(
        (day, start, end)
        for day in ("mon", "tue", "wed", "thu", "fri")
        for start, end in (("10:00", "12:00"), ("14:00", "16:00"))
    )
    days_off: tuple[str, ...] = ()  # ISO dates, "2026-12-25"
    call_minutes: int = 45
    buffer_minutes: int = 15
    notice_hours: int = 24  # the earliest slot offered is this far from now
    horizon_days: int = 21  # and the last no further ahead than this
    details: str = ""  # how to join: the video link or the phone number
    offer_to: tuple[str, ...] = ("strong fit", "possible fit")  # verdicts offered slots
    # the prospect's page suggests a call before a proposal is sent, when no
    # consultation notes are recorded
    suggest_booking: bool = True
    # the SHA-256 of the consultant's calendar feed token; "" for no feed
    feed_token_hash: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Availability:
        kw = _known(cls, data)
        if "hours" in kw:
            kw["hours"] = tuple(
                tuple(str(x) for x in h) for h in kw["hours"] if len(h) == 3
            )
        return cls(**kw)


@dataclass(frozen=True)
class Practice:
    name: str = "Northway Administrative Partners"
    email: str = "hello@northway.example"
    phone: str = ""
    website: str = ""
    booking_url: str = ""
    brand_colour: str = DEFAULT_BRAND  # as set; read it through .brand
    currency: str = "USD"
    country: str = "US"  # ISO 3166 code; picks the paper size when that is "auto"
    paper_size: str = "auto"  # "auto" | "A4" | "Letter"
    proposal_valid_days: int = 30
    # how consultants hear of a new questionnaire: "each" (one e-mail per
    # questionnaire), "daily" (one digest a day) or "none"
    new_submission_mail: str = "each"
    # the thank-you page tailored to the verdict; off: the same warm page for everyone
    tailored_thanks: bool = False
    standards: Standards = field(default_factory=Standards)
    packages: tuple[Package, ...] = ()
    # the terms a client accepts, and who signs
    consultant_name: str = ""
    consultant_role: str = "Administrative Consultant"
    notice_days: int = 30
    extra_hour_rate: float = 0  # 0: the smallest package's hourly rate
    payment_terms: str = "Invoiced monthly in advance, payable within 14 days."
    referrals: tuple[Referral, ...] = ()
    logo: str = ""  # base64 PNG, re-encoded on upload; "" for none
    # the proposal's optional "Who we are": shown only when something is filled in
    about: str = ""  # a short bio of the consultant or the practice
    years: int = 0  # years of experience; 0 for not said
    testimonials: tuple[Testimonial, ...] = ()  # at most MAX_TESTIMONIALS
    availability: Availability = field(default_factory=Availability)
    # per team member (issue 24): each member's own hours for calls, by their id as
    # text; the owner without their own uses `availability` (migration 0017 copied it)
    member_availability: dict[str, Availability] = field(default_factory=dict)
    # who takes new prospects: "" (the owner), a member's id as text, "round_robin"
    # (in turn among those free) or "first_free" (whoever is free first)
    new_prospects_to: str = ""
    # each member's own calendar feed: the SHA-256 of its token, by member id as text
    member_feeds: dict[str, str] = field(default_factory=dict)
    # follow-up (issue 24): one reminder of a proposal unopened this many days (0: none)
    proposal_reminder_days: int = 3
    # the first steps listed in the welcome e-mail after acceptance; () for none
    first_steps: tuple[str, ...] = ()

    @property
    def paper(self) -> str:
        """'A4' or 'Letter': the setting, or the paper used in the practice's country."""
        if self.paper_size in PAPER_SIZES:
            return self.paper_size
        return "Letter" if (self.country or "").upper() in LETTER_COUNTRIES else "A4"

    @property
    def brand(self) -> str:
        """The brand colour, #rrggbb in lower case: the setting, or the default when
        what is stored is not a colour."""
        return (
            self.brand_colour.lower()
            if is_brand_hex(self.brand_colour)
            else DEFAULT_BRAND
        )

    @property
    def extra_hours_price(self) -> float:
        """The price of an hour beyond a package's allowance."""
        if self.extra_hour_rate and self.extra_hour_rate > 0:
            return float(self.extra_hour_rate)
        rates = [p.hourly for p in self.packages if p.hourly]
        return round(max(rates), 2) if rates else 0.0

    @property
    def reply_time_words(self) -> str:
        return self.standards.reply_words

    @property
    def questionnaire_words(self) -> dict[str, str]:
        """The {placeholders} of the questionnaire's texts, in this practice's words."""
        std = self.standards
        return {
            "reply_time": std.reply_words,
            "office_hours": f"{std.days_words}, {std.office_start}–{std.office_end}",
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Practice:
        """Rebuild from stored JSON; unknown keys are ignored, missing ones defaulted."""
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in data.items() if k in names}
        std_names = {f.name for f in fields(Standards)}
        std = {k: v for k, v in (data.get("standards") or {}).items() if k in std_names}
        values: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in std.items()
        }
        kw["standards"] = Standards(**values)
        kw["packages"] = tuple(
            _package(p) for p in data.get("packages") or DEFAULT_PACKAGES_DATA
        )
        kw["referrals"] = tuple(
            Referral(**_known(Referral, r)) for r in data.get("referrals") or ()
        )
        kw["testimonials"] = tuple(
            Testimonial(**_known(Testimonial, t))
            for t in (data.get("testimonials") or ())[:MAX_TESTIMONIALS]
        )
        kw["availability"] = Availability.from_dict(data.get("availability") or {})
        kw["member_availability"] = {
            str(k): Availability.from_dict(v or {})
            for k, v in (data.get("member_availability") or {}).items()
        }
        kw["member_feeds"] = {
            str(k): str(v) for k, v in (data.get("member_feeds") or {}).items()
        }
        kw["first_steps"] = tuple(str(x) for x in data.get("first_steps") or ())
        return cls(**kw)


def _known(cls: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    """The keys of `data` that are fields of the dataclass, lists made tuples."""
    names = {f.name for f in fields(cls)}
    return {
        k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names
    }


def _package(data: dict[str, Any]) -> Package:
    kw = _known(Package, data)
    kw["add_ons"] = tuple(AddOn(**_known(AddOn, a)) for a in data.get("add_ons") or ())
    kw["service_areas"] = area_values(kw.get("service_areas") or ())
    return Package(**kw)


# The values of the default questionnaire's areas question, with the words that name
# each in free text: a package's areas written before they were chosen from the list
# ("Inbox and calendar") read as the value ("inbox_calendar").
AREA_WORDS: dict[str, tuple[str, ...]] = {
    "inbox_calendar": ("inbox", "calendar", "diary", "appointment", "scheduling"),
    "client_care": ("client", "customer"),
    "bookkeeping_admin": ("bookkeeping", "billing", "invoic", "expense"),
    "events": ("event", "travel", "workshop"),
    "hiring_onboarding": ("hiring", "recruit", "onboarding"),
    "projects": ("project", "launch"),
    "marketing_admin": ("marketing", "newsletter", "social media", "listing"),
    "systems_processes": ("system", "process", "tool"),
    "documents": ("document", "filing", "template", "report"),
    "research": ("research", "information gathering"),
}


def area_values(areas: Iterable[str]) -> tuple[str, ...]:
    """A package's areas with known words made the questionnaire's values; anything
    else stays as free text. Order kept, duplicates dropped."""
    out: list[str] = []
    for area in areas:
        text = str(area).strip()
        words = text.casefold()
        found = (
            [text]
            if text in AREA_WORDS
            else [v for v, keys in AREA_WORDS.items() if any(k in words for k in keys)]
        )
        out += [v for v in (found or [text]) if v and v not in out]
    return tuple(out)


# the usual time zone of a country, when the practice has not chosen one
COUNTRY_ZONES = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "GB": "Europe/London",
    "IE": "Europe/Dublin",
    "AU": "Australia/Sydney",
    "NZ": "Pacific/Auckland",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "NL": "Europe/Amsterdam",
    "CH": "Europe/Zurich",
}


def time_zone_of(practice: Practice) -> str:
    """The practice's IANA time zone: its setting, or its country's usual one."""
    chosen = (practice.standards.time_zone or "").strip()
    return chosen or COUNTRY_ZONES.get((practice.country or "").upper(), "UTC")


DEFAULT_PACKAGES_DATA: tuple[dict[str, Any], ...] = (
    {
        "name": "Foundation",
        "monthly_hours": 10,
        "monthly_price": 650,
        "service_areas": ["inbox_calendar", "client_care", "documents"],
        "reviews": ["monthly", "quarterly", "annual"],
        "description": "Steady support for the essentials, so the day-to-day stops "
        "landing on your desk.",
        "max_areas": 3,
        "add_ons": [
            {
                "name": "Marketing admin: newsletters and scheduling",
                "monthly_price": 200,
                "area": "marketing_admin",
            },
            {
                "name": "Research on request",
                "monthly_price": 150,
                "area": "research",
            },
        ],
    },
    {
        "name": "Partner",
        "monthly_hours": 20,
        "monthly_price": 1250,
        "service_areas": [
            "inbox_calendar",
            "client_care",
            "documents",
            "bookkeeping_admin",
            "systems_processes",
            "marketing_admin",
            "research",
        ],
        "reviews": ["weekly", "monthly", "quarterly", "annual"],
        "description": "A right hand across several functions, with time set aside "
        "each week to plan ahead together.",
        "max_areas": 5,
    },
    {
        "name": "Strategic Partner",
        "monthly_hours": 40,
        "monthly_price": 2400,
        "service_areas": [
            "inbox_calendar",
            "client_care",
            "documents",
            "bookkeeping_admin",
            "systems_processes",
            "marketing_admin",
            "research",
            "projects",
            "events",
            "hiring_onboarding",
        ],
        "reviews": ["weekly", "monthly", "quarterly", "annual"],
        "description": "A partner in running the business: whole functions handed "
        "over, projects led, and a voice in where the business goes next.",
        "max_areas": 10,
    },
)


def default_practice() -> Practice:
    return Practice.from_dict({})
