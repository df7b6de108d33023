"""What the Outbox says about a message in plain words: its kind, and why it did not
leave. The technical detail (the server's own answer) stays in the log and in a
collapsed part of the page for whoever runs the service."""

from __future__ import annotations

import re

# every kind a message can be queued as: queue_mail's `kind`, or its template's name
# (templates/mail/NAME.txt); tests/unit/test_mail_words.py holds the list complete
KIND_LABELS = {
    "resume_link": "Link to continue the questionnaire",
    "reminder": "Reminder to finish the questionnaire",
    "received": "Answers received (to the prospect)",
    "new_submission": "New questionnaire (to the team)",
    "digest": "Daily digest (to the team)",
    "password_reset": "Password reset",
    "team_invite": "Invitation to the team",
    "proposal_sent": "Proposal sent",
    "proposal_accepted": "Signed proposal (to the prospect)",
    "proposal_won": "Proposal accepted (to the team)",
    "proposal_countersigned": "Signed agreement (to the prospect)",
    "proposal_countersigned_team": "Signed agreement (to the team)",
    "proposal_declined": "Proposal declined (to the team)",
    "proposal_question": "Question about a proposal (to the team)",
    "proposal_reminder": "Reminder of an unopened proposal (to the prospect)",
    "proposal_reminder_team": "Unopened proposal reminded (to the team)",
    "welcome": "Welcome and first steps (to a new client)",
    "booking_confirmed": "Call booked (to the prospect)",
    "booking_invite": "Calendar invitation for a call",
    "booking_reminder": "Reminder of a call",
    "booking_cancelled": "Call cancelled",
    "booking_team": "Call booked, moved or cancelled (to the team)",
}


def kind_label(kind: str) -> str:
    """The human name of a kind; an unknown one (an old row) reads as plain words."""
    return KIND_LABELS.get(kind) or (kind or "E-mail").replace("_", " ").capitalize()


SECURITY_WORDS = {
    "tls": "encrypted from the start",
    "starttls": "encrypted (STARTTLS)",
    "none": "not encrypted",
}

# (pattern of the stored detail, what it means for the consultant), first match wins
_PROBLEMS = [
    (
        r"^recipient refused: 5",
        "The recipient's mail server does not accept this address. Check it for a "
        "typing mistake.",
    ),
    (
        r"^recipient refused: 4",
        "The recipient's mail server asked us to try again later.",
    ),
    (
        r"^message refused: 5",
        "The mail server refused this message and will not take it.",
    ),
    (
        r"^message refused: 4",
        "The mail server asked us to try again later.",
    ),
    (
        r"^server answered 5[0-9][0-9]",
        "The mail server did not accept our sign-in or sender address: whoever runs "
        "the service should check the mail settings.",
    ),
    (
        r"^server answered",
        "The mail server was busy.",
    ),
    (
        r"^cannot be written as an e-mail",
        "This address cannot be used for e-mail (it holds characters an address "
        "cannot have).",
    ),
    (
        r"^cannot write ",
        "The message could not be saved as a file on the server; whoever runs the "
        "service should check the outbox folder.",
    ),
    (
        r"timed out|Timeout",
        "The mail server did not answer in time.",
    ),
    (
        r"refused|unreachable|Errno|Disconnected|SSL|gaierror",
        "The mail server could not be reached.",
    ),
]


def plain_problem(detail: str) -> str:
    """Why a message did not leave, in words for the consultant ('' when it did)."""
    if not detail:
        return ""
    for pattern, words in _PROBLEMS:
        if re.search(pattern, detail):
            return words
    return "The mail server did not take the message."
