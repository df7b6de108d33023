"""How responses travel: compressed, static files cached for a year under a content
hash, and the private parts of the site kept out of search engines."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request
from flask_compress import Compress

compress = Compress()
YEAR = 365 * 24 * 3600
# the workspace and the resume links (a token in the URL) are never to be indexed
PRIVATE_PREFIXES = ("/workspace", "/start/resume/")
NOINDEX = "noindex, nofollow"
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/csv",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]


class StaticVersions:
    """A short content hash per static file, recomputed when the file changes."""

    def __init__(self, folder: str | None):
        if folder is None:  # create_app always gives the app one
            raise RuntimeError("the app has no static folder")
        self.folder = Path(folder)
        self._seen: dict[str, tuple[float, str]] = {}

    def of(self, filename: str) -> str:
        path = self.folder / filename
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return ""
        seen = self._seen.get(filename)
        if seen and seen[0] == mtime:
            return seen[1]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
        self._seen[filename] = (mtime, digest)
        return digest


def _read_into_memory(response) -> None:
    """A small file's body as bytes, the file closed now: the compressor (which runs
    next) then compresses it whole instead of wrapping the open file."""
    if response.direct_passthrough:
        response.direct_passthrough = False
        data = response.get_data()
        response.close()
        response.set_data(data)


def _cache_static(response, versions: StaticVersions) -> None:
    """A year for the URL of the file as it is now; revalidation for any other URL."""
    filename = (request.view_args or {}).get("filename", "")
    current = request.args.get("v") == versions.of(filename)
    if current and response.status_code in (200, 304):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR
        response.cache_control.immutable = True
    else:  # an unversioned or old URL: check back every time
        response.cache_control.no_cache = True


def init_app(app: Flask) -> None:
    """Compression, cache-busting static URLs, robots.txt, favicon.ico, noindex."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_MIMETYPES)
    compress.init_app(app)
    versions = StaticVersions(app.static_folder)

    @app.url_defaults
    def _static_version(endpoint, values):
        if endpoint == "static" and "v" not in values and "filename" in values:
            version = versions.of(values["filename"])
            if version:
                values["v"] = version

    @app.after_request
    def _cache_and_robots(response):
        if request.endpoint in ("static", "robots_txt", "favicon"):
            _read_into_memory(response)
        if request.endpoint == "static":
            _cache_static(response, versions)
        if request.path.startswith(PRIVATE_PREFIXES):
            response.headers["X-Robots-Tag"] = NOINDEX
        return response

    def _from_static(filename: str, max_age: int):
        def view():
            return app.send_static_file(filename), {
                "Cache-Control": f"public, max-age={max_age}"
            }

        return view

    app.add_url_rule("/robots.txt", "robots_txt", _from_static("robots.txt", 86400))
    app.add_url_rule("/favicon.ico", "favicon", _from_static("favicon.ico", 86400))
