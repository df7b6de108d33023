"""The one guard of /workspace/*: every route of the workspace blueprint passes here.

Applied once, for the whole area (a route added later is covered without a decorator):
- sign-in, except the PUBLIC pages (sign-in, forgotten password, reset and join links);
  a form posted without a session keeps its text through sign-in (kept.py);
- the session's idle and maximum age (auth.end_stale_session); a revoked session (sign-out
  elsewhere, a new password, a removed member) has no user (auth's user loader);
- the routes of OWNER_ONLY answer 403 to any other member;
- numbers in the URL within 1..MAX_ID (404 otherwise, as the `id` converter does);
- `Cache-Control: no-store` on every answer but the proposal's shared stylesheet.
"""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from ..extensions import login_manager
from ..security import MAX_ID
from . import auth, kept
from .views import bp, list_with_consultant

# the pages a signed-out browser may open: every other workspace endpoint needs a session
PUBLIC = frozenset(
    {
        "workspace.login",
        "workspace.forgot_password",
        "workspace.reset_password",
        "workspace.join",
    }
)
# who may do what beyond the lists, the submissions, notes, status, proposals and the
# CSV export (any member; the export is in the audit trail): owners only, for
# - the practice's settings, the team (invitations, roles, removal) and deletions;
# - the Outbox: every e-mail, to prospects and to the team (reset links included);
# - the audit trail (Activity): what every member did, with invitees' addresses;
# - the questionnaire editor: drafts, preview, samples, publishing a version.
# A path prefix covers its whole subtree: a team route added later is the owners' too.
OWNER_ONLY = (
    "/workspace/settings",
    "/workspace/team",
    "/workspace/outbox",
    "/workspace/activity",
    "/workspace/questionnaire",
    "/workspace/submissions/<id:submission_id>/delete",
)
# a GET of the list reads the signed-in consultant (their session's generation) in its
# page's statement: one statement per page (auth.FOLDED)
auth.FOLDED["workspace.dashboard"] = list_with_consultant
# the same for everyone, personal to no one: caches may keep it
SHARED = frozenset({"workspace.proposal_css"})


def is_owner_only(rule: str) -> bool:
    """True for a URL rule of OWNER_ONLY: a listed path, or a path under one."""
    return any(
        rule == path or rule.startswith((path + "/", path + ".")) for path in OWNER_ONLY
    )


@bp.url_value_preprocessor
def _bounded_numbers(_endpoint, values):
    """A number in a workspace URL is an id or a page: beyond 1..MAX_ID it names nothing."""
    for value in (values or {}).values():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            abort(404)


@bp.before_request
def _guard():
    """Sign-in, session age, roles: in this order, for every workspace route."""
    if request.endpoint in PUBLIC:
        return None
    if not current_user.is_authenticated:  # never signed in, signed out, or revoked
        if request.method == "POST":  # back to the form's page, its text kept
            flash("Your session ended. Please sign in again.", "info")
            target = kept.keep_posted(kept.page_of_post())
            return redirect(url_for("workspace.login", next=target))
        return login_manager.unauthorized()
    ended = auth.end_stale_session()
    if ended is not None:
        return ended
    if is_owner_only(request.url_rule.rule) and not current_user.is_owner:
        abort(403)
    return None


@bp.after_request
def _not_stored(response):
    """Workspace pages and downloads carry personal data: no cache may keep them."""
    if request.endpoint not in SHARED:
        response.headers["Cache-Control"] = "no-store"
    return response
