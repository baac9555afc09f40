"""Small agreements for the tests: a police organisation, a goal, an activity and a promise."""

from __future__ import annotations

import re
import zlib
from datetime import date
from typing import Any

PROMISE_TEXT = "Vi ökar närvaron på torget i Älvåsen på fredagskvällar."
ACTIVITY_TITLE = "Kvällsvandringar med föräldrar"
GOAL_TEXT = "Färre skadegörelser på torget"


def police(world: Any) -> Any:
    from samtrygg.partnerships.models import Organisation

    org, _ = Organisation.objects.get_or_create(
        partnership=world.a,
        slug="polisen-alfa",
        defaults={"name": "Lokalpolisområde Alfa", "kind": "polis"},
    )
    return org


def make_agreement(
    world: Any, *, status: str = "draft", parties: tuple[Any, ...] | None = None, version: int = 1
) -> Any:
    """An agreement with a problem, a cause, a goal with an indicator and a promise."""
    from samtrygg.agreements.models import Agreement, Party, Promise
    from samtrygg.plans.models import Activity, Cause, Goal, Indicator, Measure, Problem

    problem = Problem.objects.create(partnership=world.a, title="Skadegörelse vid torget")
    Cause.objects.create(problem=problem, description="Dålig belysning", kind="situational")
    goal = Goal.objects.create(
        partnership=world.a, problem=problem, statement=GOAL_TEXT, owner=world.kommun
    )
    indicator = Indicator.objects.create(
        goal=goal,
        name="Anmälda skadegörelser",
        unit="st",
        frequency="quarterly",
        baseline_value=40,
        baseline_date=date(2025, 12, 31),
        target_value=30,
        target_date=date(2026, 12, 31),
    )
    measure = Measure.objects.create(
        partnership=world.a, title="Trygg torgmiljö", kind="situational", horizon="short"
    )
    activity = Activity.objects.create(
        measure=measure,
        title=ACTIVITY_TITLE,
        owner_organisation=world.kommun,
        owner_person="Åsa Öberg",
        deadline=date(2026, 6, 30),
    )
    agreement = Agreement.objects.create(
        partnership=world.a,
        version=version,
        title="Samverkansöverenskommelse Alfa 2026–2027",
        diarienummer="KS 2026/123",
        period_start=date(2026, 1, 1),
        period_end=date(2027, 12, 31),
        background="Lägesbilden visar ökad otrygghet.\n\nKällor: polisens statistik.",
        causes="Mörka platser och få vuxna ute.",
        documentation="Aktiviteterna dokumenteras i Samtrygg.",
        follow_up="Uppföljning per tertial.",
        follow_up_date=date(2026, 9, 1),
    )
    agreement.problems.add(problem)
    agreement.goals.add(goal)
    promise = Promise.objects.create(
        agreement=agreement, year=2026, focus_area="Torget", text=PROMISE_TEXT
    )
    promise.activities.add(activity)
    promise.indicators.add(indicator)
    for org, role in parties or ((world.kommun, "Kommunstyrelsens ordförande"),):
        Party.objects.create(agreement=agreement, organisation=org, signatory_role=role)
    if status != "draft":
        Agreement.objects.filter(pk=agreement.pk).update(status=status)
        agreement.refresh_from_db()
    return agreement


def pdf_text(data: bytes) -> str:
    """The text of a PDF made by fpdf2, without a PDF library, whitespace removed."""
    return "".join(pdf_page_texts(data))


def pdf_page_texts(data: bytes) -> list[str]:
    """The text of each page of a PDF made by fpdf2, whitespace removed.

    fpdf2 writes text in an embedded TrueType font as 2-byte glyph codes; each font has a
    ToUnicode CMap mapping them back, which is what a PDF reader uses for copy and search.
    Core-font (Latin-1) text is written as literal strings. Line breaks fall between words, so
    the text is compared with all whitespace removed (see :func:`squash`).
    """
    objects: dict[int, tuple[bytes, bytes]] = {}
    start = re.compile(rb"(\d+) 0 obj")
    stream_start = re.compile(rb"stream\r?\n")
    pos = 0
    while m := start.search(data, pos):
        end = data.find(b"endobj", m.end())
        sm = stream_start.search(data, m.end(), end)
        if sm is None:
            head, stream = data[m.end() : end], b""
        else:
            # The stream is exactly /Length bytes: compressed bytes may end in "\r" or hold
            # "endobj", so no pattern can find where they stop.
            head = data[m.end() : sm.start()]
            length = re.search(rb"/Length (\d+)", head)
            assert length is not None, head
            raw = data[sm.end() : sm.end() + int(length.group(1))]
            try:
                stream = zlib.decompress(raw)
            except zlib.error:
                stream = raw
            end = data.find(b"endobj", sm.end() + len(raw))
        objects[int(m.group(1))] = (head, stream)
        pos = end + len(b"endobj")
    cmaps: dict[bytes, dict[int, str]] = {}
    for head, _stream in objects.values():
        for name, num in re.findall(rb"/(F\d+) (\d+) 0 R", head):
            font_head = objects.get(int(num), (b"", b""))[0]
            tu = re.search(rb"/ToUnicode (\d+) 0 R", font_head)
            if tu:
                cmap_stream = objects[int(tu.group(1))][1]
                cmaps[name] = {
                    int(src, 16): bytes.fromhex(dst.decode()).decode("utf-16-be")
                    for src, dst in re.findall(
                        rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", cmap_stream
                    )
                }
    pages: list[str] = []
    token = re.compile(rb"/(F\d+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", re.S)
    for _head, stream in objects.values():
        if b"BT" not in stream:
            continue
        out: list[str] = []
        font: bytes | None = None
        for m in token.finditer(stream):
            if m.group(1):
                font = m.group(1)
                continue
            raw = _unescape(m.group(2))
            cmap = cmaps.get(font or b"")
            if cmap is None:
                out.append(raw.decode("latin-1"))
            else:
                out.append(
                    "".join(
                        cmap.get(int.from_bytes(raw[i : i + 2], "big"), "?")
                        for i in range(0, len(raw) - 1, 2)
                    )
                )
        pages.append(squash("".join(out)))
    return pages


def squash(text: str) -> str:
    return "".join(text.split())


def _unescape(lit: bytes) -> bytes:
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}

    def one(m: re.Match[bytes]) -> bytes:
        esc = m.group(1)
        if esc[:1].isdigit():
            return bytes([int(esc, 8)])
        return escapes.get(esc, esc)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, lit, flags=re.S)
