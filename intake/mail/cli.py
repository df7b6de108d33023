"""`flask --app intake deliver-mail`: send what is due, once or in a loop."""

from __future__ import annotations

import logging
import signal
import time

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from ..config import ConfigError, require_secret_key
from ..extensions import db
from . import schedule, transport, worker

log = logging.getLogger(__name__)


@click.command("deliver-mail")
@click.option(
    "--loop", is_flag=True, help="Keep running; look for due mail every few seconds."
)
@click.option(
    "--interval",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds between looks when nothing is due (with --loop).",
)
@with_appcontext
def deliver_mail(loop, interval):
    """Send queued e-mail (with retries), then schedule reminders and the digest."""
    try:  # the messages carry signed unsubscribe links
        require_secret_key(current_app)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    server = transport.parse_mail_url(current_app.config.get("MAIL_URL") or "")
    where = server.describe() if server else f".eml files in {worker.outbox_dir()}"
    name = worker.worker_name()
    if not loop:
        outcomes = _one_pass(name)
        click.echo(f"Delivered to {where}: {_summary(outcomes)}.")
        return
    click.echo(f"Delivering to {where} every {interval:g} s (Ctrl-C or SIGTERM stops).")
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping:
            try:
                outcomes = _one_pass(name)
            except sa.exc.SQLAlchemyError as exc:  # the database away: wait, try again
                db.session.rollback()
                log.warning("action=deliver_mail_db_error error=%s", type(exc).__name__)
                outcomes = {}
            except Exception:  # a bug must not stop the mail: log it, keep going
                db.session.rollback()
                log.exception("action=deliver_mail_error")
                outcomes = {}
            if outcomes:
                click.echo(_summary(outcomes))
            _sleep(interval, stopping)
    except KeyboardInterrupt:
        pass
    click.echo("Stopped.")


def _one_pass(name: str) -> dict:
    """One look for due mail, in an app context of its own: what a pass reads once
    (the practice's Settings: the digest choice, the From name) is read afresh, so a
    running `--loop` sees a change made in the workspace."""
    with current_app.app_context():
        schedule.queue_digest_if_due()
        return worker.deliver_in_parallel(
            worker=name, threads=current_app.config["MAIL_PARALLEL"]
        )


def _sleep(seconds: float, stopping: list) -> None:
    end = time.monotonic() + seconds
    while not stopping and time.monotonic() < end:
        time.sleep(0.2)


def _summary(outcomes) -> str:
    if not outcomes:
        return "nothing was due"
    return ", ".join(f"{n} {outcome}" for outcome, n in sorted(outcomes.items()))
