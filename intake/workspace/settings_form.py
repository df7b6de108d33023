"""Settings in sections: the practice as each section's form, and a section's form back
into the practice.

Each section is a form of its own, posted to /workspace/settings/<key>, validated and
saved alone: an error in one shows beside its field, keeps what was typed there, and
leaves every other section as stored. A `Section` is

- `key`, `title`: its anchor (#key) and heading, in the page's index, in this order;
- `form`: its form class in intake/workspace/forms.py (`...Section`);
- `data(practice)`: the stored practice as the form's data (lists get empty rows to
  fill in, see `_rows`);
- `save(form, practice)`: the practice with this section's fields replaced, or None
  when a field is refused after validation (the logo: its reason is put on the field);
- its fields are rendered by templates/workspace/_settings_<key>.html, inside the form,
  the Save button and the messages that settings.html gives every section.

To add a setting: a field on its section's form, its value in `data`, its saving in
`save`, a line in the section's template (and a test posting that section only).

"consultation" has no form here: the calls' availability keeps its own form and route
(intake/workspace/call_sections.py, templates/workspace/_settings_availability.html),
shown in its place on the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from typing import Any

from wtforms import FieldList, FormField

from ..documents.logo import MAX_UPLOAD_BYTES, LogoRefused, logo_from_upload
from ..forms import Form
from ..practice import (
    CADENCES,
    MAX_TESTIMONIALS,
    AddOn,
    Package,
    Practice,
    Referral,
    Testimonial,
    area_values,
)
from . import forms
from .forms import _area_choices

EMPTY_ROWS = 2  # blank rows under a list, to add to it without JavaScript


@dataclasses.dataclass(frozen=True)
class Section:
    key: str
    title: str
    form: type[Form] | None = None
    data: Callable[[Practice], dict[str, Any]] | None = None
    save: Callable[[Any, Practice], Practice | None] | None = None
    multipart: bool = False  # a file upload in it


def _lines(text: str | None, limit: int = 20) -> tuple[str, ...]:
    return tuple(
        line.strip()[:200] for line in (text or "").splitlines() if line.strip()
    )[:limit]


def _rows(items: list[dict], most: int, empty: int = EMPTY_ROWS) -> list[dict]:
    """A list's rows as shown: its items, then a few empty rows (within `most`)."""
    return items + [{}] * max(0, min(empty, most - len(items)))


# ---- Practice ------------------------------------------------------------------------

_PRACTICE_FIELDS = ("name", "email", "phone", "website", "currency")


def _practice_data(practice: Practice) -> dict[str, Any]:
    return {
        **{name: getattr(practice, name) for name in _PRACTICE_FIELDS},
        "country": practice.country,
        "time_zone": practice.standards.time_zone,
    }


def _practice_save(form: forms.PracticeSection, practice: Practice) -> Practice:
    texts: dict[str, Any] = {n: getattr(form, n).data or "" for n in _PRACTICE_FIELDS}
    return dataclasses.replace(
        practice,
        **texts,
        country=(form.country.data or "").upper(),
        standards=dataclasses.replace(
            practice.standards, time_zone=form.time_zone.data or ""
        ),
    )


# ---- Brand ---------------------------------------------------------------------------


def _brand_data(practice: Practice) -> dict[str, Any]:
    return {"brand_colour": practice.brand}


def _brand_save(form: forms.BrandSection, practice: Practice) -> Practice | None:
    logo = _logo_of(form, practice)
    if logo is None:
        return None
    return dataclasses.replace(
        practice, brand_colour=form.brand_colour.data.lower(), logo=logo
    )


def _logo_of(form: forms.BrandSection, practice: Practice) -> str | None:
    """The logo to keep: the re-encoded upload, none, or the old one; None (with the
    reason on the field) when the upload is refused."""
    if form.remove_logo.data:
        return ""
    upload = form.logo.data
    if not getattr(upload, "filename", ""):
        return practice.logo
    try:
        return logo_from_upload(upload.stream.read(MAX_UPLOAD_BYTES + 1))
    except LogoRefused as exc:
        form.logo.errors = [*form.logo.errors, str(exc)]
        return None


# ---- Standards -----------------------------------------------------------------------


def _standards_data(practice: Practice) -> dict[str, Any]:
    std = practice.standards
    return {
        "office_days": list(std.office_days),
        "office_start": std.office_start,
        "office_end": std.office_end,
        "reply_hours": std.reply_hours,
        "channels": list(std.channels),
        "weekends": std.weekends,
        "cadences": list(std.cadences),
        "out_of_scope": "\n".join(std.out_of_scope),
    }


def _standards_save(form: forms.StandardsSection, practice: Practice) -> Practice:
    standards = dataclasses.replace(
        practice.standards,
        office_days=tuple(form.office_days.data),
        office_start=form.office_start.data,
        office_end=form.office_end.data,
        reply_hours=form.reply_hours.data,
        channels=tuple(form.channels.data),
        weekends=bool(form.weekends.data),
        cadences=tuple(c for c in CADENCES if c in (form.cadences.data or [])),
        out_of_scope=_lines(form.out_of_scope.data),
    )
    return dataclasses.replace(practice, standards=standards)


# ---- Packages & add-ons --------------------------------------------------------------

MAX_PACKAGES = 6


def _package_data(package: Package, listed: set[str]) -> dict[str, Any]:
    add_ons = [
        {"name": a.name, "monthly_price": f"{a.monthly_price:g}", "area": a.area}
        for a in package.add_ons
    ]
    return {
        "name": package.name,
        "monthly_hours": package.monthly_hours,
        "monthly_price": package.monthly_price,
        "max_areas": package.max_areas,
        "service_areas": [a for a in package.service_areas if a in listed],
        "other_areas": "\n".join(a for a in package.service_areas if a not in listed),
        "reviews": list(package.reviews),
        "description": package.description,
        "add_ons": _rows(add_ons, forms.MAX_ADD_ONS, empty=1),
    }


def _packages_data(practice: Practice) -> dict[str, Any]:
    listed = {choice.value for choice in _area_choices()}
    packages = [_package_data(p, listed) for p in practice.packages]
    return {"packages": _rows(packages, MAX_PACKAGES, empty=1)}


def _add_ons(rows: FieldList) -> tuple[AddOn, ...]:
    return tuple(
        AddOn(
            row.form.name.data[:120],
            float(row.form.monthly_price.data),
            area
            if re.fullmatch(r"[a-z_]{1,40}", area := row.form.area.data or "")
            else "",
        )
        for row in rows
        if row.form.is_kept()
    )


def _packages_save(form: forms.PackagesSection, practice: Practice) -> Practice:
    packages = tuple(
        Package(
            name=sub.name.data,
            monthly_hours=sub.monthly_hours.data,
            monthly_price=sub.monthly_price.data,
            service_areas=area_values(
                (*(sub.service_areas.data or ()), *_lines(sub.other_areas.data))
            ),
            reviews=tuple(c for c in CADENCES if c in (sub.reviews.data or [])),
            description=sub.description.data or "",
            max_areas=sub.max_areas.data or 0,
            add_ons=_add_ons(sub.add_ons),
        )
        for sub in (entry.form for entry in form.packages)
        if sub.is_kept()
    )
    return dataclasses.replace(practice, packages=packages)


# ---- Referrals -----------------------------------------------------------------------


def _referrals_data(practice: Practice) -> dict[str, Any]:
    rows = [{"name": r.name, "url": r.url, "kind": r.kind} for r in practice.referrals]
    return {"referrals": _rows(rows, forms.MAX_REFERRALS)}


def _referrals_save(form: forms.ReferralsSection, practice: Practice) -> Practice:
    referrals = tuple(
        Referral(row.form.name.data, row.form.url.data or "", row.form.kind.data or "")
        for row in form.referrals
        if row.form.is_kept()
    )
    return dataclasses.replace(practice, referrals=referrals)


# ---- Proposal wording ----------------------------------------------------------------

_PROPOSAL_TEXT = ("consultant_name", "consultant_role", "payment_terms", "about")
_PROPOSAL_NUMBERS = ("proposal_valid_days", "notice_days", "extra_hour_rate", "years")


def _proposal_data(practice: Practice) -> dict[str, Any]:
    return {
        **{n: getattr(practice, n) for n in (*_PROPOSAL_TEXT, *_PROPOSAL_NUMBERS)},
        "extra_hour_rate": int(practice.extra_hour_rate or 0),
        "paper_size": practice.paper_size,
        "testimonials": "\n".join(
            " | ".join(x for x in (t.quote, t.who) if x) for t in practice.testimonials
        ),
    }


def _proposal_save(form: forms.ProposalSection, practice: Practice) -> Practice:
    values: dict[str, Any] = {n: getattr(form, n).data or "" for n in _PROPOSAL_TEXT}
    values.update({n: getattr(form, n).data or 0 for n in _PROPOSAL_NUMBERS})
    return dataclasses.replace(
        practice,
        **values,
        paper_size=form.paper_size.data,
        testimonials=_testimonials(form.testimonials.data),
    )


def _testimonials(text: str | None) -> tuple[Testimonial, ...]:
    """'words | who' lines (at most three) as testimonials."""
    return tuple(
        Testimonial(*(p.strip()[:300] for p in (line.rsplit("|", 1) + [""])[:2]))
        for line in _lines(text)[:MAX_TESTIMONIALS]
    )


# ---- Mail & reminders, Thank-you page ------------------------------------------------


def _mail_data(practice: Practice) -> dict[str, Any]:
    return {"new_submission_mail": practice.new_submission_mail}


def _mail_save(form: forms.MailSection, practice: Practice) -> Practice:
    return dataclasses.replace(
        practice, new_submission_mail=form.new_submission_mail.data
    )


def _thanks_data(practice: Practice) -> dict[str, Any]:
    return {
        "tailored_thanks": practice.tailored_thanks,
        "booking_url": practice.booking_url,
    }


def _thanks_save(form: forms.ThanksSection, practice: Practice) -> Practice:
    return dataclasses.replace(
        practice,
        tailored_thanks=bool(form.tailored_thanks.data),
        booking_url=form.booking_url.data or "",
    )


SECTIONS: dict[str, Section] = {
    s.key: s
    for s in (
        Section(
            "practice",
            "Practice",
            forms.PracticeSection,
            _practice_data,
            _practice_save,
        ),
        Section(
            "brand",
            "Brand",
            forms.BrandSection,
            _brand_data,
            _brand_save,
            multipart=True,
        ),
        Section(
            "standards",
            "Your standards",
            forms.StandardsSection,
            _standards_data,
            _standards_save,
        ),
        Section(
            "packages",
            "Packages and add-ons",
            forms.PackagesSection,
            _packages_data,
            _packages_save,
        ),
        Section(
            "referrals",
            "Referrals",
            forms.ReferralsSection,
            _referrals_data,
            _referrals_save,
        ),
        Section(
            "proposal",
            "Proposal wording",
            forms.ProposalSection,
            _proposal_data,
            _proposal_save,
        ),
        Section(
            "mail", "Mail and reminders", forms.MailSection, _mail_data, _mail_save
        ),
        Section("consultation", "Consultation calls"),
        Section(
            "thanks", "Thank-you page", forms.ThanksSection, _thanks_data, _thanks_save
        ),
    )
}


def section_forms(
    practice: Practice, posted: tuple[str, Form] | None = None
) -> dict[str, Form]:
    """Every section's form: the stored values, or, for the section just posted with
    an error, what was posted."""
    out = {}
    for key, section in SECTIONS.items():
        form_class, data = section.form, section.data
        if form_class is None or data is None:
            continue
        if posted and posted[0] == key:
            out[key] = posted[1]
        else:  # formdata=None: not the POST of another section
            out[key] = form_class(formdata=None, data=data(practice))
    return out


def error_links(form: Form) -> list[tuple[str, str, str]]:
    """(field id, what it is, message) of each error in a section, rows included:
    "Package 2 name", "Referral 1 link", "Package 1 add-on 2 price a month"."""
    return list(_errors(form, ""))


def has_errors(form) -> bool:
    """True when a field of the form (rows included) has an error."""
    return any(True for _ in _errors(form, ""))


def _errors(form, prefix: str) -> Iterator[tuple[str, str, str]]:
    for field in form:
        if isinstance(field, FieldList):
            row = _ROW_WORDS.get(field.short_name, field.short_name)
            for number, entry in enumerate(field, start=1):
                yield from _errors(entry.form, f"{prefix}{row} {number} ")
            for message in field.errors:
                if isinstance(message, str):
                    yield field.id, _first_upper(f"{prefix}{row}s"), message
        elif isinstance(field, FormField):
            yield from _errors(field.form, prefix)
        else:
            label = _LABELS.get(field.short_name, field.label.text)
            # in a row: "Referral 2 link", not "Referral 2 link (optional)"
            short = re.sub(r"\s*\(.*?\)", "", label).lower()
            what = f"{prefix}{short}" if prefix else label
            for message in field.errors:
                yield field.id, _first_upper(what), message


def _first_upper(text: str) -> str:
    return text[:1].upper() + text[1:]


_ROW_WORDS = {"packages": "package", "add_ons": "add-on", "referrals": "referral"}
_LABELS = {"office_end": "Office hours to"}
