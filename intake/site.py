"""The site as a whole: the home page, health check, privacy notice, brand stylesheet,
and what every template sees (the practice, the money and local_time filters)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, redirect, render_template, request, url_for
from markupsafe import Markup, escape

from . import dates
from .extensions import db, limiter
from .mail.outbox import queue_state
from .practice import format_money, time_zone_of
from .practice_store import current_practice

bp = Blueprint("site", __name__)


@bp.get("/")
def home():
    """The public entry point: the questionnaire's start page."""
    return redirect(url_for("prospect.start"))


@bp.get("/healthz")
def healthz():
    """Liveness for a load balancer: 200 while prospects can be served (the database
    answers), even with the rate-limit store (Redis) down, when sign-in pauses but the
    questionnaire and proposal pages work; 503 only without the database. The JSON names
    each dependency's state: {"status": "ok"|"degraded"|"unavailable", "database": ...,
    "rate_limit_store": "ok"|"down", "mail_queue": {"state": "ok"|"late", "waiting": N,
    "oldest_minutes": M}}. A late queue (no worker, or the mail server away past
    INTAKE_MAIL_QUEUE_WARN_MINUTES) is reported, never a reason to pull the host."""
    body = _dependencies()
    return body, 503 if body["database"] != "ok" else 200


@bp.get("/readyz")
def readyz():
    """Readiness: 200 only when every feature works (sign-in needs the rate-limit store);
    503 with the same JSON otherwise. For monitoring, not for pulling a host."""
    body = _dependencies()
    return body, 200 if body["status"] == "ok" else 503


def _dependencies() -> dict:
    checks = {"database": _database_ok(), "rate_limit_store": _limit_store_ok()}
    body: dict = {name: "ok" if ok else "down" for name, ok in checks.items()}
    if all(checks.values()):
        body["status"] = "ok"
    else:
        body["status"] = "degraded" if checks["database"] else "unavailable"
    body["mail_queue"] = _mail_queue() if checks["database"] else {"state": "unknown"}
    return body


def _mail_queue() -> dict:
    """How late the mail is (intake.mail.outbox.queue_state); one indexed query."""
    try:
        return queue_state().as_json()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return {"state": "unknown"}


def _database_ok() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False
    return True


def _limit_store_ok() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # any failure of the store's client means "not answering"
        return False


@bp.get("/privacy")
def privacy():
    """What the practice keeps, why, for how long, and how to have it deleted."""
    return render_template("privacy.html")


@bp.get("/brand.css")
def brand_css():
    """The brand colour as a stylesheet (the CSP allows no inline style)."""
    colour = current_practice().brand
    response = Response(f":root {{ --brand: {colour}; }}\n", mimetype="text/css")
    if request.args.get("v"):  # the link carries the colour: a change is a new URL
        response.cache_control.public = True
        response.cache_control.max_age = 86400
    return response


@bp.app_context_processor
def _practice():
    return {"practice": current_practice()}


@bp.app_template_filter("money")
def _money(amount):
    return format_money(amount, current_practice().currency)


@bp.app_template_filter("local_time")
def _local_time(value, style: str = "short"):
    """A stored time in the practice's time zone (the one setting the consultation
    availability uses too), in a <time> whose title gives it in UTC."""
    if value is None:
        return ""
    text = dates.local_time(value, time_zone_of(current_practice()), style)
    return Markup('<time datetime="{}" title="{}">{}</time>').format(
        dates.datetime_attr(value), dates.long_moment(value), escape(text)
    )
