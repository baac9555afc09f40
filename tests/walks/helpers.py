"""A safety walk in partnership A with one observation, for the tests."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from PIL import Image


def walk(world: Any, **fields: Any) -> Any:
    from samtrygg.walks.models import SafetyWalk

    values = {
        "title": "Trygghetsvandring Centrum",
        "walked_on": date(2026, 10, 14),
        "light": "darkness",
        "area": world.drawn_area,
        "participants": {"residents": 9, "young": 4, "police": 1},
        **fields,
    }
    return SafetyWalk.objects.create(partnership=world.a, **values)


def observation(w: Any, **fields: Any) -> Any:
    values = {"lon": 14.515, "lat": 59.331, "kind": "unsafe", "cause": "lighting", **fields}
    return w.observations.create(**values)


def jpeg_with_location(lat: float = 59.3301, lon: float = 14.5203) -> bytes:
    """A small JPEG whose EXIF says where it was taken (as a phone writes it)."""
    image = Image.new("RGB", (40, 30), (200, 120, 40))
    exif = Image.Exif()
    gps = {
        1: "N",
        2: (float(int(lat)), float(int((lat % 1) * 60)), round(((lat * 60) % 1) * 60, 4)),
        3: "E",
        4: (float(int(lon)), float(int((lon % 1) * 60)), round(((lon * 60) % 1) * 60, 4)),
    }
    exif[0x8825] = gps
    exif[0x010F] = "Telefonmärke"  # Make
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
