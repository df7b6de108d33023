"""E-mail that is never lost.

Other code queues a message inside its own transaction and commits as usual:

    from intake.mail import queue_mail
    queue_mail(to=..., template="received", subject=..., context={...},
               submission_id=s.id)
    db.session.commit()

The ready-made messages (resume link, received, new submission, reminder, password
reset) are in `intake.mail.messages`. `flask --app intake deliver-mail` delivers.
"""

from __future__ import annotations

import logging

from flask import Flask, g
from sqlalchemy.exc import SQLAlchemyError

from ..config import ConfigError
from ..extensions import db
from . import unsubscribe  # noqa: F401  (its route)
from .cli import deliver_mail
from .outbox import queue_mail
from .transport import MailUrlError, parse_mail_url
from .views import bp
from .worker import deliver_due

__all__ = ["queue_mail", "init_app"]
log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Check INTAKE_MAIL_URL, add the deliver-mail command and the file delivery."""
    try:
        parse_mail_url(app.config.get("MAIL_URL") or "")
    except MailUrlError as exc:
        raise ConfigError(str(exc)) from None
    app.cli.add_command(deliver_mail)
    app.register_blueprint(bp)

    @app.after_request
    def _deliver_to_files(response):
        # without a mail server (development), what a request queued is written to
        # instance/outbox/ at once, so the flow can be followed without a worker
        if g.get("mail_queued") and not app.config.get("MAIL_URL"):
            _deliver_now()
        return response


def _deliver_now() -> None:
    g.mail_queued = False
    if db.session.new or db.session.dirty or db.session.deleted:
        return  # the view did not commit: nothing of it may be committed here
    db.session.rollback()
    try:
        deliver_due(limit=50)
    except SQLAlchemyError:
        # the request's own work is committed; its messages wait in the outbox for the
        # next request or `deliver-mail` (a database restart must not turn into a 500)
        db.session.rollback()
        log.warning("mail file delivery postponed: database unavailable")
