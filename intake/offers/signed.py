"""The signed copy: the exact PDF the prospect saw, followed by an acceptance page."""

from __future__ import annotations

import io
from collections.abc import Mapping

from flask import render_template
from pypdf import PdfReader, PdfWriter

from ..proposal import render


def acceptance_page(
    details: Mapping[str, object], *, base_url: str, proposal_pdf: bytes = b""
) -> bytes:
    """The one-page record of who accepted what, when, from where: on the paper of
    the proposal it follows, numbered as its last page."""
    html = render_template(
        "offer/acceptance_page.html", **details, **_follows(proposal_pdf)
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
    """The proposal's pages unchanged, then the acceptance page."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(proposal_pdf)))
    writer.append(PdfReader(io.BytesIO(page_pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
