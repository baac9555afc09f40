"""A Kolada answer as a coordinator would save it, for the reference-data tests."""

from __future__ import annotations

import json


def kolada_answer(values: dict[tuple[str, int], float | None], kpi: str = "N07403") -> bytes:
    """``{(kolada id, year): value}`` → the JSON of Kolada's v2 data answer."""
    records = [
        {
            "kpi": kpi,
            "municipality": mun,
            "period": year,
            "values": [
                {"gender": "T", "count": 1, "status": "", "value": value},
                {"gender": "K", "count": 1, "status": "", "value": None},
            ],
        }
        for (mun, year), value in values.items()
    ]
    return json.dumps({"count": len(records), "values": records}).encode()


KARLSKOGA = {
    ("1883", 2022): 1100.0,
    ("1883", 2023): 1200.5,
    ("1883", 2024): 1250.0,
    ("0018", 2023): 1000.0,
    ("0018", 2024): 1010.0,
    ("0000", 2023): 950.0,
    ("0000", 2024): 980.0,
}
