"""Write ``events_subset.json.gz`` from the whole police events archive.

The archive (85,011 events, 4.4 MB gzip) is too large to carry in the repository. The tests need:

1. every event of Örebro län (its municipalities and the county itself), so Karlskoga's and
   Degerfors' 351 events are all there, next to county-level events of other municipalities;
2. every event in Sweden from 1 December 2024 to 31 January 2025: all 290 municipalities, the
   counties, summary events and a year end (incidents on 31 December published on 1 January);
3. every event of the five municipalities whose names the archive spells differently from SCB
   ("Upplands väsby", "Upplands-bro", "Dals-ed", "Lilla edet", "Östra göinge");
4. the first event of every place name, so all 290 municipalities and 21 counties appear.

The events keep their exact JSON and the archive's order; the gzip stream has no time stamp, so
running the script again gives the same bytes::

    python tests/data/polisen/make_subset.py ../shared/data/polisen/events_2022_2026_all.json.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any

OREBRO_LAN = {
    "Örebro län", "Askersund", "Degerfors", "Hallsberg", "Hällefors", "Karlskoga", "Kumla",
    "Laxå", "Lekeberg", "Lindesberg", "Ljusnarsberg", "Nora", "Örebro",
}  # fmt: skip
SPELLED = {"Upplands väsby", "Upplands-bro", "Dals-ed", "Lilla edet", "Östra göinge"}
FIRST_DAY, LAST_DAY = "2024-12-01", "2025-01-31"
OUTPUT = Path(__file__).with_name("events_subset.json.gz")


def subset(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events that follow rules 1 to 4 of the module docstring, in the archive's order."""
    kept, places = [], set()
    for event in events:
        place = event["location"]["name"]
        day = event["datetime"][:10]
        if (
            place in OREBRO_LAN
            or place in SPELLED
            or FIRST_DAY <= day <= LAST_DAY
            or place not in places
        ):
            kept.append(event)
        places.add(place)
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("archive", type=Path, help="events_2022_2026_all.json.gz")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with gzip.open(args.archive, "rt", encoding="utf-8") as fh:
        events = json.load(fh)
    kept = subset(events)
    data = json.dumps(kept, ensure_ascii=False).encode("utf-8")
    args.output.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(f"{len(kept):,} of {len(events):,} events written to {args.output}")


if __name__ == "__main__":
    main()
