"""The picture's summary in words: hand-worked pictures in Swedish and English, and the page's
summary for a coordinator and a viewer (only numbers the tables show)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import translation

from samtrygg.picture.summary import summary_sentences
from tests.conftest import World
from tests.picture.test_picture import data, get_picture, rows  # noqa: F401 (fixture)


def row(label: str, current: int, baseline: int, **tested: Any) -> SimpleNamespace:
    values = {"difference": current - baseline, "p_adjusted": None, "flagged": False}
    values["direction"] = ""
    values.update(tested)
    return SimpleNamespace(label=label, current=current, baseline=baseline, **values)


def count(label: str, n: int) -> SimpleNamespace:
    return SimpleNamespace(label=label, count=n)


def picture(
    previous: list[SimpleNamespace],
    last_year: list[SimpleNamespace],
    areas: list[SimpleNamespace],
    places: list[SimpleNamespace],
) -> SimpleNamespace:
    return SimpleNamespace(
        changes=[SimpleNamespace(rows=previous), SimpleNamespace(rows=last_year)],
        by_area=SimpleNamespace(rows=areas),
        places=places,
    )


# Week 11: 23 incidents against 18 the week before (not a reliable change in the total);
# vandalism 12 against 3, flagged with Holm p 0.004; against last year burglary 2 against 11,
# flagged with p 0.03 (less clear). Centrum 8 is the largest sub-area (the municipality, 23,
# is not a sub-area); the week's first place is Torget with 6.
WEEK_11 = picture(
    previous=[
        row("skadegörelse", 12, 3, p_adjusted=0.004, flagged=True, direction="up"),
        row("inbrott", 2, 6, p_adjusted=0.6),
        row("Alla kategorier", 23, 18),
    ],
    last_year=[
        row("skadegörelse", 12, 9, p_adjusted=0.9),
        row("inbrott", 2, 11, p_adjusted=0.03, flagged=True, direction="down"),
        row("Alla kategorier", 23, 20),
    ],
    areas=[count("Tranemo kommun", 23), count("Centrum", 8), count("Limmared", 5)],
    places=[SimpleNamespace(label="Torget", count="6"), SimpleNamespace(label="Ruta 2", count="5")],
)
SUB_AREAS = {"Centrum", "Limmared"}


def test_a_week_in_english_names_the_total_the_area_the_place_and_the_clearest_change() -> None:
    with translation.override("en"):
        assert summary_sentences(WEEK_11, SUB_AREAS) == [
            "23 incidents in the period, 5 more than in the previous period (18).",
            "The test finds no reliable change in the total.",
            "Most in Centrum (8).",
            "The week's place with the most incidents: Torget (6).",
            "The clearest tested change: skadegörelse up against the previous period "
            "(12 against 3).",
        ]


def test_the_same_week_in_swedish() -> None:
    with translation.override("sv"):
        assert summary_sentences(WEEK_11, SUB_AREAS) == [
            "23 händelser under perioden, 5 fler än under föregående period (18).",
            "Testet visar ingen säker förändring av det totala antalet.",
            "Flest i Centrum (8).",
            "Veckans plats med flest händelser: Torget (6).",
            "Tydligaste testade förändringen: skadegörelse ökar jämfört med föregående period "
            "(12 mot 3).",
        ]


def test_a_clearer_decrease_against_last_year_wins_and_ties_between_areas_are_named() -> None:
    quiet = picture(
        previous=[
            row("inbrott", 1, 2, p_adjusted=0.9),
            row("Alla kategorier", 1, 9, flagged=True, direction="down"),
        ],  # fmt: skip
        last_year=[
            row("inbrott", 1, 30, p_adjusted=0.0001, flagged=True, direction="down"),
            row("Alla kategorier", 1, 30, flagged=True, direction="down"),
        ],
        areas=[count("Centrum", 4), count("Limmared", 4)],
        places=[],
    )
    with translation.override("sv"):
        assert summary_sentences(quiet, SUB_AREAS) == [
            "1 händelse under perioden, 8 färre än under föregående period (9).",
            "Enligt testet är minskningen troligen inte en slump.",
            "Flest i Centrum, Limmared (4 vardera).",
            "Tydligaste testade förändringen: inbrott minskar jämfört med samma period förra "
            "året (1 mot 30).",
        ]
    with translation.override("en"):
        assert summary_sentences(quiet, SUB_AREAS)[:3] == [
            "1 incident in the period, 8 fewer than in the previous period (9).",
            "The test calls the decrease unlikely to be chance.",
            "Most in Centrum, Limmared (4 each).",
        ]


def test_an_empty_week_says_so_without_areas_places_or_changes() -> None:
    empty = picture(
        previous=[row("inbrott", 0, 0), row("Alla kategorier", 0, 0)],
        last_year=[row("inbrott", 0, 0), row("Alla kategorier", 0, 0)],
        areas=[count("Centrum", 0)],
        places=[],
    )
    with translation.override("en"):
        assert summary_sentences(empty, SUB_AREAS) == [
            "0 incidents in the period, as many as in the previous period.",
            "No category has changed more than chance could explain, against the previous "
            "period or the same period last year.",
        ]
    with translation.override("sv"):
        assert summary_sentences(empty, SUB_AREAS)[0] == (
            "0 händelser under perioden, lika många som under föregående period."
        )


def test_the_coordinators_page_opens_with_the_summary_of_its_tables(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    client = client_for("coordinator")
    client.cookies["django_language"] = "en"
    response = get_picture(client, data)
    words = response.context["summary_words"]()
    # 28 incidents in week 11, 6 in week 10 (2 burglaries, 4 vandalism); all but three of
    # week 11's lie in the drawn area Centrum, 25 of them in one square at Torget.
    assert words[:4] == [
        "28 incidents in the period, 22 more than in the previous period (6).",
        "The test calls the increase unlikely to be chance.",
        "Most in Centrum (25).",
        "The week's place with the most incidents: Torget (25).",
    ]
    assert words[4].startswith("The clearest tested change: inbrott up against")
    html = response.content.decode()
    # The summary, the places and the map come before the counts and the folded tests.
    marks = ('class="summary-words', 'id="places-heading"', 'id="picture-map"')
    marks += ('id="counts-heading"', '<details id="tested-changes"')
    order = [html.index(mark) for mark in marks]
    assert order == sorted(order)
    assert '<details id="tested-changes" class="tested-changes">' in html  # closed on screen


def test_a_viewers_summary_uses_the_published_counts_only(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    client = client_for("viewer")
    client.cookies["django_language"] = "en"
    response = get_picture(client, data)
    pic = response.context["pic"]
    total = pic.changes[0].rows[-1]
    assert total.current == pic.total == sum(rows(pic.by_category).values())
    words = response.context["summary_words"]()
    first = words[0]
    assert first.startswith(f"{pic.total} incidents in the period")
    assert f"({total.baseline})" in first
    centrum = rows(pic.by_area)["Centrum"]
    assert f"Most in Centrum ({centrum})." in words
    # No place name from a report reaches a viewer, in the tables or in the words.
    assert not any("Torget" in s for s in words)


def test_the_printable_report_shows_the_tested_changes_open(
    data: World,  # noqa: F811
    client_for: Any,
) -> None:
    html = get_picture(client_for("coordinator"), data, print="1").content.decode()
    assert '<details id="tested-changes" class="tested-changes" open>' in html
    assert "data-place-search" not in html
