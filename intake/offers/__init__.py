"""The proposal sent by private link, opened, accepted online or declined (issue 14).

The workspace's "Send" and signed copy are the workspace's routes
(intake/workspace/proposal_link.py), which call `service`."""

from __future__ import annotations

from flask import Flask

from . import models, views  # noqa: F401  (the offer table; the proposal pages)


def init_app(app: Flask) -> None:
    """The prospect's proposal pages and the workspace panel's data."""
    app.register_blueprint(views.bp)
    app.add_template_global(views.panel, "offer_panel")
    app.add_template_global(views.attention_count, "attention_count")
