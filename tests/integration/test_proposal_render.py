"""The proposal and referral-letter PDFs: content, layout facts, tagging and safety.

Real PDFs are rendered with WeasyPrint and read back with pypdf. The Recommendation is
built by hand, so these tests do not depend on recommend(). The content's plain values
are tested without a PDF in tests/unit/test_proposal_content.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import urllib.request
from dataclasses import replace

import pytest
from pypdf import PdfReader

from intake import create_app
from intake.documents import render, service
from intake.extensions import db
from intake.practice import default_practice
from intake.proposal import content
from intake.proposal.recommendation import Recommendation, ReviewPlan
from intake.questionnaire.gaps import Gap
from intake.questionnaire.scoring import Assessment, Flag

TODAY = dt.date(2026, 11, 25)
BASE_URL = "http://intake.test/"

HOSTILE = (
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    "<style>@import url(http://169.254.169.254/)</style>",
    '<div style="background:url(http://169.254.169.254/x)">',
)
HOSTILE_TEXT = " ".join(HOSTILE)

REVIEWS = (
    ReviewPlan(
        "weekly",
        "Weekly check-in",
        "Every week, 20 minutes",
        "Agree the week's priorities and clear anything waiting on a decision.",
        "You hand work over most days, so a short weekly touchpoint keeps it moving.",
    ),
    ReviewPlan(
        "monthly",
        "Monthly operational review",
        "Once a month, 45 minutes",
        "Upcoming deliverables, needs we can see coming, and agreed timeframes.",
        "Client care and billing both have monthly deadlines.",
    ),
    ReviewPlan(
        "quarterly",
        "Quarterly business review",
        "Every three months, 90 minutes",
        "Where the business stands, its strategy and a few realistic indicators.",
        "You want the work to grow towards shaping the business.",
    ),
    ReviewPlan(
        "annual",
        "Annual partnership review",
        "Once a year, half a day",
        "The partnership itself: autonomy, judgement and what to delegate next.",
        "A yearly look keeps the partnership growing with you.",
    ),
)
GAPS = (
    Gap(
        topic="reply_time",
        expects="replies within 1 hour",
        standard="replies within 1 business day",
        talking_point="Expects replies within 1 hour; your standard is 1 business "
        "day. Agree how truly urgent matters reach you.",
        to_agree="We reply within 1 business day. Let us agree how urgent matters "
        "reach us.",
    ),
    Gap(
        topic="channels",
        expects="text messages",
        standard="e-mail, video calls and team chat",
        talking_point="Would like to use text messages, which you do not offer. "
        "Agree which channel to use for what.",
        to_agree="We work by e-mail, video calls and team chat. Let us pick what "
        "suits you.",
    ),
)


def make_recommendation(practice, **changes) -> Recommendation:
    rec = Recommendation(
        is_fit=True,
        package=practice.packages[1],
        is_override=False,
        not_fit_reason="",
        hours_needed=20,
        service_areas=("Inbox, calendar and appointments", "Client care"),
        strategic_share=40,
        reviews=REVIEWS,
        agreement=(
            "We work Monday to Friday, 09:00–17:00.",
            "We reply within 1 business day.",
            "You tell us what we need to know; we work within agreed processes.",
        ),
        gaps=GAPS,
        rationale=("You want support month after month.", "You hand over whole areas."),
        heard=("You run a coaching practice of two to five people.",),
        alternatives=(
            "For a single piece of work, a project administrator hired for the "
            "length of the project.",
            "For help now and then, a pay-as-you-go virtual assistant service.",
        ),
    )
    return replace(rec, **changes)


ASSESSMENT = Assessment(
    {"fit": 82, "chemistry": 71, "boundaries": 58}, 74, "strong fit", (), (), "1"
)
NOT_FIT_ASSESSMENT = Assessment(
    {"fit": 15, "chemistry": 50, "boundaries": 60},
    35,
    "not a fit",
    (Flag("engagement", "Arrangement?", "One project", "Single project.", True),),
    (),
    "1",
)


@pytest.fixture(scope="module")
def proposal_app():
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE_URL": "sqlite://"})
    with app.app_context():
        db.create_all()  # the app's context processor reads the practice settings
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def build(
    practice=None,
    *,
    letter=False,
    name="Dana O'Neill",
    business="Brightpath Coaching",
    heard=None,
    recommendation=None,
    assessment=ASSESSMENT,
):
    practice = practice or default_practice()
    if recommendation is None:
        recommendation = make_recommendation(practice)
        if letter:
            recommendation = replace(
                recommendation,
                is_fit=False,
                package=None,
                not_fit_reason="You are looking for help with a single project.",
            )
    context = content.proposal_context(
        practice=practice,
        submission_name=name,
        business=business,
        own_words=heard
        if heard is not None
        else [
            (
                "What has prompted you to look for support now?",
                "We grew from 2 to 5 coaches.\nEvenings go on invoices & scheduling.",
            ),
        ],
        recommendation=recommendation,
        assessment=assessment,
        today=TODAY,
    )
    html = service.render_html(context, letter=letter)
    return render.render_pdf(html, base_url=BASE_URL)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    """All page text with line breaks joined (a hyphen at a line end kept)."""
    text = "\n".join(page.extract_text() or "" for page in read(pdf).pages)
    text = re.sub(r"-\s*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def has_embedded_files(reader: PdfReader) -> bool:
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        return True
    if reader.attachments:
        return True
    for page in reader.pages:
        for annot in page.get("/Annots") or ():
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                return True
    return False


@pytest.fixture
def fetch_log(monkeypatch):
    """Every URL WeasyPrint asks the allow-list fetcher for, in order."""
    urls: list[str] = []
    cls = type(render.make_url_fetcher(BASE_URL))
    original = cls.fetch

    def spy(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(cls, "fetch", spy)
    return urls


def allowed(url: str) -> bool:
    return url.startswith("data:") or render.static_path(url, BASE_URL) is not None


# --------------------------------------------------------------------- the proposal


@pytest.fixture(scope="module")
def proposal_pdf(proposal_app):
    return build()


def test_proposal_shows_the_prospect_package_price_reviews_and_gaps(proposal_pdf):
    text = text_of(proposal_pdf)
    practice = default_practice()
    package = practice.packages[1]
    assert "Dana O'Neill" in text or "Dana O’Neill" in text
    assert "Brightpath Coaching" in text
    assert package.name in text
    assert "$1,250" in text
    assert f"{package.monthly_hours} hours" in text
    for review in REVIEWS:
        assert review.name in text
    for gap in GAPS:
        assert squeezed(gap.to_agree) in squeezed(text)
    for item in practice.standards.out_of_scope:
        assert squeezed(item) in squeezed(text)
    assert "25 November 2026" in text
    assert "25 December 2026" in text  # valid for the practice's 30 days
    for number in ("82", "71", "58"):  # the scores are the consultant's, not theirs
        assert number not in text


def test_proposal_keeps_the_prospects_line_breaks(proposal_pdf):
    lines = [
        line.strip()
        for line in "\n".join(
            p.extract_text() for p in read(proposal_pdf).pages
        ).splitlines()
    ]
    assert "We grew from 2 to 5 coaches." in lines
    assert "Evenings go on invoices & scheduling." in lines


def test_proposal_page_count_footer_and_the_countrys_paper(proposal_pdf):
    reader = read(proposal_pdf)
    assert 3 <= len(reader.pages) <= 5
    last = reader.pages[-1].extract_text()
    assert f"Page {len(reader.pages)} of {len(reader.pages)}" in last
    assert default_practice().name in last  # running footer
    for page in reader.pages:  # the default practice is in the US: Letter
        box = page.mediabox
        assert float(box.width) == pytest.approx(612, abs=1)
        assert float(box.height) == pytest.approx(792, abs=1)


def test_proposal_is_tagged_with_language_and_title(proposal_pdf):
    reader = read(proposal_pdf)
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    assert str(root["/Lang"]).startswith("en")
    assert "/StructTreeRoot" in root
    assert "Brightpath Coaching" in reader.metadata.title


def test_letter_paper_size(proposal_app):
    practice = replace(default_practice(), paper_size="Letter")
    reader = read(build(practice))
    assert 3 <= len(reader.pages) <= 8
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(612, abs=1)
        assert float(page.mediabox.height) == pytest.approx(792, abs=1)


def test_unknown_paper_size_and_bad_brand_colour_fall_back(proposal_app, fetch_log):
    practice = replace(
        default_practice(),
        paper_size="Tabloid",
        brand_colour="red; } body { background: url(http://169.254.169.254/) } x {",
    )
    reader = read(build(replace(practice, country="GB")))
    assert float(reader.pages[0].mediabox.width) == pytest.approx(595.3, abs=1.5)
    assert all(allowed(u) for u in fetch_log), fetch_log


# ------------------------------------------------------------------ the letter


def test_referral_letter_is_one_kind_page(proposal_app):
    pdf = build(letter=True)
    reader = read(pdf)
    assert 1 <= len(reader.pages) <= 2
    text = text_of(pdf)
    assert "Dear Dana" in text
    assert "single project" not in text  # the consultant-facing reason stays out
    assert "Thank you" in text
    assert "ongoing" in text or "month after month" in text
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert "/Lang" in reader.trailer["/Root"]


def test_letter_lists_the_recommended_alternatives(proposal_app):
    practice = default_practice()
    rec = make_recommendation(
        practice, is_fit=False, package=None, not_fit_reason="Occasional help only."
    )
    text = text_of(
        build(letter=True, recommendation=rec, assessment=NOT_FIT_ASSESSMENT)
    )
    for idea in rec.alternatives:
        assert squeezed(idea) in squeezed(text)


# -------------------------------------------------------------- hostile input


@pytest.mark.parametrize("letter", [False, True], ids=["proposal", "letter"])
def test_hostile_text_is_literal_and_nothing_is_fetched(
    proposal_app, fetch_log, letter
):
    practice = replace(
        default_practice(),
        name=f"Northway {HOSTILE[0]}",
        email=f"hello@northway.example {HOSTILE[1]}",
    )
    pdf = build(
        practice,
        letter=letter,
        name=f"Dana {HOSTILE[2]}",
        business=f"Brightpath {HOSTILE[3]}",
        heard=[("What has prompted you to look for support now?", HOSTILE_TEXT)],
    )
    text = squeezed(text_of(pdf))
    for hostile in HOSTILE:
        assert squeezed(hostile) in text
    assert all(allowed(u) for u in fetch_log), fetch_log
    assert not any(u.startswith(("file:", "http:", "https:")) for u in fetch_log)
    assert not has_embedded_files(read(pdf))


def test_raw_markup_reaching_weasyprint_still_cannot_fetch(proposal_app, fetch_log):
    """Defence in depth: even unescaped markup only gets data: and static files."""
    html = (
        '<!doctype html><html lang="en"><head><title>t</title>'
        '<link rel="stylesheet" href="file:///etc/passwd">'
        '<link rel="stylesheet" href="static/intake.css">'
        '<link rel="attachment" href="file:///etc/passwd">'
        "<style>@import url(http://169.254.169.254/); "
        "body { background: url(https://example.com/x.png) }</style></head><body>"
        '<img src="file:///etc/passwd" alt="a">'
        '<img src="http://169.254.169.254/latest/meta-data/" alt="b">'
        '<a rel="attachment" href="file:///etc/hostname">x</a>'
        '<img src="ftp://example.com/x.png" alt="c">'
        '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22 '
        'width=%224%22 height=%224%22/%3E" alt="d">'
        "</body></html>"
    )
    pdf = render.render_pdf(html, base_url=BASE_URL)
    assert "http://intake.test/static/intake.css" in fetch_log  # the spy sees fetches
    assert any(u.startswith("data:") for u in fetch_log)
    assert any(u.startswith("file:") for u in fetch_log)  # asked for, and refused
    assert not has_embedded_files(read(pdf))


# --------------------------------------------------------- the fetcher itself


@pytest.fixture
def fetcher():
    return render.make_url_fetcher(BASE_URL)


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "FILE:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/logo.png",
        "ftp://example.com/file.txt",
        "gopher://example.com/",
        "intake-static:../__init__.py",
        "intake-static:%2e%2e/__init__.py",
        "intake-static:/etc/passwd",
        "intake-static:..%2f..%2fpyproject.toml",
        "intake-static:",
        "intake-static:does-not-exist.png",
        "http://intake.test/static/../__init__.py",
        "http://intake.test/static/%2E%2E/__init__.py",
        "http://intake.test/static/",
        "http://elsewhere.test/static/intake.css",
        "http://intake.test/staticx/intake.css",
        "file:///work/main/intake/static/intake.css",
    ],
)
def test_fetcher_refuses(fetcher, url):
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_weasyprint_treats_a_refusal_as_a_failed_fetch(fetcher):
    from weasyprint.urls import URLFetchingError, fetch

    with pytest.raises(URLFetchingError):
        with fetch(fetcher, "file:///etc/passwd"):
            pass


@pytest.mark.parametrize(
    "url", ["intake-static:intake.css", "http://intake.test/static/intake.css?v=1"]
)
def test_fetcher_allows_the_apps_static_files(fetcher, url):
    response = fetcher.fetch(url)
    try:
        body = response.read()
    finally:
        response.close()
    assert body == (render.STATIC_ROOT / "intake.css").read_bytes()
    assert response.content_type == "text/css"


def test_fetcher_allows_data_uris(fetcher):
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    try:
        assert response.read() == b"hello"
    finally:
        response.close()


def test_fetcher_never_follows_redirects(fetcher):
    assert not any(
        isinstance(h, urllib.request.HTTPRedirectHandler) for h in fetcher.handlers
    )


# ----------------------------------------------------------------- bounded work


def test_huge_html_is_refused_before_layout():
    with pytest.raises(ValueError, match="too large"):
        render.render_pdf("<p>" + "x" * (render.MAX_HTML_CHARS + 1), base_url=BASE_URL)
