"""The public questionnaire wizard."""

from . import email_link  # noqa: F401  (its route joins the blueprint)
from .views import bp

__all__ = ["bp"]


@bp.after_request
def _not_stored(response):
    """Every page of the wizard can show a prospect's answers or their resume link
    (a step, the review, the start page of a draft): no cache may keep it."""
    response.cache_control.no_store = True
    return response
