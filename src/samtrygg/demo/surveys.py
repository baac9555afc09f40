"""An example trygghetsmätning for the demo partnership, labelled as made up everywhere.

Real survey results cannot be fetched, so the demo shows two years of an invented police safety
survey for Karlskoga and two of its areas. The figures are drawn with a fixed seed and imported
through the same reader and importer as a real file; the survey is marked ``is_example``.
"""

from __future__ import annotations

import numpy as np
from django.utils import timezone

from samtrygg.analysis.surveys import BUILTIN_FORMULAS
from samtrygg.partnerships.models import Partnership
from samtrygg.surveys.models import Survey, SurveyKind
from samtrygg.surveys.services import import_survey

# The sub-areas carry the demo's own area names, so the survey map colours them.
_AREAS = (("Karlskoga", "Kommun", 820, 51), ("Karlskoga centrum", "Delområde", 210, 46),
          ("Bofors och Bruket", "Delområde", 150, 39))  # fmt: skip
# Answer weights per scale, most favourable first; a later year shifts weight to the others.
_WEIGHTS = np.array([0.38, 0.31, 0.18, 0.08, 0.05])
_SHIFT = np.array([-1.0, 0.0, 0.5, 0.5, 0.0])


def _answers(key: str) -> list[str]:
    scores = BUILTIN_FORMULAS[key].scores
    ordered = sorted(scores, key=scores.__getitem__, reverse=key == "safety")
    return [*ordered, "Vet ej"]


def demo_file(last_year: int, seed: int = 13) -> bytes:
    """The demo's made-up trygghetsmätning (two years up to ``last_year``) as a CSV file."""
    rng = np.random.default_rng(seed)
    lines = ["Område;Nivå;År;Frågekod;Svarsalternativ;Antal;Antal svarande;Svarsfrekvens (%)"]
    for year, shift in ((last_year - 1, 0.0), (last_year, 0.07)):
        for area, level, n, rate in _AREAS:
            for key in ("problem", "worry", "safety"):
                for item in BUILTIN_FORMULAS[key].items:
                    weights = _WEIGHTS + _SHIFT * shift
                    counts = rng.multinomial(n, weights / weights.sum())
                    for answer, count in zip(_answers(key), counts, strict=True):
                        lines.append(f"{area};{level};{year};{item};{answer};{count};{n};{rate}")
    return ("\n".join(lines) + "\n").encode()


def load_demo_surveys(partnership: Partnership) -> Survey:
    """Replace the demo's example trygghetsmätning: the last two full years."""
    Survey.objects.filter(
        partnership=partnership, kind=SurveyKind.POLISEN, is_example=True
    ).delete()
    data = demo_file(timezone.now().year - 1)
    summary = import_survey(
        partnership, data, "exempeldata-trygghetsmatning.csv", SurveyKind.POLISEN,
        is_example=True,
    )  # fmt: skip
    if summary.errors:  # pragma: no cover - the file is made here; a failure is a bug
        raise RuntimeError(f"The demo survey did not import: {summary.errors[:3]}")
    return Survey.objects.get(partnership=partnership, kind=SurveyKind.POLISEN)
