"""Three example citizen dialogues for the demo partnership, labelled as made up everywhere.

A citizen dialogue meeting at the library in Karlskoga, a street dialogue in Degerfors centrum
and a web dialogue about Bofors och Bruket. Each records who took part as groups and counts
(no names), the issues raised as coded themes with their places and areas, and how each issue
was answered, so the dialogue page can count themes per area and year.

Fixed texts, dates counted back from today: a reload on the same day gives the same dialogues.
Reloading replaces the example dialogues (recognised by :data:`EXAMPLE_MARK` in the title) and
leaves others alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from samtrygg.areas.models import Area
from samtrygg.dialogues.models import Dialogue, DialogueForm, DialogueKind, RaisedIssue, Theme
from samtrygg.partnerships.models import Partnership

EXAMPLE_MARK = "(exempeldata)"
EXAMPLE_NOTE = "Påhittade exempeldata i demon: deltagare, frågor och svar är uppdiktade."


@dataclass(frozen=True)
class _Issue:
    theme: str
    area: str
    place: str
    said: str
    answer: str


@dataclass(frozen=True)
class _Dialogue:
    title: str
    form: str
    days_ago: int
    area: str
    participants: dict[str, int]
    summary: str
    issues: list[_Issue]


def _dialogues() -> list[_Dialogue]:
    return [
        _Dialogue(
            title=f"Medborgardialog på Karlskoga bibliotek {EXAMPLE_MARK}",
            form=DialogueForm.MEETING,
            days_ago=230,
            area="Karlskoga centrum",
            participants={"residents": 38, "older": 9, "parents": 7, "business": 4},
            summary="Öppet möte en vardagskväll med kommunen och polisen om tryggheten i "
            "centrum. Deltagarna skrev sina frågor på lappar som sorterades i teman och "
            "besvarades på plats eller i efterhand på kommunens webbplats. " + EXAMPLE_NOTE,
            issues=[
                _Issue(
                    Theme.YOUTH, "Karlskoga centrum", "Busstationen",
                    "Grupper av unga samlas vid busstationen fredag och lördag kväll; flera "
                    "äldre undviker att vänta på bussen där.",
                    "Ordningsvakter finns på plats fredag och lördag kl. 20–01 och "
                    "fältassistenterna går där helgkvällar. Polisen har riktad närvaro.",
                ),
                _Issue(
                    Theme.LIGHTING, "Karlskoga centrum", "Gångtunneln under Kungsgatan",
                    "Tunneln är mörk och klottrad, man går hellre över vägen.",
                    "Kommunen byter armaturerna och målar om tunneln; frågan togs med till "
                    "höstens trygghetsvandring.",
                ),
                _Issue(
                    Theme.DRUGS, "Karlskoga centrum", "Stadsparken",
                    "Oro för langning och narkotikaförsäljning i parken på kvällarna.",
                    "Polisen berättade hur man lämnar tips anonymt och att parken ingår i "
                    "den riktade närvaron. Kommunen gallrar buskagen.",
                ),
                _Issue(
                    Theme.LITTER, "Karlskoga centrum", "Torget",
                    "Nedskräpning kring torget efter helgerna.",
                    "Kommunen tömmer papperskorgarna även på söndagar under sommarhalvåret.",
                ),
            ],
        ),
        _Dialogue(
            title=f"Gatudialog på Storgatan i Degerfors {EXAMPLE_MARK}",
            form=DialogueForm.STREET,
            days_ago=150,
            area="Degerfors centrum",
            participants={"residents": 27, "young": 11, "business": 3},
            summary="Polisen och Degerfors kommun stod en lördag förmiddag på Storgatan och "
            "frågade förbipasserande vad som gör dem trygga och otrygga. Svaren "
            "antecknades utan namn och kodades i teman efteråt. " + EXAMPLE_NOTE,
            issues=[
                _Issue(
                    Theme.TRAFFIC, "Degerfors centrum", "Storgatan",
                    "Mopedbilar och bilar kör fort på Storgatan på kvällarna.",
                    "Polisen gör hastighetskontroller på Storgatan under hösten och kommunen "
                    "utreder farthinder.",
                ),
                _Issue(
                    Theme.VANDALISM, "Degerfors centrum", "Degerfors station",
                    "Krossade rutor och klotter vid stationen och cykelparkeringen.",
                    "Kommunen städar cykelparkeringen och anmäler skadegörelse samma dag; "
                    "platsen togs med till vårens trygghetsvandring.",
                ),
                _Issue(
                    Theme.UNSAFE_PLACE, "Degerfors centrum", "Gångvägen mot Stora Valla",
                    "Unga tycker att gångvägen är otrygg efter träningen på kvällen.",
                    "Kommunen röjer sly längs gångvägen; föreningen uppmanar unga att gå "
                    "tillsammans.",
                ),
                _Issue(
                    Theme.POLICE, "Degerfors centrum", "",
                    "Flera vill se polisen oftare i Degerfors, inte bara vid larm.",
                    "Kommunpolisen har en fast mötestid i Degerfors varannan vecka och deltar "
                    "i medborgarlöftets aktiviteter.",
                ),
            ],
        ),
        _Dialogue(
            title=f"Webbdialog om tryggheten i Bofors och Bruket {EXAMPLE_MARK}",
            form=DialogueForm.WEB,
            days_ago=60,
            area="Bofors och Bruket",
            participants={"residents": 112, "young": 19},
            summary="Webbdialog på kommunens webbplats under tre veckor med frågan "
            "\"Var känner du dig otrygg, och vad skulle göra skillnad?\". Svaren var anonyma "
            "och kodades i teman; kommunen publicerade ett samlat svar. " + EXAMPLE_NOTE,
            issues=[
                _Issue(
                    Theme.BURGLARY, "Bofors och Bruket", "Källarförråden i flerbostadshusen",
                    "Många skriver om inbrott i källarförråd och att dörrarna inte går i lås.",
                    "Bostadsbolaget byter till säkerhetsdörrar i källarförråden i två etapper "
                    "och grannsamverkan startar i tre kvarter.",
                ),
                _Issue(
                    Theme.LIGHTING, "Bofors och Bruket", "Gång- och cykelvägen mot centrum",
                    "Gång- och cykelvägen mot centrum är mörk på vintern.",
                    "Kommunen ser över belysningen i nästa års underhållsplan; svaret "
                    "publicerades på webbplatsen.",
                ),
                _Issue(
                    Theme.YOUTH, "Karlskoga centrum", "Busstationen",
                    "Några tar inte bussen in till centrum på kvällen på grund av stöket vid "
                    "busstationen.",
                    "Samma svar som vid medborgardialogen: ordningsvakter och fältassistenter "
                    "helgkvällar, och en överenskommelse om öppen väntsal.",
                ),
            ],
        ),
    ]  # fmt: skip


def clear_demo_dialogues(partnership: Partnership) -> None:
    """Delete the example dialogues (with their issues); other dialogues stay."""
    Dialogue.objects.filter(partnership=partnership, title__endswith=EXAMPLE_MARK).delete()


@transaction.atomic
def load_demo_dialogues(partnership: Partnership, today: date | None = None) -> list[Dialogue]:
    """Replace the demo's three example citizen dialogues; returns them, oldest first."""
    today = today or timezone.localdate()
    clear_demo_dialogues(partnership)
    areas = {a.name: a for a in Area.objects.filter(partnership=partnership)}
    made = []
    for spec in _dialogues():
        dialogue = Dialogue.objects.create(
            partnership=partnership,
            title=spec.title,
            kind=DialogueKind.CITIZEN,
            form=spec.form,
            held_on=today - timedelta(days=spec.days_ago),
            area=areas.get(spec.area),
            participants=spec.participants,
            participant_total=sum(spec.participants.values()),
            summary=spec.summary,
        )
        RaisedIssue.objects.bulk_create(
            [
                RaisedIssue(
                    dialogue=dialogue,
                    theme=issue.theme,
                    area=areas.get(issue.area),
                    place=issue.place,
                    description=issue.said,
                    answer=issue.answer,
                )
                for issue in spec.issues
            ]
        )
        made.append(dialogue)
    return made
