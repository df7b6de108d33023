"""Forms shared by both blueprints."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from .security import MAX_PASSWORD, MIN_PASSWORD


class ActionForm(FlaskForm):
    """A form with no fields: the CSRF token for submit, sign-out and delete buttons."""


class NewPasswordForm(FlaskForm):
    """A new password typed twice (password reset, joining the team)."""

    password = PasswordField(
        "New password",
        validators=[
            DataRequired("Please choose a password."),
            Length(
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
                message=f"Please use at least {MIN_PASSWORD} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "The same password again",
        validators=[EqualTo("password", "The two passwords are not the same.")],
    )
