"""The one normalisation of free text (intake.text) and the greeting's first name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.text import clean_text, greeting_name

HOSTILE = st.text(
    st.one_of(
        st.characters(),
        st.sampled_from(
            "\x00\x01\x1b\x7f\x85\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068"
            "\u2069\u200e\u200f\u2028\u2029\r\n\t 😀\ud800"
        ),
    ),
    max_size=200,
)
UNSAFE = {chr(c) for c in [*range(0, 9), 0x0B, 0x0C, *range(0x0E, 0x20)]}
UNSAFE |= {chr(c) for c in range(0x7F, 0xA0)} | set("\u202a\u202b\u202c\u202d\u202e")
UNSAFE |= set("\u2066\u2067\u2068\u2069\r\u2028\u2029")


@given(HOSTILE, st.booleans())
def test_clean_text_leaves_nothing_unsafe_and_is_idempotent(value, multiline):
    cleaned = clean_text(value, multiline=multiline)
    assert not UNSAFE & set(cleaned)
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in cleaned)
    assert cleaned == cleaned.strip()
    assert clean_text(cleaned, multiline=multiline) == cleaned
    cleaned.encode("utf-8")  # storable anywhere, PostgreSQL included


@given(HOSTILE)
def test_single_line_text_is_one_line_with_single_spaces(value):
    cleaned = clean_text(value)
    assert "\n" not in cleaned and "\t" not in cleaned and "  " not in cleaned


def test_examples():
    assert clean_text("  Hannah\x00 \u202eLindqvist\u202c\r\n") == "Hannah Lindqvist"
    assert clean_text("one\r\ntwo\rthree\u2028four\n\tfive ", multiline=True) == (
        "one\ntwo\nthree\nfour\n\tfive"
    )
    assert clean_text("Anna\u200f Berg") == "Anna Berg"
    assert clean_text("שלום\u200f world", multiline=True) == "שלום\u200f world"
    assert clean_text("Zoë 😀 👩‍💻") == "Zoë 😀 👩‍💻"


@pytest.mark.parametrize(
    "name,first",
    [
        ("Hannah Lindqvist", "Hannah"),
        ("  zoë  o'brien ", "zoë"),
        ("Jean-Luc Picard", "Jean-Luc"),
        ("李 小龍", "李"),
        ("J. R. Hartley", "J."),
        ("", ""),
        (None, ""),
        ("https://phish.example/login", ""),
        ("Hannah https://phish.example/login", ""),
        ("Visit phish.example now", ""),
        ("www.example.com", ""),
        ("bit.ly/x", ""),
        ("mallory@example.com", ""),
        ("Call 0800 123 456", ""),
        ("R2D2", ""),
        ("<b>Boss</b>", ""),
        ("\u202eevil", "evil"),
        ("x" * 41, ""),
    ],
)
def test_greeting_name(name, first):
    assert greeting_name(name) == first
