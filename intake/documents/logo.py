"""The practice's logo: a PNG or JPEG upload, checked and re-encoded with Pillow.

Only PNG and JPEG are accepted (never SVG: it can carry scripts and fetch URLs). The
image is decoded, bounded, shrunk to fit the letterhead and written again as a fresh
PNG, so nothing of the uploaded file but its pixels reaches a document.
"""

from __future__ import annotations

import base64
import io

from ..config import MAX_LOGO_BYTES

MAX_UPLOAD_BYTES = MAX_LOGO_BYTES
LIMIT_WORDS = f"{MAX_LOGO_BYTES / 1_000_000:g} MB"  # "1 MB"
MAX_SOURCE_PIXELS = 25_000_000  # refuse decompression bombs before decoding
BOX = (600, 200)  # the largest logo kept, in pixels
FORMATS = {"PNG", "JPEG"}


class LogoRefused(ValueError):
    """The upload is not a usable PNG or JPEG logo; the message says why."""


def logo_from_upload(data: bytes) -> str:
    """The upload as a re-encoded PNG, base64; raises LogoRefused with a reason."""
    # Pillow on the first upload, not in every process that imports the settings form
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - loaded when used

    if not data:
        raise LogoRefused("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise LogoRefused(f"The logo must be at most {LIMIT_WORDS}.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise LogoRefused("The logo must be a PNG or JPEG image.")
            width, height = image.size
            if width * height > MAX_SOURCE_PIXELS:
                raise LogoRefused("The logo is too large in pixels.")
            image.load()
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise LogoRefused("The logo must be a PNG or JPEG image.") from exc
    clean.thumbnail(BOX)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return base64.b64encode(out.getvalue()).decode("ascii")
