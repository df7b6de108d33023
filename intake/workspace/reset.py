"""Forgotten password and the e-mailed reset link: public pages of the workspace (the
logic, silent about who has an account, is in intake/mail/password_reset.py)."""

from __future__ import annotations

import logging

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user, logout_user

from ..extensions import db, limiter
from ..mail.password_reset import (
    RESET_MINUTES,
    ForgotForm,
    ResetForm,
    request_reset,
    usable_reset,
    use_reset,
)
from .views import bp

log = logging.getLogger(__name__)


@bp.route("/forgot-password", methods=["GET", "POST"])
# per network address only: a per-address limit let strangers block the owner's resets;
# what one address receives is bounded by password_reset.RESETS_PER_RECIPIENT instead
@limiter.limit(lambda: current_app.config["LOGIN_ATTEMPTS"], methods=["POST"])
def forgot_password():
    """Ask for a reset link; the answer is the same whether the address is known."""
    form = ForgotForm()
    if form.validate_on_submit():
        request_reset(form.email.data)
        db.session.commit()
        return render_template(
            "mail_pages/forgot_password.html",
            form=form,
            sent_to=form.email.data,
            minutes=RESET_MINUTES,
        )
    return render_template("mail_pages/forgot_password.html", form=form, sent_to="")


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the e-mailed link."""
    reset = usable_reset(token)
    if reset is None:
        return render_template("mail_pages/reset_password.html", form=None), 410
    form = ResetForm()
    if not form.validate_on_submit():
        return render_template("mail_pages/reset_password.html", form=form)
    if not use_reset(reset, form.password.data):
        db.session.rollback()
        return render_template("mail_pages/reset_password.html", form=None), 410
    db.session.commit()
    log.info("action=password_reset consultant=%s", reset.consultant_id)
    if current_user.is_authenticated:
        logout_user()
    flash("Your password is changed. Please sign in with it.", "success")
    return redirect(url_for(".login"))
