"""The consultant's workspace (sign-in required)."""

from . import (
    auth,  # noqa: F401  (adds sign-in, sign-out and session checks to bp)
    saved_views,  # noqa: F401  (named filters of the list)
    team,  # noqa: F401  (team, invitations, roles)
    views_drafts,  # noqa: F401  (unfinished questionnaires)
)
from .views import bp

__all__ = ["bp"]
