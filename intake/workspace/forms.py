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
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
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
from ..forms import Form, SubForm
from ..models import PIPELINE
from ..practice import (
    CADENCES,
    CHANNELS,
    CURRENCIES,
    NEW_SUBMISSION_MAIL,
    PAPER_SIZES,
    WEEKDAY_NAMES,
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


class BoundedIntegerField(IntegerField):
    """WTForms' IntegerField, but a number too large for a float (NumberRange compares
    through one: an OverflowError, a 500) is refused as out of range, or as not a
    number where the field has no range."""

    LARGEST = 10**15

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > self.LARGEST:
            self.data = None  # NumberRange then refuses it with its own message
            if not any(isinstance(v, NumberRange) for v in self.validators):
                raise ValueError(self.gettext("Not a valid integer value."))


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


_TIME = Regexp(
    r"^([01]\d|2[0-3]):[0-5]\d$", message="Use a 24-hour time such as 09:00."
)


class PackageForm(SubForm):
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
    # the questionnaire's own areas (choices set by SettingsForm from the active
    # questionnaire), and free text for anything else
    service_areas = MultiCheckboxField("Areas it covers", choices=[])
    other_areas = TextAreaField(
        "Other areas it covers, one per line",
        validators=[Length(max=2000)],
    )
    reviews = MultiCheckboxField("Reviews included", choices=_choices(CADENCES.items()))
    description = TextAreaField("Short description", validators=[Length(max=500)])
    add_ons = TextAreaField(
        "Optional add-ons, one per line: name | price a month | area (optional, "
        "e.g. research)",
        validators=[Length(max=1000)],
    )

    def validate_add_ons(self, field):
        for line in _lines(field.data):
            name, _, price = split_add_on(line)[0].rpartition("|")
            if not name.strip() or not re.fullmatch(
                r"\s*\d{1,7}(\.\d{1,2})?\s*", price
            ):
                raise ValidationError(
                    f"Write each add-on as: name | price (not “{line[:60]}”)."
                )

    def is_blank(self) -> bool:
        return not (
            self.name.data or self.monthly_hours.data or self.monthly_price.data
        )


def split_add_on(line: str) -> tuple[str, str]:
    """('name | price', area) of an add-on line; area "" when none is named."""
    head, _, last = line.rpartition("|")
    if head and "|" in head and re.fullmatch(r"\s*[a-z_]+\s*", last):
        return head, last.strip()
    return line, ""


def _area_choices() -> list[SelectChoice]:
    """The areas question's choices of the active questionnaire."""
    question = registry.active().by_role("service_areas")
    return _choices((c.value, c.label) for c in question.choices) if question else []


class SettingsForm(Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = _area_choices()
        for entry in self.packages:
            entry.form.service_areas.choices = areas

    name = StringField("Practice name", validators=[DataRequired(), Length(max=120)])
    email = StringField(
        "Contact e-mail", validators=[DataRequired(), Email(), Length(max=254)]
    )
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    website = StringField(
        "Website", validators=[Optional(), URL(require_tld=True), Length(max=200)]
    )
    booking_url = StringField(
        "Booking link for consultations",
        validators=[Optional(), URL(require_tld=True), Length(max=300)],
    )
    brand_colour = StringField(
        "Brand colour",
        validators=[
            DataRequired(),
            Regexp(r"^#[0-9a-fA-F]{6}$", message="Use a colour like #1f5f8b."),
        ],
    )
    currency = SelectField("Currency", choices=_choices((c, c) for c in CURRENCIES))
    country = StringField(
        "Country (two-letter code, e.g. US, GB, NZ)",
        validators=[
            Optional(),
            Regexp(r"^[A-Za-z]{2}$", message="Use a two-letter code such as US."),
        ],
    )
    paper_size = SelectField(
        "Proposal paper size",
        choices=_choices(
            [("auto", "As used in the country (Letter in North America)")]
            + [(p, p) for p in PAPER_SIZES]
        ),
    )
    proposal_valid_days = BoundedIntegerField(
        "Proposal valid for (days)", validators=[InputRequired(), NumberRange(1, 365)]
    )
    new_submission_mail = SelectField(
        "E-mail me about new questionnaires",
        choices=_choices(NEW_SUBMISSION_MAIL.items()),
    )
    tailored_thanks = BooleanField("Tailor the thank-you page to the verdict")

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
    time_zone = StringField(
        "Time zone of your office hours (e.g. America/New_York, Europe/London; "
        "empty: your country's usual one)",
        validators=[Optional(), Length(max=60)],
    )

    def validate_time_zone(self, field):
        if field.data and not is_time_zone(field.data):
            raise ValidationError(
                "Use a time zone name such as Europe/London or America/New_York."
            )

    cadences = MultiCheckboxField(
        "Reviews you hold with clients", choices=_choices(CADENCES.items())
    )
    out_of_scope = TextAreaField(
        "Out of scope, one item per line", validators=[Length(max=3000)]
    )

    packages = FieldList(FormField(PackageForm), min_entries=4, max_entries=6)

    consultant_name = StringField(
        "Your name (signs proposals and letters)",
        validators=[Optional(), Length(max=80)],
    )
    consultant_role = StringField("Your role", validators=[Optional(), Length(max=80)])
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
    referrals = TextAreaField(
        "People you refer prospects to, one per line: name | link | occasional or "
        "project (optional)",
        validators=[Length(max=3000)],
    )
    about = TextAreaField(
        "About you, for the proposal's “Who we are” (optional)",
        validators=[Length(max=1200)],
    )
    years = IntegerField(
        "Years of experience (optional)",
        default=0,
        validators=[Optional(), NumberRange(0, 80)],
    )
    testimonials = TextAreaField(
        "Up to three short testimonials, one per line: words | who said them",
        validators=[Length(max=1500)],
    )

    def validate_testimonials(self, field):
        if len(_lines(field.data)) > 3:
            raise ValidationError("Give at most three testimonials.")

    logo = FileField(f"Logo (PNG or JPEG, at most {LOGO_LIMIT_WORDS})")
    remove_logo = BooleanField("Remove the logo")

    def validate_office_end(self, field):
        if (
            self.office_start.data
            and field.data
            and field.data <= self.office_start.data
        ):
            raise ValidationError("The end of office hours must be after the start.")

    def validate_packages(self, field):
        filled = [p for p in field if not p.form.is_blank()]
        if not filled:
            raise ValidationError("Offer at least one package.")
        names = set()
        for entry in filled:
            sub = entry.form
            for f in (sub.name, sub.monthly_hours, sub.monthly_price):
                if not f.data and f.data != 0:
                    f.errors = list(f.errors) + ["Required for a package."]
                    raise ValidationError(
                        "Each package needs a name, hours and a price."
                    )
            if sub.name.data.lower() in names:
                sub.name.errors = list(sub.name.errors) + [
                    "Two packages have this name."
                ]
                raise ValidationError("Package names must differ.")
            names.add(sub.name.data.lower())

    def validate_website(self, field):
        _http_only(field)

    def validate_booking_url(self, field):
        _http_only(field)


def _http_only(field):
    if field.data and not re.match(r"^https?://", field.data, re.I):
        raise ValidationError("Use a web address starting with https://")
