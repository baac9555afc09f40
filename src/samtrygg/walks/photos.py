"""Photos from a walk: re-encoded without EXIF, so a phone's location never leaves with them.

A photo is opened with Pillow (its decompression-bomb guard on), turned upright from its EXIF
orientation, shrunk to at most 1600 px and saved as a new JPEG with no metadata at all. The
location the phone wrote into the photo is read only when the walker chooses to use it as the
observation's place, and is never stored with the picture.
"""

from __future__ import annotations

import io
from typing import IO, Any

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 15 * 1024 * 1024
MAX_SIDE = 1600
# Pillow refuses larger images as decompression bombs (about 8,000 × 8,000 pixels).
Image.MAX_IMAGE_PIXELS = 64_000_000


class PhotoError(ValueError):
    """The file is not a photo we can store; the message says what to do."""


def _open(data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError(
            _("The file is not a photo that can be read. Take a JPEG or PNG photo and try again.")
        ) from exc
    return image


def read_upload(upload: IO[bytes] | Any) -> bytes:
    """The uploaded file's bytes, refusing files over :data:`MAX_BYTES`."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise PhotoError(
            _("The photo is larger than %(mb)d MB. Take it at a lower resolution.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    data: bytes = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(
            _("The photo is larger than %(mb)d MB. Take it at a lower resolution.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    return data


def clean_photo(data: bytes) -> bytes:
    """A JPEG of at most 1600 px on its longest side, upright, with no EXIF or other metadata."""
    image = ImageOps.exif_transpose(_open(data)) or _open(data)
    image = image.convert("RGB")
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    # A fresh image carries no EXIF, GPS, XMP or ICC data unless given them: give none.
    image.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue()


def _degrees(value: Any, ref: str, negative: str) -> float:
    d, m, s = (float(x) for x in value)
    deg = d + m / 60 + s / 3600
    return -deg if ref == negative else deg


def photo_location(data: bytes) -> tuple[float, float] | None:
    """(lon, lat) from the photo's EXIF GPS tags, or None when it has none."""
    gps = _open(data).getexif().get_ifd(0x8825)  # the GPS IFD
    try:
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lon, lat
