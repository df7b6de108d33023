"""The consultant's workspace: the only owner of /workspace/*, one blueprint whose
guard (guard.py: sign-in, session age, owner-only routes, no-store, bounded numbers)
applies once to every route of it."""

from . import (
    auth,  # noqa: F401  (sign-in, sign-out, the session's age, the audit trail page)
    board,  # noqa: F401  (the pipeline by status, bulk moves)
    call_notes,  # noqa: F401  (the consultation notes of a prospect's call)
    calls,  # noqa: F401  (availability, follow-up, invitation to book, calendar feed)
    editor,  # noqa: F401  (the questionnaire editor, owners only: the draft)
    editor_pages,  # noqa: F401  (the editor's step, question, rule, preview, samples)
    guard,  # noqa: F401  (the area's one guard)
    outbox,  # noqa: F401  (every e-mail written, owners only)
    outcomes,  # noqa: F401  (clients' outcomes, the report of what went with them)
    proposal_link,  # noqa: F401  (send/withdraw the proposal by link, the signed copy)
    reset,  # noqa: F401  (forgotten password, reset link)
    saved_views,  # noqa: F401  (named filters of the list)
    team,  # noqa: F401  (team, invitations, roles)
    today,  # noqa: F401  (the home: who needs the consultant now and why)
    triage,  # the way back to a list, and the next prospect in it
    views_drafts,  # noqa: F401  (unfinished questionnaires)
)
from .views import bp

bp.after_request(triage.keep_the_way_back)

__all__ = ["bp"]
