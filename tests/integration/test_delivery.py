"""How responses travel: compressed, static files cached for a year under a content
hash, robots.txt and favicon.ico, and the private pages marked noindex."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli

STATIC = Path(__file__).resolve().parents[2] / "intake" / "static"


def static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_are_compressed_for_browsers_that_ask(client):
    plain = client.get("/start/")
    assert "Content-Encoding" not in plain.headers
    zipped = client.get("/start/", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert len(zipped.get_data()) < len(plain.get_data()) / 2


def test_static_files_are_compressed_with_brotli(client):
    [css] = [
        u
        for u in static_urls(client.get("/start/").get_data(as_text=True))
        if ".css" in u
    ]
    response = client.get(css, headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Content-Encoding"] == "br"
    assert (
        brotli.decompress(response.get_data()) == (STATIC / "intake.css").read_bytes()
    )


def test_static_urls_carry_a_content_hash_and_are_cached_for_a_year(client):
    urls = static_urls(client.get("/start/").get_data(as_text=True))
    names = {u.split("?")[0] for u in urls}
    assert {"/static/intake.css", "/static/intake.js", "/static/favicon.ico"} <= names
    for url in urls:
        path, _, query = url.partition("?")
        digest = hashlib.sha256((STATIC / path.removeprefix("/static/")).read_bytes())
        assert query == "v=" + digest.hexdigest()[:12], url
        response = client.get(url)
        assert response.status_code == 200
        cache = response.cache_control
        assert cache.public and cache.immutable and cache.max_age == 365 * 24 * 3600


def test_static_files_do_not_vary_on_the_cookie(client, signed_in):
    """The same file for everyone, signed in or not: `Vary: Cookie` would make every
    shared cache keep one copy per visitor (and the session cookie is never re-sent)."""
    for url in static_urls(client.get("/start/").get_data(as_text=True)):
        response = client.get(url)
        assert response.status_code == 200
        assert "cookie" not in {v.lower() for v in response.vary}, url
        assert "Set-Cookie" not in response.headers
    page = client.get("/workspace/")
    assert "cookie" in {v.lower() for v in page.vary}  # pages still do


def test_an_unversioned_or_old_static_url_is_revalidated(client):
    for url in ("/static/intake.css", "/static/intake.css?v=0123456789ab"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.cache_control.no_cache and not response.cache_control.max_age


def test_robots_txt_keeps_the_workspace_and_resume_links_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    rules = [
        line
        for line in response.get_data(as_text=True).splitlines()
        if line and not line.startswith("#")
    ]
    assert rules == [
        "User-agent: *",
        "Disallow: /workspace/",
        "Disallow: /start/resume/",
    ]


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert response.cache_control.max_age == 86400


def test_private_pages_say_noindex_and_public_ones_do_not(client):
    for path in ("/workspace/login", "/start/resume/no-such-link"):
        response = client.get(path)
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow", path
    login = client.get("/workspace/login").get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in login
    start = client.get("/start/")
    assert "X-Robots-Tag" not in start.headers
    assert 'name="robots"' not in start.get_data(as_text=True)


def test_every_page_has_a_meta_description(client):
    for path in ("/start/", "/privacy", "/workspace/login"):
        html = client.get(path).get_data(as_text=True)
        [description] = re.findall(r'<meta name="description" content="([^"]+)">', html)
        assert len(description) > 30, (path, description)
