"""Roles, checked on the server: owners manage settings, the team and deletions."""

from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user


def owner_required(view):
    """Only an owner may use the view: 403 for every other signed-in member.

    Put it under @login_required, which answers a signed-out browser first.
    """

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.is_authenticated and not current_user.is_owner:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
