"""Response headers, bounded ids in URLs, the one sign-in identity and password length,
private-link tokens, and safe `next`."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import unicodedata
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .config import ConfigError

# the largest id an INTEGER column holds on PostgreSQL (and a safe bound on SQLite)
MAX_ID = 2**31 - 1

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)

# no page of intake uses these browser features: none may be asked for (nginx sends the
# same value, deploy/nginx/intake-proxy.conf)
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=(), browsing-topics=()"
)


class IdConverter(IntegerConverter):
    """`<id:name>`: a database id; anything outside 1..MAX_ID matches no route (404)."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map, min=1, max=MAX_ID)


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, its signer built once per secret key: Flask builds
    a new one to read and another to write, on every request (bench/profiles.md)."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        kept = app.extensions.get("intake.session_signer")
        if kept is None or kept[0] != keys:
            kept = (keys, super().get_signing_serializer(app))
            app.extensions["intake.session_signer"] = kept
        return kept[1]

    def save_session(self, app: Flask, session, response) -> None:
        # a static file is the same for everyone: it neither reads nor writes the session,
        # and must not say `Vary: Cookie` (Flask-Login's after-request hook looks at the
        # session on every response, which would add it and split shared caches by cookie)
        if request.endpoint == "static":
            return
        super().save_session(app, session, response)


def init_app(app: Flask) -> None:
    """The security headers (HSTS only in production), the `id` converter, sessions."""
    hsts = app.config["IS_PRODUCTION"]
    app.url_map.converters["id"] = IdConverter
    app.session_interface = SessionCookies()

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        # resume tokens travel in URLs: never leak them to another site
        headers["Referrer-Policy"] = "no-referrer"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        if hsts:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        return response

    if app.config["TRUSTED_PROXIES"]:
        # Flask's documented way to add a WSGI middleware, which mypy reads as
        # replacing a method
        app.wsgi_app = TrustedProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            app.config["TRUSTED_PROXIES"],
            proxy_networks(app.config["TRUSTED_PROXY_ADDRESSES"]),
        )


def proxy_networks(value) -> tuple:
    """INTAKE_TRUSTED_PROXY_ADDRESSES ("127.0.0.1,::1", or CIDR such as 10.0.0.5/32)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    try:
        return tuple(ipaddress.ip_network(i.strip(), strict=False) for i in items)
    except ValueError as exc:
        raise ConfigError(
            f"INTAKE_TRUSTED_PROXY_ADDRESSES must list the proxy's addresses, e.g. "
            f"127.0.0.1,::1 ({exc})"
        ) from None


class TrustedProxyFix:
    """Werkzeug's ProxyFix, for requests from the proxy only: a client that reaches the
    app directly cannot choose its address (the rate limits' key) with X-Forwarded-For.
    A unix socket's peer (no IP address) is local, so trusted."""

    def __init__(self, app, count: int, networks: tuple):
        self.direct = app
        self.proxied = ProxyFix(app, x_for=count, x_proto=count, x_host=count)
        self.networks = networks

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR") or ""
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return self.proxied(environ, start_response)  # a unix socket
        if any(address in network for network in self.networks):
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)


def is_safe_next(target: str | None) -> bool:
    """True for a path on this site; '//evil', '/\\evil' and absolute URLs are refused."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# the shortest password any form or command accepts (joining, reset, `flask create-user`)
MIN_PASSWORD = 10
MAX_PASSWORD = 200


def normalise_identity(value: str | None) -> str:
    """The account identity of a typed e-mail: the one key for lookups and sign-in limits.

    Compatibility forms folded (NFKC: full-width letters, ligatures), control and
    format characters dropped, surrounding space trimmed, lower-cased. Idempotent.
    """
    text = unicodedata.normalize("NFKC", value or "")
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))
    return unicodedata.normalize("NFKC", text.strip().lower())


# a private link's token: 256 random bits; only its hash is stored
TOKEN_BYTES = 32
# a token longer than this is nobody's (legacy signed unsubscribe links aside)
MAX_TOKEN_CHARS = 100


class PrivateToken(NamedTuple):
    """A new private link's token (sent, never stored) and the hash stored for it."""

    token: str
    hash: str


def new_private_token() -> PrivateToken:
    """The one way a private link is made: resume, reset, invitation, proposal and
    unsubscribe links all store `hash` and send `token`."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return PrivateToken(token, hash_token(token))


def hash_token(token: str) -> str:
    """The SHA-256 stored in place of a private link's token (resume, reset, invite, offer)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
