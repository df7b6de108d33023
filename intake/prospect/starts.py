"""How many questionnaires one address may start (issue 11: 150 drafts from one address
in 2 s), counted in the rate-limit store so that every worker and host counts together.

It fails open: when the store is down, prospects are not turned away (a draft costs a
row; a lost prospect costs the practice a client). Sign-in, by contrast, fails closed.
"""

from __future__ import annotations

import hashlib
import logging

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse
from limits.errors import StorageError
from limits.strategies import FixedWindowRateLimiter

from ..extensions import limiter

log = logging.getLogger(__name__)
_NAMESPACE = "intake-draft-start"


def may_start_draft() -> bool:
    """Count one questionnaire started from this address; False when over the limit."""
    address = get_remote_address() or ""
    # hashed: the store keeps no IP addresses
    key = hashlib.sha256(f"start\0{address}".encode()).hexdigest()[:40]
    item = parse(current_app.config["DRAFT_STARTS"])
    try:
        return FixedWindowRateLimiter(limiter.storage).hit(item, _NAMESPACE, key)
    except StorageError:
        log.warning("rate-limit store unreachable: draft start not counted")
        return True
