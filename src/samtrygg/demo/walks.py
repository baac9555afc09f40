"""Two example safety walks for the demo partnership, labelled as made up everywhere.

An evening walk in darkness through Karlskoga centrum, with its report-back meeting held and
its decisions recorded, and a daylight walk in Degerfors centrum whose report-back is still to
come. Every observation has an action in the protocol with an owner (the municipality, the
housing company or a private property owner), a priority and a deadline; some actions are done,
some ongoing, some planned, and a few are linked to measures in the demo action plan.

The walks are fixed texts and places: nothing is drawn at random, and the dates are counted
back from today, so a reload on the same day gives the same walks. Reloading replaces the
example walks (recognised by :data:`EXAMPLE_MARK` in the title) and leaves others alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from samtrygg.areas.models import Area
from samtrygg.partnerships.models import Organisation, Partnership
from samtrygg.plans.models import Measure
from samtrygg.walks.models import Action, Observation, SafetyWalk

EXAMPLE_MARK = "(exempeldata)"
EXAMPLE_NOTE = "Påhittade exempeldata i demon: platser, iakttagelser och beslut är uppdiktade."


@dataclass(frozen=True)
class _Point:
    lon: float
    lat: float
    kind: str
    cause: str
    description: str
    proposal: str
    action: str
    owner: str  # an organisation's slug, or "private:<how the owner is named>"
    priority: str
    deadline: int  # days after the walk when done, else days from today
    status: str
    measure: str = ""  # the title of a measure in the demo action plan


@dataclass(frozen=True)
class _Walk:
    title: str
    area: str
    route: str
    light: str
    participants: dict[str, int]
    introduction: int  # days before the walk
    report_back: int | None  # days after the walk; None: not held yet
    decided: str
    points: list[_Point] = field(default_factory=list)


def _walks() -> list[_Walk]:
    dark = _Walk(
        title=f"Kvällsvandring i Karlskoga centrum {EXAMPLE_MARK}",
        area="Karlskoga centrum",
        route="Busstationen – gångtunneln under Kungsgatan – Stadsparken – Centrumskolans "
        "idrottshall – Bergsmansgatan – torget vid biblioteket. " + EXAMPLE_NOTE,
        light="darkness",
        participants={
            "residents": 14,
            "young": 6,
            "associations": 3,
            "housing": 2,
            "politicians": 2,
            "municipality": 3,
            "police": 2,
        },
        introduction=14,
        report_back=70,
        decided="Återkopplingsmötet beslutade: kommunen byter armaturerna i gångtunneln och "
        "vid idrottshallen före årsskiftet och redovisar till partnerskapet i februari. "
        "Bostadsbolaget byter belysning och lås vid källarentréerna på Bergsmansgatan inom "
        "ramen för åtgärdsplanens insats om säkra förråd. Kommunen kontaktar den privata "
        "fastighetsägaren om den mörka gården vid Kungsgatan. En ny kvällsvandring görs om "
        "ett år för att se om åtgärderna gav effekt. " + EXAMPLE_NOTE,
        points=[
            _Point(
                14.5203, 59.3279, "unsafe", "lighting",
                "Gångtunneln under Kungsgatan vid busstationen: två av fyra armaturer trasiga, "
                "mörkt och klottrat.",
                "Byt till ljusare armaturer, måla väggarna ljusa och sanera klottret.",
                "Byta armaturer och måla om gångtunneln under Kungsgatan",
                "karlskoga-kommun", "high", 45, "done",
            ),
            _Point(
                14.5251, 59.3302, "risk", "lighting",
                "Idrottshallens baksida vid Centrumskolan: ingen belysning, skymd från gatan, "
                "spår av klotter och fimpar.",
                "Belysning på baksidan och snabb sanering av klotter.",
                "Belysning på idrottshallens baksida",
                "karlskoga-kommun", "high", 60, "done",
                "Belysning och snabb sanering vid Centrumskolan",
            ),
            _Point(
                14.5152, 59.3311, "unsafe", "vegetation",
                "Gångstigen genom Stadsparken mot Baggängen: täta buskar skymmer sikten längs "
                "stigen, flera säger att de tar en omväg på kvällen.",
                "Gallra buskarna så att man ser genom parken och sätt upp belysning längs "
                "stigen.",
                "Gallra buskagen längs gångstigen i Stadsparken",
                "karlskoga-kommun", "medium", 45, "ongoing",
            ),
            _Point(
                14.5298, 59.3259, "unsafe", "design",
                "Källarentréerna på Bergsmansgatan: dörrar som inte går i lås, mörka trapphus "
                "och inbrott i förråden.",
                "Säkerhetsdörrar till förråden och rörelsestyrd belysning vid entréerna.",
                "Byta lås och belysning vid källarentréerna på Bergsmansgatan",
                "bostadsbolaget", "high", 90, "ongoing",
                "Säkra förråd och entréer",
            ),
            _Point(
                14.5187, 59.3268, "unsafe", "sight_lines",
                "Gården bakom affärshuset vid Kungsgatan: genväg till busstationen, mörk och "
                "med skymda hörn bakom containrarna.",
                "Belysning på gården och containrarna flyttade in i ett låst soprum.",
                "Kontakta fastighetsägaren om belysning och soprum på gården",
                "private:Fastighetsägaren till affärshuset vid Kungsgatan",
                "medium", 60, "planned",
            ),
            _Point(
                14.5226, 59.3290, "safe", "design",
                "Torget vid biblioteket: god belysning, öppna ytor och folk i rörelse även på "
                "kvällen.",
                "Behåll belysningen och kvällsöppet i biblioteket.",
                "Ta med torgets belysning som förebild i gestaltningsprogrammet",
                "karlskoga-kommun", "low", 150, "planned",
            ),
        ],
    )  # fmt: skip
    day = _Walk(
        title=f"Dagvandring i Degerfors centrum {EXAMPLE_MARK}",
        area="Degerfors centrum",
        route="Degerfors station – gång- och cykelbron över Letälven – Storgatan – "
        "lekplatsen på bostadsbolagets gård – gångvägen mot Stora Valla. " + EXAMPLE_NOTE,
        light="daylight",
        participants={
            "residents": 9,
            "young": 8,
            "associations": 2,
            "housing": 1,
            "municipality": 2,
            "police": 1,
        },
        introduction=10,
        report_back=None,
        decided="",
        points=[
            _Point(
                14.4318, 59.2374, "risk", "litter",
                "Cykelparkeringen vid Degerfors station: övergivna cyklar, skräp och krossat "
                "glas.",
                "Städa, forsla bort övergivna cyklar och sätt upp cykelställ med tak.",
                "Städa cykelparkeringen och forsla bort övergivna cyklar",
                "degerfors-kommun", "medium", 30, "done",
            ),
            _Point(
                14.4347, 59.2391, "unsafe", "sight_lines",
                "Gång- och cykelbron över Letälven: höga plank skymmer sikten mot båda "
                "brofästena.",
                "Ersätt planken med ett genomsiktligt räcke.",
                "Utreda genomsiktligt räcke på gång- och cykelbron",
                "degerfors-kommun", "low", 120, "planned",
            ),
            _Point(
                14.4372, 59.2402, "unsafe", "design",
                "Lekplatsen på bostadsbolagets gård: trasigt staket mot Storgatan och ingen "
                "sittplats för vuxna.",
                "Laga staketet och sätt ut bänkar så att vuxna kan sitta kvar.",
                "Laga staketet och ställa ut bänkar vid lekplatsen",
                "bostadsbolaget", "medium", 60, "done",
            ),
            _Point(
                14.4293, 59.2418, "unsafe", "vegetation",
                "Gångvägen mot Stora Valla: sly växer in över vägen, unga säger att de inte "
                "går där ensamma efter träningen.",
                "Röj slyet och klipp kanterna regelbundet.",
                "Röja sly längs gångvägen mot Stora Valla",
                "degerfors-kommun", "medium", 30, "ongoing",
            ),
            _Point(
                14.4381, 59.2386, "risk", "other",
                "Den tomma butikslokalen på Storgatan: krossad ruta och affischer, ser "
                "övergiven ut.",
                "Fastighetsägaren lagar rutan och ställer ut något i skyltfönstret.",
                "Påminna fastighetsägaren om den tomma butikslokalen",
                "private:Fastighetsägaren till butikslokalen på Storgatan",
                "low", 60, "planned",
            ),
        ],
    )  # fmt: skip
    return [dark, day]


def _last(today: date, month: int, day: int, at_least: int) -> date:
    """The latest ``month``-``day`` that lies at least ``at_least`` days before ``today``."""
    for year in (today.year, today.year - 1, today.year - 2):
        candidate = date(year, month, day)
        if candidate <= today - timedelta(days=at_least):
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def clear_demo_walks(partnership: Partnership) -> None:
    """Delete the example walks (with their points and actions); other walks stay."""
    SafetyWalk.objects.filter(partnership=partnership, title__endswith=EXAMPLE_MARK).delete()


@transaction.atomic
def load_demo_walks(partnership: Partnership, today: date | None = None) -> list[SafetyWalk]:
    """Replace the demo's example safety walks; returns them, the darkness walk first.

    The walk in darkness took place last November (at least 100 days ago, so its report-back
    meeting has been held); the daylight walk last May (at least 60 days ago), and its
    report-back is still to come. Done actions met their deadlines; open ones are due in the
    coming months. Owners that do not exist in the partnership, and measures that are not in
    its action plan, are left out of the actions.
    """
    today = today or timezone.localdate()
    clear_demo_walks(partnership)
    orgs = {o.slug: o for o in Organisation.objects.filter(partnership=partnership)}
    areas = {a.name: a for a in Area.objects.filter(partnership=partnership)}
    measures = {m.title: m for m in Measure.objects.filter(partnership=partnership)}
    walked = [_last(today, 11, 12, 100), _last(today, 5, 20, 60)]
    made = []
    for spec, walked_on in zip(_walks(), walked, strict=True):
        walk = SafetyWalk.objects.create(
            partnership=partnership,
            title=spec.title,
            area=areas.get(spec.area),
            route=spec.route,
            walked_on=walked_on,
            light=spec.light,
            introduction_on=walked_on - timedelta(days=spec.introduction),
            report_back_on=(
                walked_on + timedelta(days=spec.report_back)
                if spec.report_back is not None
                else None
            ),
            report_back_notes=spec.decided,
            participants=spec.participants,
        )
        for point in spec.points:
            seen = Observation.objects.create(
                walk=walk,
                lon=point.lon,
                lat=point.lat,
                kind=point.kind,
                cause=point.cause,
                description=point.description,
                proposal=point.proposal,
            )
            private = point.owner.partition("private:")[2]
            # A done action met its deadline after the walk; an open one is due from today on.
            due = (walked_on if point.status == "done" else today) + timedelta(days=point.deadline)
            Action.objects.create(
                observation=seen,
                text=point.action,
                owner_organisation=None if private else orgs.get(point.owner),
                private_owner=private,
                priority=point.priority,
                deadline=due,
                status=point.status,
                measure=measures.get(point.measure) if point.measure else None,
            )
        made.append(walk)
    return made
