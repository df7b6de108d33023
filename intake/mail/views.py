"""The public pages of mail (unsubscribe: unsubscribe.py). The workspace's Outbox and
the password reset pages are the workspace's (intake/workspace/outbox.py, reset.py)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("mail", __name__)
