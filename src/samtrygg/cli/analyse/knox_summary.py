"""The plain-language summary that ``samtrygg analyse knox`` prints, in Swedish and English.

The library returns what a Knox test found as numbers (:meth:`KnoxResult.findings`); the words
are the command line's. The web phrases the same findings with gettext
(:mod:`samtrygg.plans.findings`), so its Swedish lives in the translation catalogue.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from samtrygg.analysis.nearrepeat import KnoxFindings, RaisedRisk

Language = Literal["sv", "en"]

TEXT: dict[str, dict[str, str]] = {
    "sv": {
        "event": "en händelse",
        "same": "På samma plats som {event} är risken förhöjd {window}, ca {pct} %.",
        "near": "Inom {low}–{high} m från {event} är risken förhöjd {window}, ca {pct} %.",
        "same-day": "samma dag",
        "up-to": "i upp till {high} {days}",
        "later": "{span} dagar efteråt",
        "day": "dag",
        "days": "dagar",
        "none": (
            "Ingen förhöjd risk: inget avstånds- och tidsband nära händelserna är både "
            "signifikant (p ≤ {alpha}) och tydligt förhöjt (kvot ≥ {ratio})."
        ),
        "few": " Med {r} permutationer kan p inte bli lägre än {pmin}; använd fler.",
    },
    "en": {
        "event": "an incident",
        "same": "At the same place as {event} the risk is raised {window}, by about {pct}%.",
        "near": "Within {low}–{high} m of {event} the risk is raised {window}, by about {pct}%.",
        "same-day": "on the same day",
        "up-to": "for up to {high} {days}",
        "later": "{span} days later",
        "day": "day",
        "days": "days",
        "none": (
            "No raised risk: no distance and time band near the events is both significant "
            "(p ≤ {alpha}) and clearly raised (ratio ≥ {ratio})."
        ),
        "few": " With {r} permutations p cannot be lower than {pmin}; use more.",
    },
}


def summary(findings: KnoxFindings, language: Language = "sv", event: str | None = None) -> str:
    """One sentence per distance band with raised risk, or one saying that none is raised.

    Parameters
    ----------
    findings : KnoxFindings
        From :meth:`KnoxResult.findings`.
    language : {"sv", "en"}
    event : str, optional
        The event noun with its article ("ett inbrott", "a burglary"); default "en händelse" /
        "an incident".

    Returns
    -------
    str
    """
    if language not in TEXT:
        raise ValueError(f"language {language!r} is not available; use 'sv' or 'en'.")
    text = TEXT[language]
    noun = event or text["event"]
    sentences = [_sentence(text, band, noun, language) for band in findings.raised]
    if not sentences:
        sentences.append(
            text["none"].format(
                alpha=_number(findings.alpha, language), ratio=_number(findings.min_ratio, language)
            )
        )
    if findings.too_few_permutations:
        sentences[-1] += text["few"].format(
            r=findings.iterations, pmin=_number(findings.p_floor, language)
        )
    return " ".join(sentences)


def _sentence(text: dict[str, str], band: RaisedRisk, noun: str, language: str) -> str:
    window = _window(text, band)
    if band.same_location:
        return text["same"].format(event=noun, window=window, pct=band.increase_percent)
    return text["near"].format(
        low=_number(band.distance_low, language),
        high=_number(band.distance_high, language),
        event=noun,
        window=window,
        pct=band.increase_percent,
    )


def _window(text: dict[str, str], band: RaisedRisk) -> str:
    low, high = band.days_low, band.days_high
    if band.window == "same-day":
        return text["same-day"]
    if band.window == "up-to":
        return text["up-to"].format(high=f"{high:g}", days=text["day" if high == 1 else "days"])
    span = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    return text["later"].format(span=span)


def _number(value: float, language: str) -> str:
    formatted = f"{value:g}"
    return formatted.replace(".", ",") if language == "sv" else formatted
