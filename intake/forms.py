"""Forms shared by both blueprints, and the base every form of the app derives from."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form as PlainForm
from wtforms import IntegerField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange

from .security import MAX_PASSWORD, MIN_PASSWORD
from .text import clean_text


def _multiline(value):
    return clean_text(value, multiline=True) if isinstance(value, str) else value


def _single_line(value):
    return clean_text(value) if isinstance(value, str) else value


def _text_filter(field_class: type):
    """The normalisation a field's typed text gets: passwords are kept as typed."""
    if issubclass(field_class, PasswordField):
        return None
    if issubclass(field_class, TextAreaField):
        return _multiline
    if issubclass(field_class, StringField):  # also e-mail, hidden, URL, search
        return _single_line
    return None


class _CleanTextMeta:
    """Every text field filtered by intake.text.clean_text before its own filters and
    validators: no NUL (PostgreSQL refuses it), control or bidi-override characters,
    no surrounding space, and single-line fields on one line."""

    def bind_field(self, form, unbound_field, options):
        clean = _text_filter(unbound_field.field_class)
        if clean is None:
            return super().bind_field(form, unbound_field, options)
        filters = [clean, *unbound_field.kwargs.get("filters", ())]
        return unbound_field.bind(form=form, filters=filters, **options)


class Form(FlaskForm):
    """The base of every form the app reads (a test checks that each one is)."""

    class Meta(_CleanTextMeta):
        pass


class SubForm(PlainForm):
    """The base of a form nested in another (FormField): the same normalisation."""

    class Meta(_CleanTextMeta):
        pass


class ActionForm(Form):
    """A form with no fields: the CSRF token for submit, sign-out and delete buttons."""


class NewPasswordForm(Form):
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


class BoundedIntegerField(IntegerField):
    """WTForms' IntegerField, but a number too large for a float (NumberRange compares
    through one: an OverflowError, a 500) is refused as out of range, or as not a
    number where the field has no range."""

    LARGEST = 10**15

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and abs(self.data) > self.LARGEST:
            self.data = None  # NumberRange then refuses it with its own message
            if not any(isinstance(v, NumberRange) for v in self.validators):
                raise ValueError(self.gettext("Not a valid integer value."))
