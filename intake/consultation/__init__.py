"""The consultation call (issue 24): the practice's availability, free slots, booking,
moving and cancelling by the prospect's private link, the consultant's calendar feed,
and the notes of what was agreed, which shape the proposal.

One calendar for the practice (per team member: not yet)."""

from __future__ import annotations

from flask import Flask

from . import models  # noqa: F401  (the tables)


def init_app(app: Flask) -> None:
    # the pages are imported here, not at the top: they add routes to the workspace's
    # blueprint, whose views import the proposal and offers code, which reads this
    # package's notes (a cycle when this package is imported first)
    from . import (  # noqa: PLC0415 - a cycle otherwise, see above
        notes_pages,
        views,
        workspace_pages,
    )

    app.register_blueprint(views.bp)
    app.add_template_global(
        workspace_pages.availability_section, "availability_section"
    )
    app.add_template_global(workspace_pages.call_panel, "call_panel")
    app.add_template_global(notes_pages.notes_section, "consultation_notes_section")
    app.add_template_global(notes_pages.call_suggestion, "call_suggestion")
    app.add_template_global(workspace_pages.followup_section, "followup_section")
