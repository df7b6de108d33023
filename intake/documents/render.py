"""The proposal's PDF: WeasyPrint behind an allow-list URL fetcher.

`render_pdf` lays out HTML (filled in by the service from `content.proposal_context`)
with the print stylesheet. Only `data:` URIs and files strictly inside the app's own
static folder can be loaded; every other URL (file://, http(s)://, ftp://, anything
else) is refused and nothing is ever fetched over the network, so redirects cannot
happen either.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..paths import STATIC_DIR, TEMPLATES_DIR
from ..proposal.content import ProposalTooLarge

STATIC_ROOT = STATIC_DIR.resolve()
STYLESHEET = TEMPLATES_DIR / "proposal" / "proposal.css"
STATIC_SCHEME = "intake-static:"
MAX_HTML_CHARS = 1_000_000  # the rendered HTML, markup included


def static_path(url: str, base_url: str | None = None) -> Path | None:
    """The file inside the static folder that an allowed static URL names, else None.

    Accepted forms: ``intake-static:<path>`` and ``<base_url>static/<path>``. The path
    is percent-decoded, then resolved (symlinks too) and must stay strictly inside
    STATIC_ROOT and be a regular file.
    """
    if url.startswith(STATIC_SCHEME):
        rest = url[len(STATIC_SCHEME) :]
    else:
        prefix = (base_url or "").rstrip("/") + "/static/" if base_url else None
        if not prefix or "://" not in prefix or not url.startswith(prefix):
            return None
        rest = url[len(prefix) :]
    rest = urlsplit(rest).path if ("?" in rest or "#" in rest) else rest
    rest = unquote(rest)
    if not rest or "\x00" in rest or "\\" in rest or rest.startswith("/"):
        return None
    if any(part in ("..", ".") for part in rest.split("/")):
        return None
    try:
        candidate = (STATIC_ROOT / rest).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if candidate == STATIC_ROOT or not candidate.is_relative_to(STATIC_ROOT):
        return None
    return candidate if candidate.is_file() else None


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: PLC0415 - slow import, see layout

    class StaticOnlyFetcher(URLFetcher):
        """Allow-list fetcher: `data:` URIs and the app's static files, nothing else.

        Refusals raise ValueError, which WeasyPrint reports as a failed fetch (the
        resource is skipped, the document still renders). No network handler is ever
        reached, so there is nothing to redirect.
        """

        def __init__(self, base_url: str | None = None):
            super().__init__(
                allowed_protocols=("data",),
                allow_redirects=False,
                fail_on_errors=False,
                timeout=2,
            )
            self.base_url = base_url

        def fetch(self, url, headers=None):
            if not isinstance(url, str):
                raise ValueError("URL refused: not a string")
            if url[:5].lower() == "data:":
                return super().fetch(url, headers)
            path = static_path(url, self.base_url)
            if path is None:
                raise ValueError(f"URL refused by the proposal allow-list: {url[:200]}")
            mime, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url,
                path.read_bytes(),
                headers={"Content-Type": mime or "application/octet-stream"},
            )

    return StaticOnlyFetcher


def make_url_fetcher(base_url: str | None = None):
    """A new allow-list fetcher (see `static_path`)."""
    return _fetcher_class()(base_url)


@functools.cache
def _font_config():
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - slow import, see layout

    return FontConfiguration()


def _stylesheet():
    """The print stylesheet, parsed once (re-parsed only when the file changes)."""
    return _stylesheet_of(STYLESHEET.stat().st_mtime_ns)


@functools.lru_cache(maxsize=1)
def _stylesheet_of(_mtime_ns: int):
    import weasyprint  # noqa: PLC0415 - slow import, see layout

    return weasyprint.CSS(
        string=STYLESHEET.read_text(encoding="utf-8"),
        base_url=STATIC_SCHEME,
        url_fetcher=make_url_fetcher(),
        font_config=_font_config(),
    )


_PDF_OPTIONS = {
    "presentational_hints": False,
    "pdf_variant": "pdf/ua-1",
    "attachments": None,
}


def layout(html: str, *, base_url: str):
    """The laid-out document (weasyprint.Document): its pages' boxes, for tests of the
    page composition, and what `render_pdf` writes."""
    # WeasyPrint takes 0.5-0.75 s to import: loaded on the first render (gunicorn
    # preloads it before forking), so the CLI and the unit tests start fast
    import weasyprint  # noqa: PLC0415 - slow import, loaded on the first render

    if len(html) > MAX_HTML_CHARS:
        raise ProposalTooLarge(
            f"The proposal is too large to render ({len(html):,} characters of HTML; "
            f"the limit is {MAX_HTML_CHARS:,})."
        )
    fetcher = make_url_fetcher(base_url)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.render(
        stylesheets=[_stylesheet()], font_config=_font_config(), **_PDF_OPTIONS
    )


def render_pdf(html: str, *, base_url: str) -> bytes:
    """Lay out the HTML as a tagged PDF (PDF/UA-1) with the print stylesheet.

    `base_url` is where relative URLs resolve (e.g. ``request.url_root``); it is never
    fetched: only ``<base_url>static/...`` and ``intake-static:...`` map to files in the
    static folder, plus ``data:`` URIs. The same HTML gives the same bytes.
    """
    return layout(html, base_url=base_url).write_pdf(**_PDF_OPTIONS)
