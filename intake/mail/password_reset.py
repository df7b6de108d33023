"""Password reset by e-mail: single-use, expiring, and silent about who has an account.

Only the SHA-256 of a reset token is stored; using one is a conditional UPDATE, so a
link opened twice (or in two tabs at once) changes the password once. The pages are the
workspace's (intake/workspace/reset.py).
"""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from flask import render_template
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired

from ..extensions import db
from ..forms import NewPasswordForm
from ..models import Consultant, PasswordReset, utcnow
from ..security import hash_token, new_private_token, normalise_identity
from . import messages

log = logging.getLogger(__name__)
RESET_MINUTES = 60


class ForgotForm(FlaskForm):
    # the one sign-in identity (security.normalise_identity): no control characters
    # (a NUL byte is refused by PostgreSQL), the same key as sign-in's lookups
    email = EmailField(
        "E-mail",
        filters=[normalise_identity],
        validators=[DataRequired("Please give your e-mail address.")],
    )


class ResetForm(NewPasswordForm):
    """The new password for a reset link."""


def request_reset(email: str) -> None:
    """Queue a reset link when the address has an account; the same work either way."""
    token, token_hash = new_private_token()
    user = db.session.scalar(
        sa.select(Consultant).where(Consultant.email == normalise_identity(email)[:254])
    )
    if user is None or not user.active:  # removed members get no link either
        render_template("mail/password_reset.txt", name="", link="", minutes=0)
        return
    db.session.add(
        PasswordReset(
            consultant_id=user.id,
            token_hash=token_hash,
            expires_at=utcnow() + dt.timedelta(minutes=RESET_MINUTES),
        )
    )
    messages.queue_password_reset(user, token, RESET_MINUTES)
    log.info("action=password_reset_requested consultant=%s", user.id)


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
    claimed = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
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
    db.session.get(Consultant, reset.consultant_id).set_password(password)
    return True
