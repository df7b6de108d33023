"""The consultant's workspace (sign-in required)."""

from . import (
    auth,  # noqa: F401  (adds sign-in, sign-out and session checks to bp)
    board,  # noqa: F401  (the pipeline by status, bulk moves)
    saved_views,  # noqa: F401  (named filters of the list)
    team,  # noqa: F401  (team, invitations, roles)
    today,  # noqa: F401  (the home: who needs the consultant now and why)
    triage,  # noqa: F401  (the way back to a list, and the next prospect in it)
    views_drafts,  # noqa: F401  (unfinished questionnaires)
)
from .views import bp

__all__ = ["bp"]
