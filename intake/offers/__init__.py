"""The proposal sent by private link, opened, accepted online or declined (issue 14).

Importing the package adds the "send" routes to the workspace blueprint, so it must
be imported before that blueprint is registered (create_app does)."""

from __future__ import annotations

from flask import Flask

from . import models, views  # noqa: F401  (the offer table; the workspace routes)


def init_app(app: Flask) -> None:
    """The prospect's proposal pages and the workspace panel's data."""
    app.register_blueprint(views.bp)
    app.add_template_global(views.panel, "offer_panel")
    app.add_template_global(views.attention_count, "attention_count")
