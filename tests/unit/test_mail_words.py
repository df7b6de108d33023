"""The Outbox's words: a label for every kind of message the code can queue, and the
server's answers turned into plain words (never a Python exception's text)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from intake.mail.words import KIND_LABELS, kind_label, plain_problem

ROOT = Path(__file__).resolve().parents[2]


def _queueable_kinds() -> set[str]:
    """Every kind a message can be queued as: each mail template's name (queue_mail's
    default kind) and every literal `kind=` given to queue_mail in intake/."""
    kinds = {
        p.stem for p in (ROOT / "templates" / "mail").glob("*.txt") if p.stem[0] != "_"
    }
    for path in (ROOT / "intake").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == (
                "queue_mail"
            ):
                for kw in node.keywords:
                    if kw.arg in ("kind", "template") and isinstance(
                        kw.value, ast.Constant
                    ):
                        kinds.add(kw.value.value)
    return kinds


def test_every_kind_the_code_can_queue_has_a_label():
    kinds = _queueable_kinds()
    assert len(kinds) >= 19  # the scan finds the templates
    assert sorted(kinds - set(KIND_LABELS)) == []
    assert sorted(set(KIND_LABELS) - kinds) == []  # no label for a kind that is gone


def test_labels_are_words_not_ids():
    for kind, label in KIND_LABELS.items():
        assert "_" not in label and label[0].isupper(), kind
    assert kind_label("some_old_kind") == "Some old kind"


@pytest.mark.parametrize(
    ("detail", "words"),
    [
        (
            "recipient refused: 550 5.1.1 No such user here",
            "The recipient's mail server does not accept this address. Check it for "
            "a typing mistake.",
        ),
        (
            "recipient refused: 451 4.3.0 try later",
            "The recipient's mail server asked us to try again later.",
        ),
        (
            "TimeoutError: timed out",
            "The mail server did not answer in time.",
        ),
        (
            "ConnectionRefusedError: [Errno 111] Connection refused",
            "The mail server could not be reached.",
        ),
        (
            "SMTPServerDisconnected: Connection unexpectedly closed",
            "The mail server could not be reached.",
        ),
        (
            "server answered 535: 5.7.8 Authentication credentials invalid",
            "The mail server did not accept our sign-in or sender address: whoever "
            "runs the service should check the mail settings.",
        ),
        (
            "cannot be written as an e-mail: Header values may not contain linefeed",
            "This address cannot be used for e-mail (it holds characters an address "
            "cannot have).",
        ),
        ("SMTPException: something new", "The mail server did not take the message."),
        ("", ""),
    ],
)
def test_problems_in_plain_words(detail, words):
    assert plain_problem(detail) == words
