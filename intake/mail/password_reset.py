"""Password reset by e-mail: single-use, expiring, and silent about who has an account.

Only the SHA-256 of a reset token is stored; using one is a conditional UPDATE, so a
link opened twice (or in two tabs at once) changes the password once. The pages are the
workspace's (intake/workspace/reset.py).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from wtforms import EmailField
from wtforms.validators import DataRequired, Length

from .. import throttle
from ..extensions import commit_without_waiting_for_the_disk, db, rows_changed
from ..forms import Form, NewPasswordForm
from ..models import Consultant, PasswordReset, utcnow
from ..security import hash_token, new_private_token, normalise_identity
from . import messages

log = logging.getLogger(__name__)
RESET_MINUTES = 60
# reset e-mails one address receives at most: further asks are answered the same and
# send nothing, so a stranger's asks no longer lock the owner out of resetting
RESETS_PER_RECIPIENT = "3 per hour"


class ForgotForm(Form):
    # the one sign-in identity (security.normalise_identity): no control characters
    # (a NUL byte is refused by PostgreSQL), the same key as sign-in's lookups
    email = EmailField(
        "E-mail",
        filters=[normalise_identity],
        validators=[
            DataRequired("Please give your e-mail address."),
            Length(max=254, message="An e-mail address has at most 254 characters."),
        ],
    )


class ResetForm(NewPasswordForm):
    """The new password for a reset link."""


def request_reset(email: str) -> None:
    """Queue a reset link when the address has an active account and has not had its
    share of reset e-mails; otherwise the same work, undone (nothing is sent).

    The same statements run whichever it is, so neither the answer nor its time tells
    who has an account: the link and its e-mail are written in a savepoint, kept for a
    real account within its budget, rolled back for anyone else. The commit does not
    wait for the disk either way: a kept link's WAL flush made the known addresses'
    answers slower (a ratio of 1.29 to the unknown ones once, on a busy machine); a
    link lost to a database crash in the next ~0.6 s is asked for again.
    """
    identity = normalise_identity(email)[:254]
    commit_without_waiting_for_the_disk()
    within_budget = throttle.may_send(recipient=(RESETS_PER_RECIPIENT, identity))
    user = db.session.scalar(sa.select(Consultant).where(Consultant.email == identity))
    stand_in = _stand_in(identity)  # asked for every address: the same queries
    send = user is not None and user.active and within_budget
    recipient = user if user is not None else stand_in
    if recipient is None:  # no account at all yet: nothing to protect or to time
        return
    token, token_hash = new_private_token()
    savepoint = db.session.begin_nested()
    db.session.add(
        PasswordReset(
            consultant_id=recipient.id,
            token_hash=token_hash,
            expires_at=utcnow() + dt.timedelta(minutes=RESET_MINUTES),
        )
    )
    messages.queue_password_reset(recipient, token, RESET_MINUTES)
    db.session.flush()
    if send:
        savepoint.commit()
        log.info("action=password_reset_requested consultant=%s", recipient.id)
    else:
        savepoint.rollback()


def _stand_in(identity: str) -> Consultant | None:
    """Whom the undone link of an unknown address is written for: a transient
    account named after the address, on the first account's id (the row's foreign
    key); it is never stored, and the savepoint holding its link is rolled back."""
    first = db.session.scalar(sa.select(sa.func.min(Consultant.id)))
    return None if first is None else Consultant(id=first, email=identity, name="")


def usable_reset(token: str) -> PasswordReset | None:
    """The unused, unexpired reset of this token, or None."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        sa.select(PasswordReset).where(
            PasswordReset.token_hash == hash_token(token),
            PasswordReset.used_at.is_(None),
            PasswordReset.expires_at > utcnow(),
        )
    )


def use_reset(reset: PasswordReset, password: str) -> bool:
    """Set the new password once; False when the link was used meanwhile.

    Every other reset link of the account stops working too.
    """
    now = utcnow()
    claimed = rows_changed(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed != 1:
        return False
    db.session.execute(
        sa.update(PasswordReset)
        .where(
            PasswordReset.consultant_id == reset.consultant_id,
            PasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    # set_password is the account's one way to change it (and whatever else a new
    # password must end, such as the sessions signed in under the old one)
    consultant = db.session.get_one(Consultant, reset.consultant_id)
    consultant.set_password(password)
    # and every browser it trusted: a device cookie no longer has its own allowance
    # of sign-in guesses (as "sign out everywhere")
    consultant.device_generation = Consultant.device_generation + 1
    return True
