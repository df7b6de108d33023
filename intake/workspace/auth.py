"""Signing in and out of the workspace, and how long a consultant's session lasts."""

from __future__ import annotations

import functools
import logging
import secrets
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db, login_manager
from ..forms import ActionForm
from ..models import Consultant
from ..security import MAX_ID, is_safe_next
from . import audit, kept
from .forms import ListFilterForm, LoginForm
from .guesses import device_of, forget_device, take_guess, trust_device
from .views import bp

log = logging.getLogger(__name__)

NO_MATCH = "That e-mail and password do not match an account."
TOO_MANY = (
    "Too many attempts in a short time. Please wait a few minutes and try again, "
    "or sign in from a browser you have signed in with before."
)


# the signed-in consultant while the session's generation is current and they are a
# member of the team (no row otherwise); built once, the session's values bound to it
# (building a statement costs more than running it: bench/profiles.md, round 3)
SIGNED_IN = sa.select(Consultant).where(
    Consultant.id == sa.bindparam("consultant_id"),
    Consultant.session_generation == sa.bindparam("generation"),
    Consultant.active.is_(True),  # not removed from the team
)
# the pages whose own statement also checks the session: a list page is one SQL
# statement. Each function is given SIGNED_IN and the session's values for it, returns
# the consultant it found (None: signed out) and keeps its page with the request for
# the view. Registered by guard.py; GET requests only.
FOLDED: dict[str, Callable[[sa.Select, dict[str, int]], Consultant | None]] = {}
# a session generation beyond a 32-bit integer names no session (and never reaches SQL)
MAX_GENERATION = 2**31 - 1


def session_values(session_id: str) -> dict[str, int] | None:
    """SIGNED_IN's values for the session's id ("consultant.generation", as get_id
    writes it); None for a malformed one."""
    user_id, _, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit()) or len(user_id) > 10:
        return None
    if int(user_id) > MAX_ID or len(generation) > 10:
        return None
    number = int(generation)
    if str(number) != generation or number > MAX_GENERATION:
        return None
    return {"consultant_id": int(user_id), "generation": number}


@login_manager.user_loader
def _load_consultant(session_id: str) -> Consultant | None:
    """The session's consultant while its generation is current, else no one."""
    values = session_values(session_id)
    if values is None:
        return None
    folded = FOLDED.get(request.endpoint or "") if request.method == "GET" else None
    if folded is not None:
        return folded(SIGNED_IN, values)
    return db.session.scalar(SIGNED_IN, values)


@functools.cache
def _unknown_account_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def _password_matches(user: Consultant | None, password: str) -> bool:
    """Check the password; an unknown e-mail costs the same hashing, so the time
    taken does not tell which e-mails have accounts."""
    if user is None or not user.active:  # unknown, or removed from the team
        check_password_hash(_unknown_account_hash(), password)
        return False
    return user.check_password(password)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in; the message never says whether the e-mail is known."""
    form = LoginForm()
    if form.validate_on_submit():
        return _sign_in(form)
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    return render_template("workspace/login.html", form=form)


def _sign_in(form: LoginForm):
    identity = form.email.data  # normalised by the form, as the account was stored
    user = db.session.scalar(sa.select(Consultant).where(Consultant.email == identity))
    guesses = take_guess(identity, device_of(user))
    if not guesses.allowed:
        log.info("action=sign_in_refused reason=too_many")
        form.password.errors = [TOO_MANY]
        page = render_template("workspace/login.html", form=form)
        return page, 429, {"Retry-After": str(guesses.retry_after)}
    if not _password_matches(user, form.password.data) or user is None:
        log.info("action=sign_in_failed known_device=%s", guesses.trusted)
        form.password.errors = [NO_MATCH]
        return render_template("workspace/login.html", form=form), 401
    guesses.give_back()
    text = kept.carried()  # a form's text kept when the old session ended
    _start_session(user)
    kept.carry(text)
    audit.record("sign_in", user=user, detail=_browser(guesses.trusted))
    db.session.commit()
    log.info("action=sign_in consultant=%s known_device=%s", user.id, guesses.trusted)
    target = form.next.data
    response = redirect(target if is_safe_next(target) else url_for(".today"))
    trust_device(response, user)
    return response


def _browser(known: bool) -> str:
    return "from a browser used before" if known else "from a new browser"


def _start_session(user: Consultant) -> None:
    """A fresh session that ends with the browser: nothing of a questionnaire
    started in this browser (nor its 30-day cookie) carries over."""
    _clear_session()
    session.permanent = False
    login_user(user)
    now = int(time.time())
    session["signed_in_at"] = now
    session["seen_at"] = now


@bp.post("/logout")
def logout():
    """Sign out: the session ends on the server too, so a copied cookie is useless."""
    if ActionForm().validate_on_submit():
        _end_sessions(current_user)
        audit.record("sign_out")
        db.session.commit()
        log.info("action=sign_out")
        _forget_session()
        flash(
            "You have signed out. Sign in again to go back to the workspace.", "success"
        )
    return redirect(url_for(".login"))


@bp.post("/logout-everywhere")
def logout_everywhere():
    """End every session of the account and forget every browser it trusted."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for(".dashboard"))
    _end_sessions(current_user)
    current_user.device_generation = Consultant.device_generation + 1
    audit.record("sign_out_everywhere")
    db.session.commit()
    log.info("action=sign_out_everywhere")
    _forget_session()
    flash("You are signed out on every browser.", "success")
    response = redirect(url_for(".login"))
    forget_device(response)
    return response


def _end_sessions(user: Consultant) -> None:
    # an SQL increment: two sign-outs at once still both end the sessions
    user.session_generation = Consultant.session_generation + 1


def _forget_session() -> None:
    logout_user()
    _clear_session()


def _clear_session() -> None:
    session.clear()
    # Flask-WTF keeps the request's CSRF token in g; the next form needs a new one
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)


def end_stale_session():
    """Sign out a session idle or old beyond the configured limits: the redirect to
    sign in, or None while the session is young enough (guard.py asks, for every
    workspace page)."""
    now, cfg = int(time.time()), current_app.config
    idle = now - session.get("seen_at", 0)
    age = now - session.get("signed_in_at", 0)
    if idle > cfg["SESSION_IDLE_MINUTES"] * 60 or age > cfg["SESSION_MAX_HOURS"] * 3600:
        _forget_session()
        flash("Your session ended. Please sign in again.", "info")
        if request.method == "GET":
            target = request.full_path.rstrip("?")
        else:  # the form's page, with its text kept (never the POST's URL: 405)
            target = kept.keep_posted(kept.page_of_post())
        return redirect(url_for(".login", next=target))
    if idle >= 60:  # rewrite the cookie at most once a minute
        session["seen_at"] = now
    return None


@bp.get("/activity")
def activity():
    """The audit trail: who did what, when, to which submission; and sign-out everywhere."""
    form = ListFilterForm(formdata=request.args)
    number = form.page.data if form.validate() and form.page.data else 1
    page = audit.events_for_page(number)
    return render_template(
        "workspace/activity.html",
        page=page,
        rows=audit.event_rows(page.rows),
    )
