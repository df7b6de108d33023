"""The public questionnaire wizard."""

from .views import bp

__all__ = ["bp"]
