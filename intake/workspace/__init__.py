"""The consultant's workspace (sign-in required)."""

from .views import bp

__all__ = ["bp"]
