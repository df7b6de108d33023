"""How many password guesses a sign-in may make: OWASP's device-cookie scheme.

A browser that has signed in to an account carries a signed device cookie. Its guesses
come from its own allowance, so an attacker who exhausts the account's allowance (shared
by every unknown browser, every address and every host) cannot lock the consultant out
of a browser they have used before. Counters live in the rate-limit store.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from dataclasses import dataclass, field

from flask import Response, current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadData, URLSafeTimedSerializer
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter
from werkzeug.wrappers import Response as BaseResponse

from ..extensions import limiter

DEVICE_COOKIE = "intake_device"
DEVICE_COOKIE_PATH = "/workspace/login"
_NAMESPACE = "intake-sign-in"


def _serializer() -> URLSafeTimedSerializer:
    key = current_app.secret_key
    if not key:  # the app refuses to start without one (intake.config)
        raise RuntimeError("SECRET_KEY is not set")
    return URLSafeTimedSerializer(key, salt="intake.device-cookie")


def _device_max_age() -> int:
    return current_app.config["TRUSTED_DEVICE_DAYS"] * 86400


def device_of(user) -> str | None:
    """This browser's device id when its cookie is valid for `user`, else None."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw or user is None:
        return None
    try:
        data = _serializer().loads(raw, max_age=_device_max_age())
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("user") != user.id:
        return None
    if data.get("generation") != user.device_generation:
        return None  # the account said "sign out everywhere" since
    return str(data.get("device"))


def trust_device(response: BaseResponse, user) -> None:
    """Give the browser a new device cookie for `user` (after a right password)."""
    value = _serializer().dumps(
        {
            "user": user.id,
            "generation": user.device_generation,
            "device": secrets.token_urlsafe(16),
        }
    )
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=_device_max_age(),
        path=DEVICE_COOKIE_PATH,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )


def forget_device(response: Response) -> None:
    response.delete_cookie(DEVICE_COOKIE, path=DEVICE_COOKIE_PATH)


def _limit() -> RateLimitItem:
    return parse(current_app.config["LOGIN_ATTEMPTS"])


def _key(kind: str, value: str) -> tuple[str, str]:
    # hashed: the store holds neither e-mail addresses nor IP addresses
    return kind, hashlib.sha256(f"{kind}\0{value}".encode()).hexdigest()[:40]


@dataclass
class Guesses:
    """The allowances one attempt draws on; `take` spends one guess from each."""

    buckets: tuple[tuple[str, str], ...]
    trusted: bool = False
    spent: list[tuple[str, str]] = field(default_factory=list)
    allowed: bool = False
    retry_after: int = 0  # seconds until the empty bucket refills

    def take(self) -> bool:
        """Spend a guess from every bucket (atomically, so parallel requests cannot
        overdraw); False, with nothing spent, when one of them is empty."""
        window, item = FixedWindowRateLimiter(limiter.storage), _limit()
        for bucket in self.buckets:
            if not window.hit(item, _NAMESPACE, *bucket):
                reset = window.get_window_stats(item, _NAMESPACE, *bucket).reset_time
                self.retry_after = max(1, math.ceil(reset - time.time()))
                self.give_back()
                return False
            self.spent.append(bucket)
        self.allowed = True
        return True

    def give_back(self) -> None:
        """Return the guesses spent: a right password costs nothing."""
        window, item = FixedWindowRateLimiter(limiter.storage), _limit()
        for bucket in self.spent:
            window.hit(item, _NAMESPACE, *bucket, cost=-1)
        self.spent.clear()


def take_guess(identity: str, device: str | None) -> Guesses:
    """The allowance this attempt spent from: the known device's own if it has one
    left, else the account's and the address's (shared by every unknown browser)."""
    if device is not None:
        own = Guesses((_key("device", device),), trusted=True)
        if own.take():
            return own
    shared = Guesses(
        (_key("account", identity), _key("address", get_remote_address() or ""))
    )
    shared.take()
    return shared
