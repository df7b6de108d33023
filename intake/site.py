"""The site as a whole: the home page, health check, privacy notice, brand stylesheet,
and what every template sees (the practice, the money filter)."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Blueprint, Response, redirect, render_template, request, url_for

from .extensions import db, limiter
from .practice import format_money
from .practice_store import current_practice

bp = Blueprint("site", __name__)
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")


@bp.get("/")
def home():
    """The public entry point: the questionnaire's start page."""
    return redirect(url_for("prospect.start"))


@bp.get("/healthz")
def healthz():
    """Each dependency's state in JSON; 503 when any is down, so a load balancer stops
    sending traffic here (sign-in needs the rate-limit store, everything the database)."""
    checks = {"database": _database_ok(), "rate_limit_store": _limit_store_ok()}
    body = {name: "ok" if ok else "not answering" for name, ok in checks.items()}
    healthy = all(checks.values())
    body["status"] = "ok" if healthy else "unavailable"
    return body, 200 if healthy else 503


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
    colour = current_practice().brand_colour
    colour = colour if _HEX.match(colour) else "#1f5f8b"
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
