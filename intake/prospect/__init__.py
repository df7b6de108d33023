"""The public questionnaire wizard."""

from . import email_link  # noqa: F401  (its route joins the blueprint)
from .views import bp

__all__ = ["bp"]
