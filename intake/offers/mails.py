"""The e-mails of a proposal sent by link: sent, accepted (both sides), declined, question.

Nothing here carries a score, verdict or flag: the prospect's e-mails hold the
consultant's own message, the link and the signed documents only."""

from __future__ import annotations

from ..consultation import notes
from ..dates import long_date
from ..mail.links import public_url
from ..mail.outbox import queue_mail
from ..mail.recipients import team_recipients
from ..models import Submission
from ..practice_store import current_practice
from ..text import greeting_name
from . import calendar, followup
from .models import Offer


def _first_name(submission: Submission) -> str:
    # what a prospect typed as their name greets them only when it looks like one: a
    # stranger's "https://phish.example" must not greet a victim under our name
    return greeting_name(submission.name)


def _who(submission: Submission) -> str:
    names = [n for n in (submission.name, submission.business) if n]
    return ", ".join(names) or f"prospect #{submission.id}"


def _detail_link(submission: Submission) -> str:
    return public_url("workspace.submission_detail", submission_id=submission.id)


def default_message(submission: Submission) -> str:
    """The e-mail's opening; the link, what the page offers and the signature follow
    in the template (templates/mail/proposal_sent.*), so they are not said twice."""
    name = _first_name(submission)
    agreed = notes.agreed_for(submission)
    if agreed is not None:  # the consultation call took place
        return (
            f"Hello{' ' + name if name else ''},\n\n"
            "Thank you for our conversation. Here is our proposal, as we agreed on "
            f"{long_date(agreed.call_date)}: the support we settled on and how we "
            "will work together."
        )
    return (
        f"Hello{' ' + name if name else ''},\n\n"
        "Thank you for telling us about your business. Here is our proposal: what we "
        "heard, the support we suggest and how we would work together."
    )


def queue_sent(submission: Submission, offer: Offer, token: str) -> None:
    practice = current_practice()
    queue_mail(
        to=submission.email,
        template="proposal_sent",
        subject=f"Your proposal from {practice.name}",
        context={
            "message": offer.message,
            "link": public_url("offer.page", token=token),
            "valid_until": offer.content.get("valid_until", ""),
        },
        submission_id=submission.id,
        reply_to=practice.email or "",
        private=True,
    )
    followup.queue_unopened_reminder(submission, offer, token)


def queue_accepted(submission: Submission, offer: Offer, ics: bytes) -> None:
    """The signed copy and the review calendar to the prospect and every consultant."""
    files = [
        ("Signed proposal.pdf", "application/pdf", offer.signed_pdf),
        # the exact PDF that was shown, so the hash on the acceptance page can be
        # checked against it (the signed copy re-writes the file)
        ("Proposal as sent.pdf", "application/pdf", offer.pdf),
        ("Reviews.ics", calendar.CONTENT_TYPE, ics),
    ]
    _to_prospect_and_team(
        submission,
        offer,
        files,
        prospect=(
            "proposal_accepted",
            f"Welcome aboard: your signed proposal from {current_practice().name}",
        ),
        team=("proposal_won", f"Proposal accepted: {_who(submission)}"),
    )
    followup.queue_welcome(submission, offer)


def queue_countersigned(submission: Submission, offer: Offer) -> None:
    """The final copy (both signatures) to the prospect and every consultant, with
    the proposal exactly as sent beside it so the recorded hash can be checked."""
    files = [
        ("Signed agreement.pdf", "application/pdf", offer.final_pdf),
        ("Proposal as sent.pdf", "application/pdf", offer.pdf),
    ]
    _to_prospect_and_team(
        submission,
        offer,
        files,
        prospect=(
            "proposal_countersigned",
            f"Our signed agreement: {current_practice().name}",
        ),
        team=(
            "proposal_countersigned_team",
            f"Proposal countersigned: {_who(submission)}",
        ),
    )


def _to_prospect_and_team(
    submission: Submission,
    offer: Offer,
    files: list,
    *,
    prospect: tuple[str, str],
    team: tuple[str, str],
) -> None:
    """One copy to the prospect (replies to the practice) and one to each active
    member (replies to the prospect), each (template, subject), the same files."""
    if submission.email:
        queue_mail(
            to=submission.email,
            template=prospect[0],
            subject=prospect[1],
            context={"name": _first_name(submission), "offer": offer},
            submission_id=submission.id,
            reply_to=current_practice().email or "",
            attachments=files,
        )
    for consultant in team_recipients():
        queue_mail(
            to=consultant.email,
            template=team[0],
            subject=team[1],
            context={"s": submission, "offer": offer, "link": _detail_link(submission)},
            submission_id=submission.id,
            reply_to=submission.email,
            attachments=files,
        )


def queue_to_consultants(
    submission: Submission, *, template: str, subject: str, text: str
) -> None:
    """A decline or a question, to every consultant; replying writes to the prospect."""
    for consultant in team_recipients():
        queue_mail(
            to=consultant.email,
            template=template,
            subject=f"{subject}: {_who(submission)}",
            context={"s": submission, "text": text, "link": _detail_link(submission)},
            submission_id=submission.id,
            reply_to=submission.email,
        )
