"""Each concept of intake has one owner: the code reads the source to check that no
second copy of it has grown back (issue 21, point 3)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "intake"


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in p.parts
    }


def _code(text: str) -> str:
    """The source without its comments (roughly: a `#` in a string cuts it short too)."""
    return re.sub(r"#[^\n]*", "", text)


def _where(pattern: str) -> list[str]:
    """The modules of intake whose code (comments aside) matches `pattern`."""
    found = re.compile(pattern)
    return [path for path, text in _sources().items() if found.search(_code(text))]


def test_only_the_pipeline_sets_a_submissions_status():
    """intake.pipeline.move_status is the one way a prospect moves: nothing else
    assigns a status (a bare assignment would skip the history and the withdrawal)."""
    # (a booking's or a message's own status is not a prospect's)
    assert _where(r"(?<!booking)(?<!message)\.status\s*=[^=]") == ["intake/pipeline.py"]


def test_one_minimum_password_length():
    """intake.security.MIN_PASSWORD, read by the new-password form and the CLI."""
    assert _where(r"(?m)^MIN_PASSWORD\s*=") == ["intake/security.py"]
    assert _where(r"len\(password\)") == ["intake/cli.py"]
    assert sorted(_where(r"\bMIN_PASSWORD\b")) == [
        "intake/cli.py",
        "intake/forms.py",
        "intake/security.py",
    ]


def test_one_sign_in_identity():
    """Every e-mail typed to sign in, reset or be created is keyed by
    security.normalise_identity; nothing lower-cases an identity by hand."""
    assert _where(r"email\s*=\s*email\.strip\(\)\.lower\(\)") == []


def test_one_maker_of_private_link_tokens():
    """security.new_private_token makes every private link's token and stored hash
    (resume, reset, invitation, proposal, unsubscribe); guesses.py's is a device id."""
    assert _where(r"token_urlsafe\(") == [
        "intake/security.py",
        "intake/workspace/guesses.py",
    ]
    assert sorted(_where(r"new_private_token\(\)")) == [
        "intake/consultation/service.py",
        "intake/mail/password_reset.py",
        "intake/mail/private_mail_links.py",
        "intake/offers/service.py",
        "intake/outcomes/demo.py",
        "intake/prospect/drafts.py",
        "intake/security.py",
        "intake/workspace/team.py",
    ]


def test_a_private_token_is_sent_and_only_its_hash_is_kept():
    from intake.security import TOKEN_BYTES, hash_token, new_private_token

    first, second = new_private_token(), new_private_token()
    assert first.hash == hash_token(first.token)
    assert first.token != second.token
    assert len(first.token) == len(second.token) == 43 == -(-TOKEN_BYTES * 4 // 3)


def test_one_reminder_key():
    """mail.messages.reminder_key (and its SQL twin) names a draft's one reminder."""
    assert _where(r"""["']reminder:""") == ["intake/mail/messages.py"]
    assert _where(r"reminder:\{") == []


def test_one_builder_of_public_urls():
    """mail.links.public_url builds every absolute link; only the configuration reads
    the setting besides it, and no view builds an `_external` URL of its own.
    (`request.url_root` is also given to WeasyPrint, as where relative URLs resolve.)"""
    assert sorted(_where(r"""(\.get\(|\[)["']PUBLIC_BASE_URL""")) == [
        "intake/config.py",
        "intake/mail/links.py",
    ]
    assert _where(r"(?<!force)_external\s*=") == []
    assert _where(r"force_external") == ["intake/mail/links.py"]


def test_no_code_reads_the_default_questionnaires_choice_values():
    """The referral and role logic reads the questionnaire's roles and `means`
    markers: no module outside the questionnaire file names one of its choices."""
    values = ("single_project", "one_piece", "pair_of_hands", "collaborator", "expert")
    pattern = "|".join(f'"{v}"' for v in values)
    # samples.py is data: the sample prospects' answers the editor scores, as a
    # prospect would send them (no logic reads them)
    assert [p for p in _where(pattern) if p != "intake/questionnaire/samples.py"] == []


def test_one_module_of_date_words():
    """intake.dates owns the month names and the prospect's date ('4 December 2026')."""
    assert _where(r"def format_date|def _date_words\(when") == []
    assert _where(r"(?m)^MONTHS = \(") == ["intake/dates.py"]


def test_one_brand_colour_rule_and_one_way_to_read_it():
    """intake.practice owns the brand colour: its default, what a colour is (#rrggbb)
    and Practice.brand, which the pages (/brand.css), e-mails and PDFs read; only the
    settings read or write the raw `brand_colour`."""
    from intake.practice import DEFAULT_BRAND, Practice

    # (in the raw source: _code() takes a "#rrggbb" for a comment)
    for text in ("1f5f8b", "0-9a-fA-F]{6}"):
        assert [p for p, src in _sources().items() if text in src] == [
            "intake/practice.py"
        ]
    assert _where(r"\bbrand_colour\b") == [
        "intake/practice.py",
        "intake/workspace/forms.py",
        "intake/workspace/settings_form.py",
    ]
    templates = {
        str(p.relative_to(ROOT)): p.read_text(encoding="utf-8")
        for p in (ROOT / "templates").rglob("*.html")
    }
    assert sorted(p for p, text in templates.items() if "brand_colour" in text) == [
        "templates/workspace/_settings_brand.html"
    ]
    for stored, read in (
        ("#AA3366", "#aa3366"),
        ("red; background:url(x)", DEFAULT_BRAND),
        ("", DEFAULT_BRAND),
    ):
        assert Practice(brand_colour=stored).brand == read
