"""How many e-mails a stranger may make the service send, counted per recipient.

"E-mail me my link", a question about a proposal and a password reset each send an
e-mail on a stranger's say-so. Each such e-mail spends from budgets keyed on who
receives it (and on the draft, link or address asking), counted in the rate-limit store
so that every worker and host count together. Keys are hashed: the store holds no
e-mail or IP address.

When the store is down, the count goes on in this process's memory (a per-process
limit, reset by a restart): prospects' pages work without Redis, and a flood is still
bounded per worker.
"""

from __future__ import annotations

import hashlib
import logging
import threading

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter

from .extensions import limiter

log = logging.getLogger(__name__)
_NAMESPACE = "intake-mail"
_fallback: MemoryStorage | None = None
_fallback_lock = threading.Lock()


def _local() -> MemoryStorage:
    """This process's own store, made on first need (it runs a timer thread)."""
    global _fallback
    with _fallback_lock:
        if _fallback is None:
            _fallback = MemoryStorage()
        return _fallback


def _key(budget: str, who: str) -> str:
    return hashlib.sha256(f"{budget}\0{who}".encode()).hexdigest()[:40]


def _spend(storage: Storage, items: list[tuple[RateLimitItem, str]]) -> bool:
    window = FixedWindowRateLimiter(storage)
    if not all(window.test(item, _NAMESPACE, key) for item, key in items):
        return False
    for item, key in items:
        window.hit(item, _NAMESPACE, key)
    return True


def may_send(**budgets: tuple[str, str]) -> bool:
    """Spend one e-mail from each budget, name=(limit, whose); False (nothing spent)
    when one of them is used up. E.g. may_send(recipient=("3 per hour", address))."""
    items = [
        (item, _key(name, who))
        for name, (limit, who) in budgets.items()
        for item in parse_many(limit)
    ]
    try:
        return _spend(limiter.storage, items)
    except StorageError:
        log.warning("rate-limit store unreachable: e-mail budgets counted per process")
        return _spend(_local(), items)
