"""The signed and the final copies: the proposal the prospect saw, followed by the
acceptance record (the prospect's signature, then the consultant's countersignature).

The proposal's HTML is stored with the offer when it is sent (the input of its PDF), so
each copy is laid out again as ONE WeasyPrint document with the acceptance section
appended: one paper size (the proposal's own @page), one tagged PDF (the structure tree
and /MarkInfo that a pypdf merge would drop) and page numbers counted over the whole
copy. The exact PDF that was shown stays in the offer and travels beside the copy, so
the SHA-256 recorded in the acceptance section can be checked against it.

Offers sent before the HTML was stored fall back to the stored PDF followed by a
separate acceptance page on the same paper (the proposal's tags are kept by cloning
its document rather than re-assembling pages).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass

from flask import render_template
from pypdf import PdfReader, PdfWriter

from ..documents import render
from ..models import Submission
from ..practice import Practice
from . import calendar
from .models import Offer
from .service import Acceptance

SECTION_TEMPLATE = "offer/_acceptance_section.html"


@dataclass(frozen=True)
class Countersignature:
    """The consultant's signature for the practice, recorded like the prospect's."""

    name: str
    at: dt.datetime
    ip: str
    user_agent: str
    practice: str


def details(
    *,
    acceptance: Acceptance,
    at: dt.datetime,
    content: Mapping,
    submission: Submission,
    practice: Practice,
    counter: Countersignature | None = None,
) -> dict[str, object]:
    """What the acceptance section shows: the prospect's signature, the first date of
    each review of the option chosen and, once given, the countersignature."""
    reviews = calendar.chosen_schedule(
        content, acceptance.option, acceptance.start_date, practice
    )
    return {
        "a": acceptance,
        "at": at,
        "c": content,
        "submission": submission,
        "first_reviews": calendar.first_of_each(reviews),
        "practice_name": practice.name,
        "counter": counter,
    }


def acceptance_of(offer: Offer, start_date: dt.date) -> Acceptance:
    """The prospect's signature as the offer recorded it (with the start they chose)."""
    return Acceptance(
        name=offer.accepted_name,
        option=offer.accepted_option,
        start_date=start_date,
        ip=offer.accepted_ip,
        user_agent=offer.accepted_user_agent,
        pdf_sha256=offer.accepted_pdf_sha256,
    )


def final_copy(
    offer: Offer,
    submission: Submission,
    practice: Practice,
    counter: Countersignature,
    *,
    base_url: str,
) -> bytes:
    """The proposal with both signatures: what both sides keep."""
    if offer.accepted_at is None or offer.start_date is None:
        raise ValueError(f"offer {offer.id} was not accepted: nothing to countersign")
    record = details(
        acceptance=acceptance_of(offer, offer.start_date),
        at=offer.accepted_at,
        content=offer.content,
        submission=submission,
        practice=practice,
        counter=counter,
    )
    return document(
        record, proposal_html=offer.html, proposal_pdf=offer.pdf, base_url=base_url
    )


def document(
    details: Mapping[str, object],
    *,
    proposal_html: str,
    proposal_pdf: bytes,
    base_url: str,
) -> bytes:
    """The proposal followed by the acceptance record (signed, or countersigned when
    `details` has a `counter`): one tagged PDF when the proposal's HTML is known."""
    section = render_template(SECTION_TEMPLATE, **details)
    if proposal_html and "</main>" in proposal_html:
        return render.render_pdf(_appended(proposal_html, section), base_url=base_url)
    page = acceptance_page(details, base_url=base_url, proposal_pdf=proposal_pdf)
    return signed_copy(proposal_pdf, page)


def _appended(html: str, section: str) -> str:
    """The proposal's HTML with the acceptance section as the last part of its main."""
    at = html.rindex("</main>")
    return html[:at] + section + html[at:]


def acceptance_page(
    details: Mapping[str, object], *, base_url: str, proposal_pdf: bytes = b""
) -> bytes:
    """The acceptance record as a page of its own (offers without stored HTML): on
    the paper of the proposal it follows, numbered as its last page."""
    html = render_template(
        "offer/acceptance_page.html",
        section_template=SECTION_TEMPLATE,
        **details,
        **_follows(proposal_pdf),
    )
    return render.render_pdf(html, base_url=base_url)


def _follows(proposal_pdf: bytes) -> dict[str, object]:
    """The proposal's page size (points) and the acceptance page's number."""
    if not proposal_pdf:
        return {}
    reader = PdfReader(io.BytesIO(proposal_pdf))
    box = reader.pages[0].mediabox
    return {
        "page_width": round(float(box.width), 2),
        "page_height": round(float(box.height), 2),
        "page_number": len(reader.pages) + 1,
    }


def signed_copy(proposal_pdf: bytes, page_pdf: bytes) -> bytes:
    """The proposal's document unchanged (its catalog, so its structure tree and
    /MarkInfo too), then the acceptance page."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(proposal_pdf)))
    writer.append(PdfReader(io.BytesIO(page_pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
