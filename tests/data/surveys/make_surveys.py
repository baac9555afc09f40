"""Make the made-up survey files in this folder (run: python tests/data/surveys/make_surveys.py).

Every figure here is invented for the tests: the areas are real place names so that the readers'
region checks run, but no number comes from a real survey. The answer distributions are drawn
with a fixed seed, so running the script again gives the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
PROBLEMS = [
    "problem_nedskrapning", "problem_klotter", "problem_skadegorelse", "problem_belysning",
    "problem_ungdomsgang", "problem_narkotika", "problem_berusade", "problem_trafik",
]  # fmt: skip
PROBLEM_ANSWERS = [
    "Inget problem", "Ganska litet problem", "Ganska stort problem", "Mycket stort problem",
    "Vet ej",
]  # fmt: skip
WORRY_ANSWERS = [
    "Inte alls orolig", "Ganska lite orolig", "Ganska orolig", "Mycket orolig", "Vet ej",
]  # fmt: skip
SAFETY_ANSWERS = ["Mycket trygg", "Ganska trygg", "Ganska otrygg", "Mycket otrygg", "Vet ej"]
ITEMS = (
    [(item, "Hur stort problem är " + item.split("_")[1] + " i ditt område?", PROBLEM_ANSWERS)
     for item in PROBLEMS]
    + [("oro_overfall", "Hur orolig är du för att bli överfallen?", WORRY_ANSWERS),
       ("oro_inbrott", "Hur orolig är du för inbrott i din bostad?", WORRY_ANSWERS),
       ("trygg_ute_sent", "Hur trygg känner du dig ute ensam sent en kväll?", SAFETY_ANSWERS)]
)  # fmt: skip
AREAS = [
    ("Karlskoga", "1883", "Kommun", 900, 0.52),
    ("LPO Karlskoga", "", "Lokalpolisområde", 1100, 0.50),
    ("Centrum", "", "Delområde", 240, 0.47),
    ("Bergsmansgatan", "", "Delområde", 160, 0.41),
]


def _distribution(rng: np.random.Generator, n: int, shift: float) -> list[int]:
    weights = np.array([0.40, 0.30, 0.17, 0.08, 0.05]) + np.array([-1, 0, 0.5, 0.5, 0]) * shift
    counts = rng.multinomial(n, weights / weights.sum())
    return [int(c) for c in counts]


def main() -> None:
    rng = np.random.default_rng(13)
    polisen = [
        "Område;Nivå;År;Frågekod;Fråga;Svarsalternativ;Andel (%);Antal svarande;Svarsfrekvens (%)"
    ]
    own = ["area;year;item;item_text;answer;count;n;response_rate"]
    for year, shift in ((2023, 0.0), (2024, 0.06)):
        for area, _code, level, n, rate in AREAS:
            for item, text, answers in ITEMS:
                counts = _distribution(rng, n, shift)
                for answer, count in zip(answers, counts, strict=True):
                    share = f"{100 * count / n:.1f}".replace(".", ",")
                    polisen.append(
                        f"{area};{level};{year};{item};{text};{answer};{share};{n};"
                        f"{str(round(100 * rate, 1)).replace('.', ',')}"
                    )
        # The partnership's own survey: two housing areas, counts as typed in from paper.
        for area, n, rate in (("Norrmalm", 130, 38), ("Baggetorp", 4, 20)):
            for item, text, answers in ITEMS[-3:]:
                for answer, count in zip(answers, _distribution(rng, n, shift), strict=True):
                    own.append(f"{area};{year};{item};{text};{answer};{count};{n};{rate}")
    (HERE / "polisen_trygghetsmatning.csv").write_text("\n".join(polisen) + "\n", "utf-8")
    (HERE / "own_survey_long.csv").write_text("\n".join(own) + "\n", "utf-8")

    ntu = ["Lokalpolisområde;År;Indikator;Andel (%);KI nedre;KI övre;Antal svarande"]
    for year, base in ((2023, 22.4), (2024, 25.1)):
        for lpo, n in (("LPO Karlskoga", 812), ("LPO Örebro", 2410)):
            for indicator, value in (
                ("Otrygghet ute sent på kvällen", base),
                ("Oro för brott i samhället", base + 6.3),
                ("Utsatt för brott mot person", 19.8 - (year - 2023)),
            ):
                half = 1.96 * (value * (100 - value) / n) ** 0.5
                ntu.append(
                    ";".join(
                        [lpo, str(year), indicator]
                        + [
                            f"{v:.1f}".replace(".", ",")
                            for v in (value, value - half, value + half)
                        ]
                        + [str(n)]
                    )
                )
    (HERE / "ntu_lpo.csv").write_text("\n".join(ntu) + "\n", "utf-8")

    scb = {
        "count": 3,
        "values": [
            {"kpi": "U07460", "municipality": mun, "period": year,
             "values": [{"gender": "T", "count": 1, "status": "", "value": value},
                        {"gender": "K", "count": 1, "status": "", "value": value - 4}]}
            for mun, year, value in (("1883", 2022, 58), ("1883", 2024, 61), ("0000", 2024, 63))
        ],
    }  # fmt: skip
    (HERE / "scb_safety_index_kolada.json").write_text(
        json.dumps(scb, ensure_ascii=False, indent=1) + "\n", "utf-8"
    )


if __name__ == "__main__":
    main()
