"""The question bank of the partnership's own survey: fixed, versioned, in Swedish and English.

The questions follow the areas of Polisens trygghetsmätning (docs/domain.md §6): problems in the
residential area, victimisation in the last twelve months, worry, feeling unsafe outdoors late,
and views of the police, with the trygghetsmätning's answer scales. The item codes of the
problem, worry and safety questions are the ones the built-in index formulas name
(:data:`samtrygg.analysis.surveys.BUILTIN_FORMULAS`), so an own survey's answers give the same
indices as an imported trygghetsmätning.

Answers are stored as the Swedish answer text (the ``sv`` of :class:`Choice`), which is also
what the formulas score. A question's wording, scale and code never change within a
:data:`BANK_VERSION`; a change makes a new version, and every own survey records the version it
was built from. There are no free-text questions: residents answer by choosing, so no personal
data can be typed in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

BANK_VERSION = "samtrygg-frågebank-1"


@dataclass(frozen=True)
class Choice:
    """One answer alternative; ``sv`` is what is stored and scored."""

    sv: str
    en: str

    def text(self, language: str | None = None) -> str:
        """The alternative in ``language`` (default: the active one); Swedish unless English."""
        return self.en if _english(language) else self.sv


@dataclass(frozen=True)
class Question:
    """One question: its item code, theme, texts and answer alternatives."""

    code: str
    theme: str
    sv: str
    en: str
    choices: tuple[Choice, ...]

    def text(self, language: str | None = None) -> str:
        """The question in ``language`` (default: the active one)."""
        return self.en if _english(language) else self.sv

    def choice_texts(self) -> list[str]:
        """The stored (Swedish) answer texts, in the order of the scale."""
        return [c.sv for c in self.choices]


@dataclass(frozen=True)
class Theme:
    key: str
    sv: str
    en: str

    def text(self, language: str | None = None) -> str:
        return self.en if _english(language) else self.sv


def _english(language: str | None) -> bool:
    return (language or get_language() or "sv").startswith("en")


DONT_KNOW = Choice("Vet ej", "Don't know")
PROBLEM = (
    Choice("Inget problem", "No problem"),
    Choice("Ganska litet problem", "A fairly small problem"),
    Choice("Ganska stort problem", "A fairly big problem"),
    Choice("Mycket stort problem", "A very big problem"),
    DONT_KNOW,
)
YES_NO = (Choice("Ja", "Yes"), Choice("Nej", "No"))
REPORTED = (
    Choice("Ja", "Yes"),
    Choice("Nej", "No"),
    Choice("Har inte blivit utsatt", "I have not been a victim"),
)
WORRY = (
    Choice("Inte alls orolig", "Not at all worried"),
    Choice("Ganska lite orolig", "Slightly worried"),
    Choice("Ganska orolig", "Fairly worried"),
    Choice("Mycket orolig", "Very worried"),
    DONT_KNOW,
)
SAFETY = (
    Choice("Mycket trygg", "Very safe"),
    Choice("Ganska trygg", "Fairly safe"),
    Choice("Ganska otrygg", "Fairly unsafe"),
    Choice("Mycket otrygg", "Very unsafe"),
    Choice("Går aldrig ut ensam sent", "I never go out alone late"),
    DONT_KNOW,
)
AVOIDED = (Choice("Ja, ofta", "Yes, often"), Choice("Ja, ibland", "Yes, sometimes"),
           Choice("Nej", "No"))  # fmt: skip
AGREE = (
    Choice("Instämmer helt", "Agree completely"),
    Choice("Instämmer delvis", "Agree partly"),
    Choice("Instämmer inte särskilt", "Rather disagree"),
    Choice("Instämmer inte alls", "Disagree completely"),
    DONT_KNOW,
)

THEMES = (
    Theme("problems", "Problem i området", "Problems in the area"),
    Theme("victimisation", "Utsatthet för brott", "Victimisation"),
    Theme("worry", "Oro för brott", "Worry about crime"),
    Theme("unsafe", "Otrygghet ute sent", "Feeling unsafe outdoors late"),
    Theme("police", "Synen på polisen", "Views of the police"),
)


def _problem(code: str, sv: str, en: str) -> Question:
    return Question(
        f"problem_{code}", "problems",
        f"Hur stort problem är {sv} i ditt bostadsområde?",
        f"How big a problem is {en} in your residential area?", PROBLEM,
    )  # fmt: skip


def _victim(code: str, sv: str, en: str) -> Question:
    return Question(
        f"utsatt_{code}", "victimisation",
        f"Har du under de senaste tolv månaderna {sv} i ditt bostadsområde?",
        f"In the last twelve months, have you {en} in your residential area?", YES_NO,
    )  # fmt: skip


QUESTIONS: tuple[Question, ...] = (
    _problem("nedskrapning", "nedskräpning", "litter"),
    _problem("klotter", "klotter", "graffiti"),
    _problem("skadegorelse", "skadegörelse", "vandalism"),
    _problem("belysning", "dålig belysning", "poor lighting"),
    _problem("ungdomsgang", "ungdomsgäng som stör", "groups of young people causing trouble"),
    _problem("narkotika", "narkotikaförsäljning", "drug dealing"),
    _problem("berusade", "berusade personer utomhus", "drunk people outdoors"),
    _problem("trafik", "bilar och mopeder som körs vårdslöst", "reckless driving"),
    _victim("vald", "blivit utsatt för våld", "been assaulted"),
    _victim("hot", "blivit hotad", "been threatened"),
    _victim("stold", "fått något stulet", "had something stolen"),
    _victim("skadegorelse", "fått något förstört med avsikt", "had something vandalised"),
    _victim("bedrageri", "blivit utsatt för bedrägeri", "been defrauded"),
    Question(
        "utsatt_anmalt",
        "victimisation",
        "Om du blev utsatt för något av detta: anmälde du det till polisen?",
        "If any of this happened to you: did you report it to the police?",
        REPORTED,
    ),  # fmt: skip
    Question(
        "oro_overfall",
        "worry",
        "Hur orolig är du för att bli överfallen eller misshandlad i ditt bostadsområde?",
        "How worried are you about being attacked or assaulted in your residential area?",
        WORRY,
    ),  # fmt: skip
    Question(
        "oro_inbrott",
        "worry",
        "Hur orolig är du för inbrott i din bostad?",
        "How worried are you about a burglary in your home?",
        WORRY,
    ),  # fmt: skip
    Question(
        "trygg_ute_sent",
        "unsafe",
        "Hur trygg känner du dig om du går ut ensam sent en kväll i ditt bostadsområde?",
        "How safe do you feel going out alone late in the evening in your residential area?",
        SAFETY,
    ),  # fmt: skip
    Question(
        "avstar_aktivitet",
        "unsafe",
        "Har du avstått från någon aktivitet, till exempel att gå ut, av oro för brott?",
        "Have you stayed away from an activity, such as going out, because of worry about crime?",
        AVOIDED,
    ),  # fmt: skip
    Question(
        "polis_bryr_sig",
        "police",
        "Polisen bryr sig om de lokala problemen i mitt område.",
        "The police care about the local problems in my area.",
        AGREE,
    ),  # fmt: skip
    Question(
        "polis_synlig",
        "police",
        "Polisen syns tillräckligt ofta i mitt område.",
        "The police are seen often enough in my area.",
        AGREE,
    ),  # fmt: skip
    Question(
        "polis_fortroende",
        "police",
        "Jag har förtroende för polisens arbete i mitt område.",
        "I trust the work of the police in my area.",
        AGREE,
    ),  # fmt: skip
)

BY_CODE: dict[str, Question] = {q.code: q for q in QUESTIONS}


def questions(codes: list[str] | tuple[str, ...]) -> list[Question]:
    """The bank's questions for ``codes``, in the bank's order; unknown codes are left out."""
    wanted = set(codes)
    return [q for q in QUESTIONS if q.code in wanted]


def grouped(language: str | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a form: per theme, (code, question text)."""
    return [
        (theme.text(language), [(q.code, q.text(language)) for q in QUESTIONS
                                if q.theme == theme.key])
        for theme in THEMES
    ]  # fmt: skip
