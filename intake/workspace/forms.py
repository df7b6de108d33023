"""Forms of the consultant's workspace."""

from __future__ import annotations

import re

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import ColorField
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from .. import registry
from ..documents.logo import LIMIT_WORDS as LOGO_LIMIT_WORDS
from ..forms import BoundedIntegerField, Form, SubForm
from ..models import PIPELINE
from ..practice import (
    CADENCES,
    CHANNELS,
    CURRENCIES,
    DEFAULT_BRAND,
    MAX_TESTIMONIALS,
    NEW_SUBMISSION_MAIL,
    PAPER_SIZES,
    WEEKDAY_NAMES,
    is_brand_hex,
)
from ..proposal.content import MAX_COVER_NOTE, SECTIONS
from ..proposal.schedule import is_time_zone
from ..questionnaire.scoring import VERDICTS
from ..security import normalise_identity
from .queries import SORTS

REPLY_CHOICES = [
    (1, "1 hour"),
    (4, "4 working hours"),
    (8, "1 business day"),
    (16, "2 business days"),
    (24, "3 business days"),
]


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(Form):
    # normalised here, once: the account lookup and the sign-in limits use this value
    email = StringField(
        "E-mail",
        validators=[DataRequired(), Length(max=254)],
        filters=[normalise_identity],
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=500)])
    next = HiddenField()


class ListFilterForm(Form):
    """The list's query string: every value checked, anything odd falls back to the default."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=100)])
    verdict = SelectField(
        "Verdict",
        default="",
        choices=_choices(
            [("", "Any verdict")] + [(v, v.capitalize()) for v in VERDICTS]
        ),
    )
    status = SelectField(
        "Status",
        default="",
        choices=_choices([("", "Any status")] + list(PIPELINE.items())),
    )
    date_from = DateField("Submitted from", validators=[Optional()])
    date_to = DateField("to", validators=[Optional()])
    sort = StringField(filters=[lambda v: v if v in SORTS else "submitted"])
    direction = StringField(filters=[lambda v: v if v in ("asc", "desc") else "desc"])
    attention = BooleanField("Needs attention only")
    page = BoundedIntegerField(
        default=1, validators=[Optional(), NumberRange(min=1, max=100000)]
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The end date is before the start date.")


class NoteForm(Form):
    body = TextAreaField(
        "Add a note",
        validators=[DataRequired("Please write the note first."), Length(max=5000)],
    )


class StatusForm(Form):
    status = SelectField("Pipeline status", choices=_choices(PIPELINE.items()))


class DeleteForm(Form):
    confirm = BooleanField(
        "I understand this permanently deletes the prospect's answers, notes and proposals.",
        validators=[DataRequired("Please tick the box to confirm the deletion.")],
    )


class OverrideForm(Form):
    package = SelectField("Package to propose", choices=[])


class ProposalEditsForm(Form):
    """What the consultant changes before sending the proposal."""

    cover_note = TextAreaField(
        "A note at the top of the proposal (optional)",
        validators=[Length(max=MAX_COVER_NOTE)],
    )
    leave_out = MultiCheckboxField(
        "Sections to leave out", choices=_choices(SECTIONS.items())
    )
    offer = SelectField(
        "When the needs exceed the budget, offer",
        choices=_choices(
            [
                ("both", "Both packages side by side"),
                ("recommended", "Only the recommended package"),
                ("budget", "Only the package within the budget"),
            ]
        ),
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# ---- settings: one form per section (intake/workspace/settings_form.py joins them) ----

_TIME = Regexp(
    r"^([01]\d|2[0-3]):[0-5]\d$", message="Use a 24-hour time such as 09:00."
)
_PRICE = Regexp(r"^\d{1,7}(\.\d{1,2})?$", message="Use a price such as 150 or 99.50.")
BRAND_HEX_MESSAGE = f"Use a colour like {DEFAULT_BRAND}."
MAX_ADD_ONS = 8
MAX_REFERRALS = 20
REFERRAL_KINDS = {
    "": "Anyone who is not a fit",
    "occasional": "People who want help now and then",
    "project": "People with a one-off project",
}


class _Row(SubForm):
    """A row of a list in Settings: blank rows and rows ticked "Remove" are dropped."""

    remove = BooleanField("Remove")
    FILLED: tuple[str, ...] = ()  # the fields that make a row more than blank

    def is_blank(self) -> bool:
        return not any(getattr(self, name).data for name in self.FILLED)

    def is_kept(self) -> bool:
        return not (self.remove.data or self.is_blank())


def _require(row: _Row, names: tuple[str, ...], message: str) -> bool:
    """Put `message` beside each empty field of a kept row; True when none was."""
    ok = True
    for name in names:
        field = getattr(row, name)
        if not field.data and field.data != 0:
            field.errors = [*field.errors, message]
            ok = False
    return ok


class AddOnForm(_Row):
    name = StringField("Add-on", validators=[Length(max=120)])
    monthly_price = StringField("Price a month", validators=[Optional(), _PRICE])
    # the questionnaire's area it covers; choices set by PackagesSection
    area = SelectField(
        "Covers the area",
        choices=[],
        validate_choice=False,  # an area of an older questionnaire stays
        validators=[Length(max=40)],
    )
    FILLED = ("name", "monthly_price")


class PackageForm(_Row):
    name = StringField("Name", validators=[Optional(), Length(max=60)])
    monthly_hours = BoundedIntegerField(
        "Hours a month", validators=[Optional(), NumberRange(1, 400)]
    )
    monthly_price = BoundedIntegerField(
        "Price a month", validators=[Optional(), NumberRange(0, 1_000_000)]
    )
    max_areas = BoundedIntegerField(
        "Service areas it covers (0 = any)",
        default=0,
        validators=[Optional(), NumberRange(0, 30)],
    )
    # the questionnaire's own areas (choices set by PackagesSection from the active
    # questionnaire), and free text for anything else
    service_areas = MultiCheckboxField("Areas it covers", choices=[])
    other_areas = TextAreaField(
        "Other areas it covers, one per line",
        validators=[Length(max=2000)],
    )
    reviews = MultiCheckboxField("Reviews included", choices=_choices(CADENCES.items()))
    description = TextAreaField("Short description", validators=[Length(max=500)])
    add_ons = FieldList(FormField(AddOnForm), max_entries=MAX_ADD_ONS)
    remove = BooleanField("Remove this package")
    FILLED = ("name", "monthly_hours", "monthly_price")

    def validate_add_ons(self, field):
        kept = [e.form for e in field if e.form.is_kept()]
        if not all(
            [
                _require(row, ("name", "monthly_price"), "Required for an add-on.")
                for row in kept
            ]
        ):
            raise ValidationError("Each add-on needs a name and a price.")


def _area_choices() -> list[SelectChoice]:
    """The areas question's choices of the active questionnaire."""
    question = registry.active().by_role("service_areas")
    return _choices((c.value, c.label) for c in question.choices) if question else []


class PracticeSection(Form):
    name = StringField("Practice name", validators=[DataRequired(), Length(max=120)])
    email = StringField(
        "Contact e-mail", validators=[DataRequired(), Email(), Length(max=254)]
    )
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    website = StringField(
        "Website", validators=[Optional(), URL(require_tld=True), Length(max=200)]
    )
    country = StringField(
        "Country (two-letter code, e.g. US, GB, NZ)",
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z]{2}$", message="Use a two-letter code such as US."),
        ],
    )
    time_zone = StringField(
        "Time zone (e.g. America/New_York, Europe/London; empty: your country's "
        "usual one)",
        validators=[Optional(), Length(max=60)],
    )
    currency = SelectField("Currency", choices=_choices((c, c) for c in CURRENCIES))

    def validate_time_zone(self, field):
        if field.data and not is_time_zone(field.data):
            raise ValidationError(
                "Use a time zone name such as Europe/London or America/New_York."
            )

    def validate_website(self, field):
        _http_only(field)


class BrandSection(Form):
    # a colour picker: a browser always sends #rrggbb; anything else is refused and
    # the page shows the saved colour again, with what was sent in the message
    brand_colour = ColorField("Brand colour", validators=[Length(max=7)])
    logo = FileField(f"Logo (PNG or JPEG, at most {LOGO_LIMIT_WORDS})")
    remove_logo = BooleanField("Remove the logo")

    def validate_brand_colour(self, field):
        if not is_brand_hex(field.data):
            field.errors[:] = []  # this message alone, quoting what was sent
            refused = (field.data or "")[:40]
            raise ValidationError(
                f"{BRAND_HEX_MESSAGE} (not “{refused}”)"
                if refused
                else BRAND_HEX_MESSAGE
            )


class StandardsSection(Form):
    office_days = MultiCheckboxField(
        "Office days",
        choices=_choices(WEEKDAY_NAMES.items()),
        validators=[DataRequired("Choose at least one office day.")],
    )
    office_start = StringField("Office hours from", validators=[DataRequired(), _TIME])
    office_end = StringField("to", validators=[DataRequired(), _TIME])
    reply_hours = SelectField("Reply time", choices=_choices(REPLY_CHOICES), coerce=int)
    channels = MultiCheckboxField(
        "Channels you offer",
        choices=_choices(CHANNELS.items()),
        validators=[DataRequired("Choose at least one channel.")],
    )
    weekends = BooleanField("We work at weekends")
    cadences = MultiCheckboxField(
        "Reviews you hold with clients", choices=_choices(CADENCES.items())
    )
    out_of_scope = TextAreaField(
        "Out of scope, one item per line", validators=[Length(max=3000)]
    )

    def validate_office_end(self, field):
        if (
            self.office_start.data
            and field.data
            and field.data <= self.office_start.data
        ):
            raise ValidationError("The end of office hours must be after the start.")


class PackagesSection(Form):
    packages = FieldList(FormField(PackageForm), min_entries=1, max_entries=6)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = _area_choices()
        for entry in self.packages:
            entry.form.service_areas.choices = areas
            for add_on in entry.form.add_ons:
                own = add_on.form.area.data or ""
                listed = [SelectChoice("", "No particular area"), *areas]
                if own and own not in {c.value for c in listed}:
                    listed.append(SelectChoice(own, own))
                add_on.form.area.choices = listed

    def validate_packages(self, field):
        kept = [p.form for p in field if p.form.is_kept()]
        if not kept:
            raise ValidationError("Offer at least one package.")
        names = set()
        for sub in kept:
            if not _require(sub, sub.FILLED, "Required for a package."):
                raise ValidationError("Each package needs a name, hours and a price.")
            if sub.name.data.lower() in names:
                sub.name.errors = [*sub.name.errors, "Two packages have this name."]
                raise ValidationError("Package names must differ.")
            names.add(sub.name.data.lower())


class ReferralForm(_Row):
    name = StringField("Name", validators=[Length(max=120)])
    url = StringField(
        "Link (optional)",
        validators=[Optional(), URL(require_tld=True), Length(max=300)],
    )
    kind = SelectField("Suggested to", choices=_choices(REFERRAL_KINDS.items()))
    FILLED = ("name", "url")

    def validate_url(self, field):
        _http_only(field)


class ReferralsSection(Form):
    referrals = FieldList(FormField(ReferralForm), max_entries=MAX_REFERRALS)

    def validate_referrals(self, field):
        kept = [e.form for e in field if e.form.is_kept()]
        if not all([_require(r, ("name",), "Required for a referral.") for r in kept]):
            raise ValidationError("Each referral needs a name.")


class ProposalSection(Form):
    consultant_name = StringField(
        "Your name (signs proposals and letters)",
        validators=[Optional(), Length(max=80)],
    )
    consultant_role = StringField("Your role", validators=[Optional(), Length(max=80)])
    proposal_valid_days = BoundedIntegerField(
        "Proposal valid for (days)", validators=[InputRequired(), NumberRange(1, 365)]
    )
    paper_size = SelectField(
        "Proposal paper size",
        choices=_choices(
            [("auto", "As used in the country (Letter in North America)")]
            + [(p, p) for p in PAPER_SIZES]
        ),
    )
    notice_days = BoundedIntegerField(
        "Notice period (days)", validators=[InputRequired(), NumberRange(0, 365)]
    )
    extra_hour_rate = BoundedIntegerField(
        "Rate for extra hours (0 = your packages' highest hourly rate)",
        default=0,
        validators=[Optional(), NumberRange(0, 100_000)],
    )
    payment_terms = StringField(
        "Payment terms", validators=[Optional(), Length(max=300)]
    )
    about = TextAreaField(
        "About you, for the proposal's “Who we are” (optional)",
        validators=[Length(max=1200)],
    )
    years = BoundedIntegerField(
        "Years of experience (optional)",
        default=0,
        validators=[Optional(), NumberRange(0, 80)],
    )
    testimonials = TextAreaField(
        "Up to three short testimonials, one per line: words | who said them",
        validators=[Length(max=1500)],
    )

    def validate_testimonials(self, field):
        if len(_lines(field.data)) > MAX_TESTIMONIALS:
            raise ValidationError("Give at most three testimonials.")


class MailSection(Form):
    new_submission_mail = SelectField(
        "E-mail me about new questionnaires",
        choices=_choices(NEW_SUBMISSION_MAIL.items()),
    )


class ThanksSection(Form):
    tailored_thanks = BooleanField("Tailor the thank-you page to the verdict")
    booking_url = StringField(
        "Booking link for consultations",
        validators=[Optional(), URL(require_tld=True), Length(max=300)],
    )

    def validate_booking_url(self, field):
        _http_only(field)


def _http_only(field):
    if field.data and not re.match(r"^https?://", field.data, re.I):
        field.errors[:] = []  # this says it more plainly than URL()'s "Invalid URL."
        raise ValidationError("Use a web address starting with https://")
