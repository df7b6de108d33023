"""The public URL: every absolute link intake writes (in e-mails and on pages: the
resume link, proposal, reset, invitation and unsubscribe links) is built here, on the
configured public address, never on the request's Host."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

DEV_BASE_URL = "http://127.0.0.1:5000"


def public_base_url() -> str:
    """INTAKE_PUBLIC_BASE_URL without its trailing slash. Unset in development: the
    request's own address (the dev server's), or port 5000 outside a request."""
    base = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if not base:
        if current_app.config.get("IS_PRODUCTION"):
            raise RuntimeError(
                "set INTAKE_PUBLIC_BASE_URL (e.g. https://intake.example.com) so that "
                "links in e-mails point at this service"
            )
        base = request.url_root if has_request_context() else DEV_BASE_URL
    return base.rstrip("/")


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint under the public address, in or out of a request."""
    parts = urlsplit(public_base_url())
    adapter = current_app.url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    """The public address's host name, for Message-IDs."""
    return urlsplit(public_base_url()).hostname or "localhost"
