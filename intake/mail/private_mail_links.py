"""Private links written into e-mails that act without signing in: the unsubscribe
link (kept apart from intake.mail.messages so that any package may add one to its own
e-mail without importing the message templates)."""

from __future__ import annotations

from ..extensions import db
from ..models import MailUnsubscribe
from ..security import new_private_token
from .links import public_url


def unsubscribe_url(email: str) -> str:
    """A link that stops reminders to this address, without signing in. Its token is
    random (only the SHA-256 is kept, with the address): the link says nothing about
    whom it is for. Added to the caller's transaction."""
    token, token_hash = new_private_token()
    db.session.add(MailUnsubscribe(token_hash=token_hash, email_key=email.lower()))
    return public_url("mail.unsubscribe", token=token)
