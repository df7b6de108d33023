"""The consultation call (issue 24): the practice's availability, free slots, booking,
moving and cancelling by the prospect's private link, the consultant's calendar feed.

One calendar for the practice (per team member: not yet)."""

from __future__ import annotations

from flask import Flask

from . import models, views, workspace_pages  # noqa: F401  (table; pages; workspace routes)


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.add_template_global(
        workspace_pages.availability_section, "availability_section"
    )
    app.add_template_global(workspace_pages.call_panel, "call_panel")
    app.add_template_global(workspace_pages.followup_section, "followup_section")
