"""The consultation call (issue 24): the practice's availability, free slots, booking,
moving and cancelling by the prospect's private link, the consultant's calendar feed,
and the notes of what was agreed, which shape the proposal.

One calendar for the practice (per team member: not yet)."""

from __future__ import annotations

from flask import Flask

from . import models, views  # noqa: F401  (models: the tables)


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
