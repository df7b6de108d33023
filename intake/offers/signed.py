"""The signed copy: the exact PDF the prospect saw, followed by an acceptance page."""

from __future__ import annotations

import io
from collections.abc import Mapping

from flask import render_template
from pypdf import PdfReader, PdfWriter

from ..proposal import render


def acceptance_page(details: Mapping[str, object], *, base_url: str) -> bytes:
    """The one-page record of who accepted what, when, from where."""
    html = render_template("offer/acceptance_page.html", **details)
    return render.render_pdf(html, base_url=base_url)


def signed_copy(proposal_pdf: bytes, page_pdf: bytes) -> bytes:
    """The proposal's pages unchanged, then the acceptance page."""
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(proposal_pdf)))
    writer.append(PdfReader(io.BytesIO(page_pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
