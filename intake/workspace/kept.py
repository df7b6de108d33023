"""A workspace form posted after the session ended keeps its text through sign-in.

The guard (guard.py) keeps the text fields of the POST in the session, with the page
the form was on, and sends the browser to sign in with that page as `next` (never the
POST's own URL: opened by GET after sign-in, it answered 405). Sign-in (auth.py) carries
what was kept into the new session; the page takes it back and shows it in its form,
not saved yet: the person reads it and saves it again.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, request, session, url_for

from ..security import is_safe_next

KEY = "kept_form"
# the typed text of the workspace's forms: a note, the proposal's message, its cover
# note (choices and ticks are quick to make again, and a delete's tick is never kept)
FIELDS = {"body": "notes", "message": "send", "cover_note": "proposal"}
MAX_CHARS = 5000  # a field's limit in its form
# what the session cookie may weigh with the text in it: browsers drop a cookie over
# 4,096 bytes, and with it the new sign-in
MAX_COOKIE = 3900


def page_of_post() -> str | None:
    """The page a workspace POST's form was on (opened by GET), or None."""
    args = request.view_args or {}
    if "submission_id" in args:
        return url_for(
            "workspace.submission_detail", submission_id=args["submission_id"]
        )
    if "draft_id" in args:
        return url_for("workspace.draft_detail", draft_id=args["draft_id"])
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/workspace/"):
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if is_safe_next(path) else None


def keep_posted(page: str | None) -> str | None:
    """Keep the POST's text fields for `page`; returns where to go after sign-in
    (`page` at the kept form), None when there is no page to go back to."""
    if page is None:
        return None
    fields = {
        name: request.form[name][:MAX_CHARS]
        for name in FIELDS
        if request.form.get(name, "").strip()
    }
    if not fields:
        return page
    session[KEY] = {"page": urlsplit(page).path, "fields": fields}
    if _cookie_size() > MAX_COOKIE:  # too long to carry: sign-in must still work
        session.pop(KEY)
        return page
    return f"{page}#{FIELDS[next(iter(fields))]}"


def _cookie_size() -> int:
    interface = current_app.session_interface
    serializer = interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    return len(serializer.dumps(dict(session))) if serializer else 0


def carried() -> dict | None:
    """What is kept, to carry into a new session (sign-in clears the old one)."""
    return session.get(KEY)


def carry(kept: dict | None) -> None:
    if kept:
        session[KEY] = kept


def take(page: str) -> dict[str, str]:
    """The text kept for `page` (a path), taken out of the session; {} when none."""
    kept = session.get(KEY)
    if not isinstance(kept, dict) or kept.get("page") != page:
        return {}
    session.pop(KEY)
    fields = kept.get("fields") or {}
    return {k: str(v) for k, v in fields.items() if k in FIELDS}
