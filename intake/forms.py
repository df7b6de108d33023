"""Forms shared by both blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm


class ActionForm(FlaskForm):
    """A form with no fields: the CSRF token for submit, sign-out and delete buttons."""
