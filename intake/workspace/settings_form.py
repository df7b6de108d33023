"""The settings page: the practice as the form's data, and the form back as a practice."""

from __future__ import annotations

import dataclasses
import re

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
from .forms import (
    SettingsForm,
    _area_choices,
    split_add_on,
)


def settings_form(practice: Practice) -> SettingsForm:
    std = practice.standards
    listed = {choice.value for choice in _area_choices()}
    data = {
        "name": practice.name,
        "email": practice.email,
        "phone": practice.phone,
        "website": practice.website,
        "booking_url": practice.booking_url,
        "brand_colour": practice.brand_colour,
        "currency": practice.currency,
        "country": practice.country,
        "paper_size": practice.paper_size,
        "proposal_valid_days": practice.proposal_valid_days,
        "new_submission_mail": practice.new_submission_mail,
        "tailored_thanks": practice.tailored_thanks,
        "office_days": list(std.office_days),
        "office_start": std.office_start,
        "office_end": std.office_end,
        "reply_hours": std.reply_hours,
        "channels": list(std.channels),
        "weekends": std.weekends,
        "time_zone": std.time_zone,
        "cadences": list(std.cadences),
        "out_of_scope": "\n".join(std.out_of_scope),
        "packages": [
            {
                "name": p.name,
                "monthly_hours": p.monthly_hours,
                "monthly_price": p.monthly_price,
                "max_areas": p.max_areas,
                "service_areas": [a for a in p.service_areas if a in listed],
                "other_areas": "\n".join(a for a in p.service_areas if a not in listed),
                "reviews": list(p.reviews),
                "description": p.description,
                "add_ons": "\n".join(
                    f"{a.name} | {a.monthly_price:g}"
                    + (f" | {a.area}" if a.area else "")
                    for a in p.add_ons
                ),
            }
            for p in practice.packages
        ],
        "consultant_name": practice.consultant_name,
        "consultant_role": practice.consultant_role,
        "notice_days": practice.notice_days,
        "extra_hour_rate": int(practice.extra_hour_rate or 0),
        "payment_terms": practice.payment_terms,
        "referrals": "\n".join(
            " | ".join(x for x in (r.name, r.url, r.kind) if x)
            for r in practice.referrals
        ),
        "about": practice.about,
        "years": practice.years,
        "testimonials": "\n".join(
            " | ".join(x for x in (t.quote, t.who) if x) for t in practice.testimonials
        ),
    }
    return SettingsForm(data=data)


def _lines(text: str | None, limit: int = 20) -> tuple[str, ...]:
    return tuple(
        line.strip()[:200] for line in (text or "").splitlines() if line.strip()
    )[:limit]


def _add_ons(text: str | None) -> tuple[AddOn, ...]:
    """'Name | 150' lines (checked by the form) as add-ons."""
    out = []
    for line in _lines(text):
        head, area = split_add_on(line)
        name, _, price = head.rpartition("|")
        out.append(AddOn(name.strip()[:120], float(price), area))
    return tuple(out)


REFERRAL_KINDS = ("occasional", "project")


def _referrals(text: str | None) -> tuple[Referral, ...]:
    """'Name | link | kind' lines as referrals; a link must be http(s)."""
    out = []
    for line in _lines(text):
        name, url, kind = ([p.strip() for p in line.split("|")] + ["", ""])[:3]
        url = url if re.match(r"^https?://\S+$", url) else ""
        out.append(
            Referral(name, url, kind.lower() if kind.lower() in REFERRAL_KINDS else "")
        )
    return tuple(out)


def practice_from(form: SettingsForm, old: Practice) -> Practice:
    packages = tuple(
        Package(
            name=entry.form.name.data,
            monthly_hours=entry.form.monthly_hours.data,
            monthly_price=entry.form.monthly_price.data,
            service_areas=area_values(
                (
                    *(entry.form.service_areas.data or ()),
                    *_lines(entry.form.other_areas.data),
                )
            ),
            reviews=tuple(c for c in CADENCES if c in (entry.form.reviews.data or [])),
            description=entry.form.description.data or "",
            max_areas=entry.form.max_areas.data or 0,
            add_ons=_add_ons(entry.form.add_ons.data),
        )
        for entry in form.packages
        if not entry.form.is_blank()
    )
    standards = dataclasses.replace(
        old.standards,
        office_days=tuple(form.office_days.data),
        office_start=form.office_start.data,
        office_end=form.office_end.data,
        reply_hours=form.reply_hours.data,
        channels=tuple(form.channels.data),
        weekends=bool(form.weekends.data),
        time_zone=form.time_zone.data or "",
        cadences=tuple(c for c in CADENCES if c in (form.cadences.data or [])),
        out_of_scope=_lines(form.out_of_scope.data),
    )
    return dataclasses.replace(
        old,
        name=form.name.data,
        email=form.email.data,
        phone=form.phone.data or "",
        website=form.website.data or "",
        booking_url=form.booking_url.data or "",
        brand_colour=form.brand_colour.data.lower(),
        currency=form.currency.data,
        country=(form.country.data or "").upper(),
        paper_size=form.paper_size.data,
        proposal_valid_days=form.proposal_valid_days.data,
        new_submission_mail=form.new_submission_mail.data,
        tailored_thanks=bool(form.tailored_thanks.data),
        standards=standards,
        packages=packages,
        consultant_name=form.consultant_name.data or "",
        consultant_role=form.consultant_role.data or "",
        notice_days=form.notice_days.data,
        extra_hour_rate=form.extra_hour_rate.data or 0,
        payment_terms=form.payment_terms.data or "",
        referrals=_referrals(form.referrals.data),
        about=form.about.data or "",
        years=form.years.data or 0,
        testimonials=_testimonials(form.testimonials.data),
    )


def _testimonials(text: str | None) -> tuple[Testimonial, ...]:
    """'words | who' lines (at most three) as testimonials."""
    return tuple(
        Testimonial(*(p.strip()[:300] for p in (line.rsplit("|", 1) + [""])[:2]))
        for line in _lines(text)[:MAX_TESTIMONIALS]
    )
