"""Demo content for Brå's five steps and the agreement: Karlskoga–Degerfors.

:func:`load_demo_plans` fills the demo partnership (made by
:func:`samtrygg.demo.partnership.load_demo`, with synthetic incidents from
:mod:`samtrygg.demo.incidents`) with

1. an adopted lägesbild for the last twelve full months, its extent and figures drafted from the
   incidents by :mod:`samtrygg.lagesbild.drafting`, the rest written here, with a source inventory;
2. three prioritised problems with cause trees (situational, social and victimisation causes,
   their SAT mechanism and evidence linking to saved views of the picture), SMART goals and
   indicators (computed from the incidents, or entered with values);
3. measures linked to causes and goals, with activities in every state (some overdue, some
   upcoming), and an adopted action plan that satisfies Brå's rules;
4. a samverkansöverenskommelse with medborgarlöften, sent for review, signed by the KSO for
   Karlskoga kommun and the lokalpolisområdeschef for the police, and published.

All people, dates and texts are made up. Dates follow today's date so that the follow-up always
shows overdue and upcoming activities. Running it again replaces this content (see
:func:`reset_demo_plans`).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from samtrygg.agreements import services as agreement_services
from samtrygg.agreements.models import Agreement, Party, Promise, Signature
from samtrygg.areas.models import Area, AreaKind
from samtrygg.demo.partnership import DEMO_PASSWORD
from samtrygg.incidents.models import Category
from samtrygg.lagesbild import drafting
from samtrygg.partnerships.access import Access, access_for
from samtrygg.partnerships.models import Membership, Organisation, Partnership, Role
from samtrygg.periods import local_midnight
from samtrygg.plans import services
from samtrygg.plans.indicators import computed_value
from samtrygg.plans.models import (
    ActionPlan,
    Activity,
    Cause,
    CauseKind,
    ChangeRecord,
    Evidence,
    Goal,
    Indicator,
    IndicatorValue,
    Lagesbild,
    Measure,
    Problem,
    SatMechanism,
    SourceEntry,
)

COORDINATOR_EMAIL = "samordnare@demo.samtrygg.example"
# The two signatories; made here because each party signs only for its own organisation.
SIGNATORIES = (
    # email, first name, last name, organisation slug
    ("kso@demo.samtrygg.example", "Kim", "Ordförande", "karlskoga-kommun"),
    ("lpo-chef@demo.samtrygg.example", "Lo", "Polischef", "polisen-karlskoga"),
)

S = CauseKind.SITUATIONAL
SO = CauseKind.SOCIAL
V = CauseKind.VICTIMISATION
Status = Activity.Status


def reset_demo_plans(partnership: Partnership) -> None:
    """Delete the partnership's lägesbilder, problems, plans, agreements and their change log.

    Adopted lägesbilder and plans and signed agreements refuse to be deleted, on the instance
    and through a queryset (:class:`~samtrygg.freezing.FrozenError`): in real use they are only
    ever superseded. The demo partnership's content is made up and is rebuilt from scratch, so
    throwing the frozen documents away is acceptable here and nowhere else
    (:func:`~samtrygg.freezing.discarding_frozen`). The change log of these documents
    (only plans and agreements write to it) goes too, since what it refers to no longer exists.
    """
    from samtrygg.freezing import discarding_frozen

    with discarding_frozen():
        Signature.objects.filter(party__agreement__partnership=partnership).delete()
        Promise.objects.filter(agreement__partnership=partnership).delete()
        Party.objects.filter(agreement__partnership=partnership).delete()
        Agreement.objects.filter(partnership=partnership).delete()
        ActionPlan.objects.filter(partnership=partnership).delete()
        Measure.objects.filter(partnership=partnership).delete()  # and their activities
        Goal.objects.filter(partnership=partnership).delete()  # and indicators and values
        Problem.objects.filter(partnership=partnership).delete()  # and cause trees and evidence
        Lagesbild.objects.filter(partnership=partnership).delete()  # and source inventories
    ChangeRecord.objects.filter(partnership=partnership).delete()


def _signatories(partnership: Partnership) -> dict[str, Any]:
    """The KSO and the lokalpolisområdeschef: viewers of their organisations (made or reset)."""
    user_model = get_user_model()
    users = {}
    for email, first, last, org_slug in SIGNATORIES:
        user, _ = user_model.objects.update_or_create(
            username=email,
            defaults={"email": email, "first_name": first, "last_name": last, "is_active": True},
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(
            user=user,
            partnership=partnership,
            defaults={
                "role": Role.VIEWER,
                "organisation": Organisation.objects.get(partnership=partnership, slug=org_slug),
            },
        )
        users[org_slug] = user
    return users


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _period(today: date) -> tuple[date, date]:
    """The last twelve full months, ending at least two weeks ago (time to adopt it).

    The synthetic incidents cover the two years up to now, so the year before this period
    misses its first two to six weeks: the drafted comparison leans slightly towards
    "increase". Ending the period nearer today would remove that, but then there would be no
    time between the period and its adoption.
    """
    end = today.replace(day=1) - timedelta(days=1)
    if today.day < 15:
        end = end.replace(day=1) - timedelta(days=1)
    start = (end.replace(day=1) - timedelta(days=334)).replace(day=1)
    return start, _month_end(end)


class _Builder:
    """Creates the demo objects; days are counted from ``today``."""

    def __init__(self, partnership: Partnership, actor: Any, today: date) -> None:
        self.p = partnership
        self.actor = actor
        self.today = today
        self.orgs = {o.slug: o for o in Organisation.objects.filter(partnership=partnership)}
        # Demo accounts that are members, by e-mail: some activities get a responsible member.
        self.members = {
            m.user.email: m.user
            for m in Membership.objects.filter(partnership=partnership).select_related("user")
        }
        self.cats = {c.name: c for c in Category.objects.filter(partnership=partnership)}
        areas = Area.objects.filter(partnership=partnership)
        self.centrum = areas.filter(name="Karlskoga centrum").first()
        self.karlskoga = (
            areas.filter(kind=AreaKind.MUNICIPALITY, code="1883").first()
            or areas.filter(name__icontains="Karlskoga").first()
        )

    def org(self, slug: str) -> Organisation:
        return self.orgs.get(slug) or next(iter(self.orgs.values()))

    def picture_link(self, category: str, area: Area | None, start: date, end: date) -> str:
        url = reverse("picture", kwargs={"slug": self.p.slug})
        query = f"?period=custom&start={start.isoformat()}&end={end.isoformat()}"
        if category in self.cats:
            query += f"&category={self.cats[category].pk}"
        if area is not None:
            query += f"&area={area.pk}"
        return url + query

    def day(self, offset: int) -> date:
        return self.today + timedelta(days=offset)

    def causes(
        self, problem: Problem, tree: list[dict[str, Any]], parent: Cause | None = None
    ) -> dict[str, Cause]:
        """Create a cause tree; returns the causes by their key."""
        made: dict[str, Cause] = {}
        for node in tree:
            cause = Cause.objects.create(
                problem=problem,
                parent=parent,
                description=node["text"],
                kind=node["kind"],
                mechanism=node.get("sat", ""),
            )
            for kind, reference, note in node.get("evidence", ()):
                Evidence.objects.create(cause=cause, kind=kind, reference=reference, note=note)
            made[node["key"]] = cause
            made.update(self.causes(problem, node.get("children", []), cause))
        return made

    def indicator(self, goal: Goal, spec: dict[str, Any], baseline_date: date) -> Indicator:
        """A computed indicator (category, area) gets its baseline from the incidents."""
        indicator = Indicator.objects.create(
            goal=goal,
            name=spec["name"],
            unit=spec["unit"],
            source=spec["source"],
            frequency=spec["frequency"],
            direction=spec.get("direction", Indicator.Direction.DECREASE),
            baseline_date=baseline_date,
            target_date=spec["target_date"],
            category=self.cats.get(spec.get("category", "")),
            area=spec.get("area"),
        )
        if indicator.is_computed:
            # The twelve months up to and including the baseline date (local days).
            now = local_midnight(baseline_date + timedelta(days=1))
            baseline = float(computed_value(indicator, now) or 0)
            indicator.baseline_value = baseline
            indicator.target_value = float(round(baseline * spec["target_factor"]))
        else:
            indicator.baseline_value = spec["baseline"]
            indicator.target_value = spec["target"]
            IndicatorValue.objects.bulk_create(
                [
                    IndicatorValue(
                        indicator=indicator,
                        date=when,
                        value=value,
                        source=spec["source"],
                        entered_by=self.actor,
                    )
                    for when, value in spec.get("values", ())
                ]
            )
        indicator.save()
        return indicator

    def activities(
        self, measure: Measure, specs: list[dict[str, Any]], parent: Activity | None = None
    ) -> list[Activity]:
        made = []
        for spec in specs:
            status = spec["status"]
            activity = Activity.objects.create(
                measure=measure,
                parent=parent,
                title=spec["title"],
                owner_organisation=self.org(spec["org"]),
                owner_person=spec.get("person", ""),
                responsible=self.members.get(spec.get("responsible", "")),
                start=self.day(spec["start"]),
                deadline=self.day(spec["deadline"]),
                status=status,
                progress=100 if status == Status.DONE else spec.get("progress", 0),
                weight=spec.get("weight", 1.0),
                hours=Decimal(spec.get("hours", 0)),
                cost=Decimal(spec.get("cost", 0)),
            )
            made.append(activity)
            made += self.activities(measure, spec.get("children", []), activity)
        return made


def _lagesbild_texts(start: date, end: date) -> dict[str, str]:
    year = end.year
    return {
        "consequences": (
            "Skadegörelse och klotter i Karlskoga centrum, särskilt kring Centrumskolan, kostar "
            "kommunen och fastighetsägarna pengar för sanering och reparationer och gör att "
            "skolmiljön upplevs som sliten och otrygg. Elever och personal beskriver att "
            "skolgården undviks efter mörkrets inbrott.\n\n"
            "Vid Karlskoga busstation samlas större grupper ungdomar på fredags- och "
            "lördagskvällar. Det har lett till att resenärer, främst äldre och kvinnor, säger "
            "att de undviker stationen kvällstid. Bussförare och kioskpersonal har rapporterat "
            "hot och glåpord.\n\n"
            "Inbrott i källarförråd och lägenheter drabbar hushåll i flerbostadsområden. Efter "
            "ett inbrott följer ofta fler i samma kvarter inom några veckor (upprepad "
            "utsatthet i närområdet), vilket skapar oro även hos grannar som inte själva "
            "drabbats."
        ),
        "other_information": (
            f"Trygghetsmätning (kommun och polis, hösten {year - 1}, 1 200 svarande): 41 % av "
            "de svarande i Karlskoga känner sig ganska eller mycket otrygga vid busstationen "
            "kvällstid (2 år tidigare 33 %). Oro för inbrott anges av 28 %.\n\n"
            f"Medborgardialog på biblioteket och i Baggängen (våren {year}): de boende lyfte "
            "mörka gångvägar, nedskräpning vid busstationen och att de inte får veta när det "
            "har varit inbrott i kvarteret.\n\n"
            "Elevenkät på Centrumskolan: en av fem elever i årskurs 8–9 känner sig otrygg på "
            "skolgården efter skoltid.\n\n"
            "Omvärldsbevakning: regionens samlade bild visar ökad rekrytering av unga till "
            "kriminella nätverk i länet; inga tecken på detta i de lokala händelserapporterna "
            "under perioden, men frågan följs i samverkansgruppen."
        ),
        "cause_analysis": (
            "Analysen följer Brå:s modell och läses genom situationell handlingsteori (SAT): "
            "brott uppstår när personer med viss benägenhet möter miljöer som inte säger emot.\n\n"
            "Situationella orsaker: skolgården och busstationen saknar vuxennärvaro de tider "
            "händelserna sker; belysningen är bristfällig vid idrottshallen; klotter saneras "
            "långsamt (median 9 dagar), vilket signalerar att ingen bryr sig.\n\n"
            "Sociala orsaker: en liten grupp unga med svag skolanknytning står för en stor del "
            "av skadegörelsen; få fritidsaktiviteter för högstadieelever kvällstid; alkohol via "
            "langning förekommer på helgkvällar.\n\n"
            "Utsatthet: förråd med enkla lås är lätta mål, och efter ett inbrott är grannarna "
            "under några veckor mer utsatta (near repeat), något de boende i dag inte informeras "
            "om.\n\n"
            "Orsaksträden för de tre prioriterade problemen finns i Samtrygg med underlag för "
            "varje orsak."
        ),
    }


SOURCES = [
    (
        "Samtrygg: händelserapporter från kommunen, skolan, bostadsbolaget och polisen",
        True,
        "Ger plats, tid och kategori för skadegörelse, ordningsstörningar och inbrott.",
        "Bygger på vad organisationerna rapporterar; händelser som ingen rapporterar saknas. "
        "Demodata är syntetiska.",
    ),
    (
        "Polisens anmälningsstatistik på kommunnivå",
        True,
        "Visar utvecklingen av anmälda brott över flera år.",
        "Finns bara på kommunnivå och med fördröjning; kan inte visa enskilda platser.",
    ),
    (
        "Trygghetsmätning (kommun och polis)",
        True,
        "Mäter otrygghet och oro hos invånarna.",
        "Svarsfrekvens 38 %; unga och utrikes födda svarar i lägre grad.",
    ),
    (
        "Medborgardialoger och elevenkät",
        True,
        "Ger de boendes och elevernas bild av var och varför det känns otryggt.",
        "Ej representativt urval; används som komplement, inte som mått.",
    ),
    (
        "Räddningstjänstens insatsstatistik",
        False,
        "Begärd men inte levererad i tid för årets lägesbild.",
        "Anlagda bränder kan vara underskattade; tas med nästa år.",
    ),
    (
        "Socialtjänstens individärenden",
        False,
        "Innehåller personuppgifter och behövs inte för en lägesbild på platsnivå.",
        "Den sociala orsaksanalysen bygger i stället på dialog med fältassistenter och elevhälsan.",
    ),
]


def _problems(b: _Builder, lagesbild: Lagesbild) -> dict[str, Any]:
    """The three prioritised problems with cause trees, goals and indicators."""
    start, end = lagesbild.period_start, lagesbild.period_end
    target = date(end.year + 2, 12, 31)
    follow_up = b.day(120)
    klotter = b.picture_link("skadegörelse/klotter", b.centrum, start, end)
    dark = b.picture_link("belysning/mörk plats", b.centrum, start, end)
    groups = b.picture_link("ungdomsgrupp/samling", b.centrum, start, end)
    unsafe = b.picture_link("otrygg plats", b.centrum, start, end)
    staff = b.picture_link("incident mot personal", b.centrum, start, end)
    burglary = b.picture_link("inbrott", b.karlskoga, start, end)
    P, ST, DI, SU, OT = (
        Evidence.Kind.PICTURE,
        Evidence.Kind.STATISTICS,
        Evidence.Kind.DIALOGUE,
        Evidence.Kind.SURVEY,
        Evidence.Kind.OTHER,
    )
    specs: list[dict[str, Any]] = [
        {
            "key": "klotter",
            "title": "Skadegörelse och klotter vid Centrumskolan kvällstid",
            "what": "Klotter, krossade rutor och sönderslagna cykelställ på skolans fasad, "
            "idrottshall och skolgård.",
            "where": "Centrumskolan och idrottshallen i Karlskoga centrum, särskilt baksidan "
            "mot parkeringen.",
            "when": "Kvällar efter kl. 18, mest torsdag–lördag under höst och vinter.",
            "who": "Elever och personal, skolans fastighetsförvaltning, boende runt skolan.",
            "areas": [b.centrum],
            "tree": [
                {
                    "key": "open",
                    "kind": S,
                    "sat": SatMechanism.SETTING,
                    "text": "Skolgården är öppen och utan vuxna efter kl. 18; skymda hörn vid "
                    "idrottshallen saknar insyn.",
                    "evidence": [
                        (P, klotter, "Händelserna samlas kring idrottshallen kvällstid."),
                        (OT, "Trygghetsvandring vid Centrumskolan", "Tre skymda hörn noterade."),
                    ],
                    "children": [
                        {
                            "key": "light",
                            "kind": S,
                            "sat": SatMechanism.SETTING,
                            "text": "Trasig och för svag belysning på idrottshallens baksida.",
                            "evidence": [(P, dark, "Återkommande rapporter om mörk plats.")],
                        }
                    ],
                },
                {
                    "key": "slow",
                    "kind": S,
                    "sat": SatMechanism.SETTING,
                    "text": "Klotter saneras långsamt, vilket signalerar att ingen bryr sig "
                    "och lockar till mer.",
                    "evidence": [(ST, "Fastighetsförvaltningens saneringslogg", "Median 9 dagar.")],
                },
                {
                    "key": "youth",
                    "kind": SO,
                    "sat": SatMechanism.PROPENSITY,
                    "text": "En liten grupp unga 13–16 år med svag skolanknytning står för en "
                    "stor del av taggarna.",
                    "evidence": [
                        (DI, "Dialogmöte med elevhälsan och fältassistenterna", "Anteckningar.")
                    ],
                    "children": [
                        {
                            "key": "leisure",
                            "kind": SO,
                            "sat": SatMechanism.CAUSE_OF_CAUSES,
                            "text": "Få organiserade fritidsaktiviteter för högstadieelever "
                            "kvällstid i centrum.",
                            "evidence": [(SU, "Elevenkät Centrumskolan", "Åk 8–9.")],
                        }
                    ],
                },
                {
                    "key": "target",
                    "kind": V,
                    "sat": SatMechanism.EXPOSURE,
                    "text": "Fasaden och cykelställen är lätta mål: ljusa släta ytor utan "
                    "klotterskydd.",
                    "evidence": [(OT, "Fastighetsbesiktning", "Inget klotterskydd på fasaden.")],
                },
            ],
            "goal": {
                "statement": "Skadegörelse och klotter i Karlskoga centrum minskar med en "
                "fjärdedel till och med "
                f"{target.year}, och klotter saneras inom två dygn.",
                "owner": "karlskoga-kommun",
                "indicators": [
                    {
                        "name": "Skadegörelse/klotter i Karlskoga centrum (12 månader)",
                        "unit": "händelser",
                        "source": "Samtrygg, händelserapporter",
                        "frequency": Indicator.Frequency.QUARTERLY,
                        "category": "skadegörelse/klotter",
                        "area": b.centrum,
                        "target_factor": 0.75,
                        "target_date": target,
                    },
                    {
                        "name": "Dagar till sanering av klotter (median)",
                        "unit": "dagar",
                        "source": "Fastighetsförvaltningens saneringslogg",
                        "frequency": Indicator.Frequency.MONTHLY,
                        "baseline": 9.0,
                        "target": 2.0,
                        "target_date": target,
                        "values": [(b.day(-60), 7.0), (b.day(-30), 5.0), (b.day(-5), 4.0)],
                    },
                ],
            },
        },
        {
            "key": "station",
            "title": "Ungdomsgrupper och otrygghet vid Karlskoga busstation helgkvällar",
            "what": "Större grupper unga samlas, ibland med alkohol; bråk, hot mot personal och "
            "nedskräpning. Resenärer känner sig otrygga.",
            "where": "Karlskoga busstation med väntsal, kiosk och gångtunnel.",
            "when": "Fredag och lördag kl. 20–01, mest under skolterminerna.",
            "who": "Resenärer, särskilt äldre och kvinnor, bussförare och kioskpersonal.",
            "areas": [b.centrum],
            "tree": [
                {
                    "key": "closed",
                    "kind": S,
                    "sat": SatMechanism.SETTING,
                    "text": "Väntsal och kiosk stänger kl. 21 medan bussarna går till midnatt; "
                    "då finns inga vuxna som säger ifrån.",
                    "evidence": [(P, groups, "Samlingarna börjar efter kl. 21.")],
                },
                {
                    "key": "hub",
                    "kind": S,
                    "sat": SatMechanism.EXPOSURE,
                    "text": "Busstationen är knutpunkt för unga från hela kommunen på helgkvällar.",
                    "evidence": [(P, unsafe, "Otrygg plats rapporteras mest fre–lör.")],
                },
                {
                    "key": "alcohol",
                    "kind": SO,
                    "sat": SatMechanism.PROPENSITY,
                    "text": "Alkohol via langning sänker tröskeln för bråk och hot.",
                    "evidence": [
                        (DI, "Medborgardialog på biblioteket", "Boende och fältassistenter."),
                        (ST, "Polisens ingripanden helgkvällar (sammanställda)", "Utan namn."),
                    ],
                },
                {
                    "key": "travellers",
                    "kind": V,
                    "sat": SatMechanism.EXPOSURE,
                    "text": "Personal och ensamma resenärer är utsatta när de väntar kvällstid.",
                    "evidence": [
                        (P, staff, "Incidenter mot personal vid stationen."),
                        (SU, "Trygghetsmätning", "41 % otrygga vid busstationen kvällstid."),
                    ],
                },
            ],
            "goal": {
                "statement": "Andelen invånare som känner sig otrygga vid busstationen "
                f"kvällstid minskar från 41 % till högst 30 % till och med {target.year}.",
                "owner": "karlskoga-kommun",
                "indicators": [
                    {
                        "name": "Otrygga vid busstationen kvällstid",
                        "unit": "% av svarande",
                        "source": "Trygghetsmätning (kommun och polis)",
                        "frequency": Indicator.Frequency.YEARLY,
                        "baseline": 41.0,
                        "target": 30.0,
                        "target_date": target,
                        "values": [(end, 41.0)],
                    },
                    {
                        "name": "Ungdomsgrupp/samling i Karlskoga centrum (12 månader)",
                        "unit": "händelser",
                        "source": "Samtrygg, händelserapporter",
                        "frequency": Indicator.Frequency.TERTIAL,
                        "category": "ungdomsgrupp/samling",
                        "area": b.centrum,
                        "target_factor": 0.8,
                        "target_date": target,
                    },
                ],
            },
        },
        {
            "key": "burglary",
            "title": "Upprepade inbrott i förråd och lägenheter i flerbostadsområden",
            "what": "Inbrott och inbrottsförsök i källarförråd, cykelrum och lägenheter; "
            "efter ett inbrott följer ofta fler i samma kvarter inom några veckor.",
            "where": "Flerbostadsområdena Baggängen, Bregården och Rävåsen i Karlskoga.",
            "when": "Hela dygnet, flest under hösten och kring storhelger.",
            "who": "Hyresgäster i bostadsbolagets och privata hyresvärdars hus.",
            "areas": [b.karlskoga],
            "tree": [
                {
                    "key": "near",
                    "kind": V,
                    "sat": SatMechanism.EXPOSURE,
                    "text": "Efter ett inbrott är grannarna under några veckor mer utsatta "
                    "(near repeat), men de informeras inte.",
                    "evidence": [(P, burglary, "Analys av upprepad utsatthet i bilden.")],
                },
                {
                    "key": "locks",
                    "kind": S,
                    "sat": SatMechanism.SETTING,
                    "text": "Källarförråd och cykelrum har enkla lås och trasiga dörrstängare.",
                    "evidence": [(OT, "Bostadsbolagets besiktning av förråd", "35 % säkra.")],
                },
                {
                    "key": "repeat",
                    "kind": SO,
                    "sat": SatMechanism.PROPENSITY,
                    "text": "Ett fåtal personer begår många av inbrotten och återkommer till "
                    "områden de känner.",
                    "evidence": [
                        (ST, "Polisens sammanfattade underrättelsebild", "Utan personuppgifter.")
                    ],
                },
            ],
            "goal": {
                "statement": "Inbrotten i Karlskoga minskar med en femtedel och nio av tio "
                f"förråd har säkerhetsdörr till och med {target.year}.",
                "owner": "bostadsbolaget",
                "indicators": [
                    {
                        "name": "Inbrott i Karlskoga (12 månader)",
                        "unit": "händelser",
                        "source": "Samtrygg, händelserapporter",
                        "frequency": Indicator.Frequency.QUARTERLY,
                        "category": "inbrott",
                        "area": b.karlskoga,
                        "target_factor": 0.8,
                        "target_date": target,
                    },
                    {
                        "name": "Förråd med säkerhetsdörr",
                        "unit": "%",
                        "source": "Bostadsbolagets fastighetsregister",
                        "frequency": Indicator.Frequency.TERTIAL,
                        "direction": Indicator.Direction.INCREASE,
                        "baseline": 35.0,
                        "target": 90.0,
                        "target_date": target,
                        "values": [(b.day(-90), 42.0), (b.day(-10), 51.0)],
                    },
                ],
            },
        },
    ]
    out: dict[str, Any] = {}
    for priority, spec in enumerate(specs, start=1):
        problem = Problem.objects.create(
            partnership=b.p,
            lagesbild=lagesbild,
            title=spec["title"],
            what=spec["what"],
            where=spec["where"],
            when=spec["when"],
            who_affected=spec["who"],
            priority=priority,
        )
        problem.areas.set([a for a in spec["areas"] if a is not None])
        causes = b.causes(problem, spec["tree"])
        g = spec["goal"]
        goal = Goal.objects.create(
            partnership=b.p,
            problem=problem,
            statement=g["statement"],
            owner=b.org(g["owner"]),
            follow_up_date=follow_up,
        )
        indicators = [b.indicator(goal, i, end) for i in g["indicators"]]
        out[spec["key"]] = {
            "problem": problem,
            "causes": causes,
            "goal": goal,
            "indicators": indicators,
        }
    return out


def _measures(b: _Builder, problems: dict[str, Any]) -> dict[str, Any]:
    """Six measures, situational and social, each with activities (every status is used)."""
    kl, st, bu = problems["klotter"], problems["station"], problems["burglary"]
    M = Measure.Kind
    H = Measure.Horizon
    specs: list[dict[str, Any]] = [
        {
            "key": "light",
            "title": "Belysning och snabb sanering vid Centrumskolan",
            "kind": M.SITUATIONAL,
            "horizon": H.SHORT,
            "description": "Ny belysning på idrottshallens baksida, klotterskydd och "
            "sanering inom 48 timmar.",
            "effect": "Färre skymda och mörka platser; klotter blir kortlivat och mindre lockande.",
            "causes": [kl["causes"]["light"], kl["causes"]["slow"], kl["causes"]["target"]],
            "goals": [kl["goal"]],
            "area": b.centrum,
            "activities": [
                {
                    "title": "Byta armaturer på idrottshallens baksida",
                    "org": "karlskoga-kommun",
                    "person": "Driftansvarig, gatu- och parkenheten",
                    "status": Status.DONE,
                    "start": -75,
                    "deadline": -30,
                    "hours": 24,
                    "cost": 85000,
                },
                {
                    "title": "Sanering inom 48 timmar",
                    "org": "karlskoga-kommun",
                    "person": "Fastighetsförvaltare",
                    "status": Status.ONGOING,
                    "start": -60,
                    "deadline": 60,
                    "hours": 0,
                    "cost": 0,
                    "children": [
                        {
                            "title": "Avtal med saneringsentreprenör",
                            "org": "karlskoga-kommun",
                            "person": "Upphandlare",
                            "status": Status.DONE,
                            "start": -60,
                            "deadline": -20,
                            "hours": 16,
                            "cost": 0,
                        },
                        {
                            "title": "Skolans personal rapporterar klotter samma dag",
                            "responsible": "skola@demo.samtrygg.example",
                            "org": "centrumskolan",
                            "person": "Rektor",
                            "status": Status.ONGOING,
                            "progress": 50,
                            "start": -20,
                            "deadline": 60,
                            "hours": 20,
                            "cost": 0,
                        },
                    ],
                },
                {
                    "title": "Klotterskydd på fasaden mot parkeringen",
                    "org": "karlskoga-kommun",
                    "person": "Fastighetsförvaltare",
                    "status": Status.PLANNED,
                    "start": 20,
                    "deadline": 45,
                    "hours": 8,
                    "cost": 60000,
                },
            ],
        },
        {
            "key": "leisure",
            "title": "Kvällsöppen fritidsgård och fältarbete i centrum",
            "kind": M.SOCIAL,
            "horizon": H.LONG,
            "description": "Fritidsgården håller öppet fredagar till kl. 23 och fältassistenter "
            "rör sig kring skolan och busstationen.",
            "effect": "Unga har en plats med vuxna att vara på; färre söker sig till skolgården.",
            "causes": [kl["causes"]["youth"], kl["causes"]["leisure"]],
            "goals": [kl["goal"], st["goal"]],
            "area": b.centrum,
            "activities": [
                {
                    "title": "Fritidsgården öppen fredagar till kl. 23",
                    "responsible": "samordnare@demo.samtrygg.example",
                    "org": "karlskoga-kommun",
                    "person": "Fritidsgårdsföreståndare",
                    "status": Status.ONGOING,
                    "progress": 40,
                    "start": -45,
                    "deadline": 150,
                    "hours": 320,
                    "cost": 180000,
                },
                {
                    "title": "Föräldravandringar fredagskvällar",
                    "org": "centrumskolan",
                    "person": "Kurator",
                    "status": Status.DELAYED,
                    "progress": 20,
                    "start": -50,
                    "deadline": -14,
                    "hours": 60,
                    "cost": 5000,
                },
            ],
        },
        {
            "key": "guards",
            "title": "Vuxennärvaro och ordningsvakter vid busstationen",
            "kind": M.SITUATIONAL,
            "horizon": H.SHORT,
            "description": "Ordningsvakter och polisens riktade närvaro fredag och lördag "
            "kväll; väntsalen hålls öppen till sista bussen.",
            "effect": "Fler vuxna som säger ifrån; resenärer känner sig tryggare.",
            "causes": [st["causes"]["closed"], st["causes"]["hub"], st["causes"]["travellers"]],
            "goals": [st["goal"]],
            "area": b.centrum,
            "activities": [
                {
                    "title": "Ordningsvakter fredag–lördag kl. 20–01",
                    "org": "karlskoga-kommun",
                    "person": "Säkerhetssamordnare",
                    "status": Status.ONGOING,
                    "progress": 60,
                    "start": -90,
                    "deadline": 90,
                    "hours": 0,
                    "cost": 240000,
                },
                {
                    "title": "Polisens riktade närvaro helgkvällar",
                    "responsible": "analytiker@demo.samtrygg.example",
                    "org": "polisen-karlskoga",
                    "person": "Kommunpolis",
                    "status": Status.ONGOING,
                    "progress": 70,
                    "start": -90,
                    "deadline": -3,
                    "hours": 200,
                    "cost": 0,
                },
                {
                    "title": "Överenskommelse med trafikbolaget om öppen väntsal",
                    "org": "karlskoga-kommun",
                    "person": "Trafikstrateg",
                    "status": Status.DONE,
                    "start": -80,
                    "deadline": -40,
                    "hours": 12,
                    "cost": 0,
                },
                {
                    "title": "Förstudie kamerabevakning (ersatt av ordningsvakter)",
                    "org": "polisen-karlskoga",
                    "person": "Kommunpolis",
                    "status": Status.CANCELLED,
                    "start": -80,
                    "deadline": -10,
                    "hours": 6,
                    "cost": 0,
                },
            ],
        },
        {
            "key": "langning",
            "title": "Insatser mot langning och information till föräldrar",
            "kind": M.SOCIAL,
            "horizon": H.LONG,
            "description": "Information till föräldrar, tillsyn av försäljning av folköl och "
            "gemensamma kontroller mot langning.",
            "effect": "Mindre alkohol bland unga på helgkvällar och därmed färre bråk.",
            "causes": [st["causes"]["alcohol"]],
            "goals": [st["goal"]],
            "area": None,
            "activities": [
                {
                    "title": "Informationsbrev till föräldrar i årskurs 8–9",
                    "org": "centrumskolan",
                    "person": "Rektor",
                    "status": Status.DONE,
                    "start": -40,
                    "deadline": -25,
                    "hours": 6,
                    "cost": 2000,
                },
                {
                    "title": "Tillsyn av folkölsförsäljning",
                    "org": "karlskoga-kommun",
                    "person": "Alkoholhandläggare",
                    "status": Status.PLANNED,
                    "start": 10,
                    "deadline": 40,
                    "hours": 30,
                    "cost": 0,
                },
                {
                    "title": "Gemensam kontroll mot langning med polisen",
                    "org": "polisen-karlskoga",
                    "person": "Kommunpolis",
                    "status": Status.DELAYED,
                    "progress": 10,
                    "start": -30,
                    "deadline": -7,
                    "hours": 24,
                    "cost": 0,
                },
            ],
        },
        {
            "key": "neighbours",
            "title": "Varning till grannar efter inbrott och grannsamverkan",
            "kind": M.SITUATIONAL,
            "horizon": H.SHORT,
            "description": "Sms till hushåll inom 200 meter inom ett dygn efter ett inbrott, "
            "med råd; grannsamverkan startas i de mest drabbade kvarteren.",
            "effect": "Grannar skyddar sig under de veckor risken är förhöjd; färre följdinbrott.",
            "causes": [bu["causes"]["near"], bu["causes"]["repeat"]],
            "goals": [bu["goal"]],
            "area": b.karlskoga,
            "activities": [
                {
                    "title": "Sms-utskick till grannar inom ett dygn efter inbrott",
                    "responsible": "bostad@demo.samtrygg.example",
                    "org": "bostadsbolaget",
                    "person": "Trygghetsvärd",
                    "status": Status.ONGOING,
                    "progress": 30,
                    "start": -35,
                    "deadline": 120,
                    "hours": 40,
                    "cost": 15000,
                },
                {
                    "title": "Starta grannsamverkan i tre kvarter",
                    "org": "polisen-karlskoga",
                    "person": "Kommunpolis",
                    "status": Status.DONE,
                    "start": -70,
                    "deadline": -21,
                    "hours": 30,
                    "cost": 8000,
                },
                {
                    "title": "Informationsmöte för hyresgäster om inbrottsskydd",
                    "org": "bostadsbolaget",
                    "person": "Områdeschef",
                    "status": Status.PLANNED,
                    "start": 25,
                    "deadline": 30,
                    "hours": 10,
                    "cost": 3000,
                },
            ],
        },
        {
            "key": "doors",
            "title": "Säkra förråd och entréer",
            "kind": M.SITUATIONAL,
            "horizon": H.LONG,
            "description": "Säkerhetsdörrar och nya lås i källarförråd och cykelrum, "
            "dörrstängare som fungerar.",
            "effect": "Förråden blir svårare mål; inbrottsförsök misslyckas oftare.",
            "causes": [bu["causes"]["locks"]],
            "goals": [bu["goal"]],
            "area": b.karlskoga,
            "activities": [
                {
                    "title": "Byta till säkerhetsdörrar i källarförråd, etapp 1",
                    "org": "bostadsbolaget",
                    "person": "Förvaltningschef",
                    "status": Status.DELAYED,
                    "progress": 45,
                    "start": -100,
                    "deadline": -5,
                    "hours": 120,
                    "cost": 650000,
                },
                {
                    "title": "Byta till säkerhetsdörrar i källarförråd, etapp 2",
                    "org": "bostadsbolaget",
                    "person": "Förvaltningschef",
                    "status": Status.PLANNED,
                    "start": 60,
                    "deadline": 240,
                    "hours": 120,
                    "cost": 700000,
                },
            ],
        },
    ]
    out: dict[str, Any] = {}
    for spec in specs:
        measure = Measure.objects.create(
            partnership=b.p,
            title=spec["title"],
            description=spec["description"],
            kind=spec["kind"],
            horizon=spec["horizon"],
            expected_effect=spec["effect"],
            target_area=spec["area"],
            start_date=b.day(-100),
        )
        measure.causes.set(spec["causes"])
        measure.goals.set(spec["goals"])
        activities = b.activities(measure, spec["activities"])
        measure.hours = sum((a.hours or Decimal(0) for a in activities), Decimal(0))
        measure.cost = sum((a.cost or Decimal(0) for a in activities), Decimal(0))
        measure.save(update_fields=["hours", "cost"])
        out[spec["key"]] = {"measure": measure, "activities": activities}
    return out


def _activity(measures: dict[str, Any], key: str, index: int) -> Activity:
    activity: Activity = measures[key]["activities"][index]
    return activity


def _access(user: Any, partnership: Partnership) -> Access:
    access = access_for(user, partnership)
    if access is None:
        raise ValueError(f"{user} is not a member of {partnership.slug}.")
    return access


def _agreement(
    b: _Builder,
    problems: dict[str, Any],
    measures: dict[str, Any],
    plan: ActionPlan,
    signers: dict[str, Any],
) -> Agreement:
    """The agreement with three medborgarlöften: reviewed, signed by both parties, published."""
    start = plan.decision_date or b.today
    end = date(start.year + 2, 12, 31)
    agreement = Agreement.objects.create(
        partnership=b.p,
        title=f"Samverkansöverenskommelse Karlskoga kommun och Polisen {start.year}–{end.year}",
        diarienummer=f"KS {start.year}/0231",
        period_start=start,
        period_end=end,
        background="Den gemensamma lägesbilden (antagen av kommunstyrelsen) visar skadegörelse "
        "kring Centrumskolan, otrygghet vid busstationen på helgkvällar och upprepade inbrott "
        "i flerbostadsområden.\n\nKällor: händelserapporter i Samtrygg, polisens statistik, "
        "trygghetsmätningen och medborgardialoger.",
        causes="Platser utan vuxennärvaro och med dålig belysning, långsam sanering, få "
        "kvällsaktiviteter för unga, langning och att grannar inte får veta när det varit "
        "inbrott.",
        documentation="Aktiviteter, ansvariga och tidplaner dokumenteras i Samtrygg; varje "
        "part redovisar sina aktiviteter där.",
        follow_up="Samverkansgruppen följer upp per tertial; kommunstyrelsen och "
        "lokalpolisområdet får en årlig rapport inför nästa lägesbild.",
        follow_up_date=plan.follow_up_date,
        created_by=b.actor,
    )
    agreement.problems.set([v["problem"] for v in problems.values()])
    agreement.goals.set([v["goal"] for v in problems.values()])
    promises = [
        (
            "Busstationen på helgkvällar",
            "Varje fredag och lördag kväll finns ordningsvakter och poliser vid busstationen, "
            "och väntsalen är öppen tills sista bussen har gått.",
            [_activity(measures, "guards", 0), _activity(measures, "guards", 1)],
            [problems["station"]["indicators"][0]],
        ),
        (
            "Centrumskolan",
            "Klotter vid Centrumskolan tas bort inom två dygn, och fritidsgården har öppet "
            "fredagskvällar till kl. 23.",
            [_activity(measures, "light", 1), _activity(measures, "leisure", 0)],
            [problems["klotter"]["indicators"][1]],
        ),
        (
            "Inbrott i bostadsområden",
            "När det har varit inbrott i ditt kvarter får du ett sms inom ett dygn med råd om "
            "hur du skyddar dig.",
            [_activity(measures, "neighbours", 0)],
            [problems["burglary"]["indicators"][0]],
        ),
    ]
    for focus, text, activities, indicators in promises:
        promise = Promise.objects.create(
            agreement=agreement, year=start.year, focus_area=focus, text=text
        )
        promise.activities.set(activities)
        promise.indicators.set(indicators)
    parties = [
        Party.objects.create(
            agreement=agreement,
            organisation=b.org("karlskoga-kommun"),
            signatory_role="Kommunstyrelsens ordförande",
            signatory=signers["karlskoga-kommun"],
        ),
        Party.objects.create(
            agreement=agreement,
            organisation=b.org("polisen-karlskoga"),
            signatory_role="Lokalpolisområdeschef",
            signatory=signers["polisen-karlskoga"],
        ),
    ]
    agreement_services.send_for_review(agreement, b.actor)
    police = signers["polisen-karlskoga"]
    police_access = _access(police, b.p)
    agreement_services.add_comment(
        agreement,
        police_access,
        police,
        "Polisen står bakom löftena. Vi vill att uppföljningen av busstationen görs per "
        "tertial tillsammans med trafikbolaget.",
    )
    for party, org_slug in zip(parties, ("karlskoga-kommun", "polisen-karlskoga"), strict=True):
        user = signers[org_slug]
        agreement_services.sign(agreement, party, _access(user, b.p), user)
    agreement.refresh_from_db()
    return agreement_services.publish(agreement, b.actor)


@transaction.atomic
def load_demo_plans(partnership: Partnership) -> dict[str, int]:
    """Replace the partnership's plans and agreements with the Karlskoga–Degerfors demo.

    1. :func:`reset_demo_plans` deletes what a previous run made; the signatories (the KSO in
       Karlskoga kommun and the lokalpolisområdeschef in the police organisation, viewers with
       the demo password) are created or reset.
    2. The lägesbild for the last twelve full months is drafted from the incidents
       (:func:`samtrygg.lagesbild.drafting.start_lagesbild`), completed and adopted by
       Kommunstyrelsen.
    3. Problems, cause trees, goals, indicators, measures and activities are created and the
       action plan is adopted (it satisfies Brå's rules; :func:`services.adopt_plan` checks).
    4. The agreement is sent for review, signed by both parties and published.

    Returns the number of objects of each kind that now exist for the partnership.
    """
    with translation.override("sv"):
        reset_demo_plans(partnership)
        signers = _signatories(partnership)
        actor = get_user_model().objects.filter(username=COORDINATOR_EMAIL).first()
        today = timezone.localdate()
        builder = _Builder(partnership, actor, today)
        first, last = _period(today)
        decided = last + timedelta(days=10)
        lagesbild = drafting.start_lagesbild(
            partnership,
            last.year,
            actor,
            title=f"Lägesbild {partnership.name} {first.year}–{last.year}",
            period_start=first,
            period_end=last,
        )
        for field, text in _lagesbild_texts(first, last).items():
            setattr(lagesbild, field, text)
        lagesbild.follow_up_date = decided + timedelta(days=365)
        lagesbild.save()
        SourceEntry.objects.bulk_create(
            [
                SourceEntry(
                    lagesbild=lagesbild, name=name, used=used, reason=why, limitations=limits
                )
                for name, used, why, limits in SOURCES
            ]
        )
        services.adopt_lagesbild(
            lagesbild,
            actor,
            decision_body="Kommunstyrelsen",
            decision_date=decided,
            diarienummer=f"KS {decided.year}/0187",
        )
        problems = _problems(builder, lagesbild)
        measures = _measures(builder, problems)
        plan = ActionPlan.objects.create(
            partnership=partnership,
            title=f"Åtgärdsplan {partnership.name} {last.year}–{last.year + 1}",
            lagesbild=lagesbild,
            follow_up_date=builder.day(120),
            created_by=actor,
        )
        plan.measures.set([m["measure"] for m in measures.values()])
        services.adopt_plan(
            plan,
            actor,
            decision_body="Kommunstyrelsen",
            decision_date=decided,
            diarienummer=f"KS {decided.year}/0188",
        )
        plan.refresh_from_db()
        _agreement(builder, problems, measures, plan, signers)
    return demo_counts(partnership)


def demo_counts(partnership: Partnership) -> dict[str, int]:
    """How many plan and agreement objects the partnership has, by kind."""
    p = partnership
    return {
        "lagesbilder": Lagesbild.objects.filter(partnership=p).count(),
        "sources": SourceEntry.objects.filter(lagesbild__partnership=p).count(),
        "problems": Problem.objects.filter(partnership=p).count(),
        "causes": Cause.objects.filter(problem__partnership=p).count(),
        "evidence": Evidence.objects.filter(cause__problem__partnership=p).count(),
        "goals": Goal.objects.filter(partnership=p).count(),
        "indicators": Indicator.objects.filter(goal__partnership=p).count(),
        "indicator_values": IndicatorValue.objects.filter(indicator__goal__partnership=p).count(),
        "measures": Measure.objects.filter(partnership=p).count(),
        "activities": Activity.objects.filter(measure__partnership=p).count(),
        "action_plans": ActionPlan.objects.filter(partnership=p).count(),
        "agreements": Agreement.objects.filter(partnership=p).count(),
        "promises": Promise.objects.filter(agreement__partnership=p).count(),
        "signatures": Signature.objects.filter(party__agreement__partnership=p).count(),
    }
