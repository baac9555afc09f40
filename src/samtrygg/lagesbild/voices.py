"""What residents say, beside what was reported: the lägesbild's inputs from higher apps.

Lag (2023:196) § 4 and the police's citizen-promise process build the local picture from three
sources: incident data, what residents say in surveys and dialogues, and what a safety walk
finds on the ground. The surveys, walks and dialogues apps sit above the lägesbild (see
docs/architecture.md), so the lägesbild cannot import them. Instead each of them registers a
:class:`VoiceSource` in its ``AppConfig.ready``; drafting asks every registered source for its
figures (kept in ``Lagesbild.figures["voices"]`` so that an adopted lägesbild keeps them), its
sentences for the draft, and its line for the source inventory.

The same place holds one more hook, :func:`raised_themes`, that the dialogues app fills: how
often residents raised each theme per area, shown where the citizen promises' focus is chosen
(the agreements app sits above the lägesbild but below the dialogues).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from samtrygg.partnerships.models import Partnership

Figures = Callable[[Partnership, date, date], dict[str, Any] | None]


@dataclass(frozen=True)
class VoiceSource:
    """One input from residents or from the ground, as a higher app contributes it.

    ``figures(partnership, first, last)`` returns plain JSON for the period (None when the
    partnership has nothing of this kind); ``lines(figures)`` the draft's sentences in the
    active language; ``source_entry(figures)`` the source-inventory line (name, reason,
    limitations). ``order`` puts the sections in a fixed order on the page.
    """

    key: str
    order: int
    figures: Figures
    lines: Callable[[dict[str, Any]], list[str]]
    source_entry: Callable[[dict[str, Any]], dict[str, str]]


@dataclass(frozen=True)
class RaisedTheme:
    """A theme residents raised: where, in how many dialogues, and in which years."""

    theme: str
    label: str
    area: str
    dialogues: int
    years: tuple[int, ...]


ThemeProvider = Callable[[Partnership, int, int], list[RaisedTheme]]

_SOURCES: dict[str, VoiceSource] = {}
_THEMES: list[ThemeProvider] = []


def register(source: VoiceSource) -> VoiceSource:
    """Register ``source`` (again under the same key replaces it)."""
    _SOURCES[source.key] = source
    return source


def register_themes(provider: ThemeProvider) -> ThemeProvider:
    """Register ``provider(partnership, first_year, last_year)`` of residents' raised themes."""
    if provider not in _THEMES:
        _THEMES.append(provider)
    return provider


def _sources() -> list[VoiceSource]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def collect(partnership: Partnership, first: date, last: date) -> dict[str, Any]:
    """Every registered source's figures for ``first``..``last`` (sources without data left out)."""
    out: dict[str, Any] = {}
    for source in _sources():
        data = source.figures(partnership, first, last)
        if data:
            out[source.key] = data
    return out


def draft_lines(fig: dict[str, Any]) -> list[str]:
    """The draft's sentences on what residents say, from the stored figures."""
    voices = fig.get("voices") or {}
    lines: list[str] = []
    for source in _sources():
        if source.key in voices:
            lines += source.lines(voices[source.key])
            lines.append("")
    return lines


def source_entries(fig: dict[str, Any]) -> list[dict[str, str]]:
    """Suggested source-inventory lines, one per source with data in the figures."""
    voices = fig.get("voices") or {}
    return [s.source_entry(voices[s.key]) for s in _sources() if s.key in voices]


def raised_themes(partnership: Partnership, first_year: int, last_year: int) -> list[RaisedTheme]:
    """Themes residents raised in ``first_year``..``last_year``, most raised first."""
    rows = [row for provider in _THEMES for row in provider(partnership, first_year, last_year)]
    return sorted(rows, key=lambda r: (-r.dialogues, r.label, r.area))
