"""Names, archetypes and base rates for the demo data (all fictional).

Kept apart from the generators so the look of the demo can be changed without touching the
vectorised code. Every förbund name starts with "Demo" so demo rows can never be mistaken for
a real organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass

IND, STR = "Individinriktad", "Strukturinriktad"

#: The four förbund of the small demo (and the first four of the large one), with fixed
#: insatser so the demo users below always find their insatser: (name, type, grupper).
BASE_FORBUND: tuple[tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]], ...] = (
    ("Demoförbundet Norrdal", (
        ("Samordningsteamet", IND, ("Trädgårdsgruppen", "MAC", "Upplevelsegruppen")),
        ("Steget Vidare", IND, ()),
        ("Unga Vuxna i Arbete", IND, ()),
        ("Hälsoslussen", IND, ()),
        ("Samverkan Psykiatri", STR, ()),
    )),
    ("Demoförbundet Sjöstad", (
        ("Jobbfokus", IND, ()),
        ("Språk och Arbete", IND, ("Kvinnogruppen", "Digitala verkstaden")),
        ("Kompassen", IND, ()),
        ("SIP-samordning", STR, ()),
        ("Kompetensnätverket", STR, ()),
    )),
    ("Demoförbundet Skogsbygden", (
        ("Arbetsträningen", IND, ("Snickeriet", "Caféet")),
        ("Vägen Framåt", IND, ()),
        ("IPS-teamet", IND, ()),
        ("Nystart Ung", IND, ()),
        ("Mötesplatsen", IND, ()),
        ("Försäkringsutredare", STR, ()),
    )),
    ("Demoförbundet Kustlandet", (
        ("Samverkansteamet", IND, ("Trädgårdsgruppen", "Köksgruppen")),
        ("Balans", IND, ()),
        ("Ung Framtid", IND, ()),
        ("Utbildningsinsatser för personal", STR, ()),
    )),
)

#: Base insatser that have ended (the rest of the base layout runs on).
ENDED_BASE = {("Demoförbundet Skogsbygden", "Vägen Framåt"): (2024, 12, 31)}

#: Fictional place names for extra förbund in the large demo ("Demoförbundet " + name).
PLACE_PREFIXES = ("Norr", "Söder", "Väster", "Öster", "Sjö", "Berg", "Skog", "Ål", "Björk",
                  "Ek", "Lind", "Gran", "Hav", "Myr", "Fjäll", "Sand")
PLACE_SUFFIXES = ("dal", "vik", "åsen", "holm", "näs", "fors", "mark", "backa")

INDIVIDUAL_POOL = ("Samordningsteamet", "Steget Vidare", "Unga Vuxna i Arbete", "Hälsoslussen",
                   "Jobbfokus", "Språk och Arbete", "Kompassen", "Arbetsträningen",
                   "Vägen Framåt", "IPS-teamet", "Nystart Ung", "Mötesplatsen", "Balans",
                   "Ung Framtid", "Samverkansteamet", "Aktivitetshuset", "Steg för Steg",
                   "Första Steget", "Horisont", "Bryggan")
STRUCTURAL_POOL = ("Samverkan Psykiatri", "SIP-samordning", "Kompetensnätverket",
                   "Försäkringsutredare", "Utbildningsinsatser för personal",
                   "Gemensam kartläggning", "Nätverk arbetsgivare")
GROUP_POOL = ("Trädgårdsgruppen", "MAC", "Upplevelsegruppen", "Snickeriet", "Caféet",
              "Köksgruppen", "Kvinnogruppen", "Digitala verkstaden")
OWNERS = ("Demokommunens arbetsmarknadsenhet", "Region Demo, psykiatrin",
          "Demokommunernas socialtjänst", "Region Demo, primärvården",
          "Demoförbundets kansli")


@dataclass(frozen=True)
class Archetype:
    """A kind of individual insats: the outcome mix and who takes part."""

    outcome: tuple[float, float, float, float, float]  # work, studies, rehab, other, dropout
    men_share: float
    age_mean: float
    age_sd: float
    referrer: tuple[float, ...]  # over contract.REFERRERS
    duration_months: float  # median time in the insats
    support_years: float  # median years on public support before start
    newcomers: bool = False


ARCHETYPES: dict[str, Archetype] = {
    "broad": Archetype((0.12, 0.05, 0.45, 0.10, 0.28), 0.30, 40, 11,
                       (0.25, 0.50, 0.17, 0.04, 0.03, 0.01), 10.0, 3.0),
    "youth": Archetype((0.14, 0.08, 0.38, 0.08, 0.32), 0.45, 23, 3.5,
                       (0.35, 0.17, 0.30, 0.08, 0.09, 0.01), 8.0, 1.5),
    "health": Archetype((0.06, 0.03, 0.48, 0.20, 0.23), 0.22, 45, 10,
                        (0.04, 0.58, 0.10, 0.25, 0.02, 0.01), 12.0, 4.5),
    "work": Archetype((0.20, 0.05, 0.36, 0.08, 0.31), 0.40, 38, 11,
                      (0.45, 0.25, 0.20, 0.07, 0.02, 0.01), 9.0, 2.5),
    "newcomers": Archetype((0.16, 0.08, 0.40, 0.06, 0.30), 0.40, 35, 9,
                           (0.55, 0.05, 0.35, 0.02, 0.02, 0.01), 9.0, 2.0, newcomers=True),
}
#: Which archetype an insats name suggests (default "broad").
ARCHETYPE_OF = {"Unga Vuxna i Arbete": "youth", "Nystart Ung": "youth", "Ung Framtid": "youth",
                "Första Steget": "youth", "Hälsoslussen": "health", "Balans": "health",
                "Mötesplatsen": "health", "Aktivitetshuset": "health", "Jobbfokus": "work",
                "IPS-teamet": "work", "Arbetsträningen": "work", "Bryggan": "work",
                "Språk och Arbete": "newcomers"}

#: P(income before | referrer): rows follow contract.REFERRERS, columns INCOME_SOURCES.
INCOME_BY_REFERRER = (
    (0.02, 0.01, 0.02, 0.55, 0.15, 0.10, 0.07, 0.01, 0.00, 0.04, 0.01, 0.02),  # Af
    (0.55, 0.15, 0.14, 0.03, 0.01, 0.05, 0.00, 0.02, 0.00, 0.03, 0.01, 0.01),  # FK
    (0.03, 0.02, 0.03, 0.07, 0.01, 0.74, 0.03, 0.00, 0.00, 0.04, 0.02, 0.01),  # Kommun
    (0.35, 0.10, 0.10, 0.03, 0.01, 0.10, 0.00, 0.03, 0.01, 0.17, 0.05, 0.05),  # Region
    (0.10, 0.05, 0.05, 0.10, 0.05, 0.20, 0.02, 0.03, 0.05, 0.25, 0.05, 0.05),  # Egen
    (0.10, 0.05, 0.05, 0.10, 0.05, 0.15, 0.05, 0.05, 0.05, 0.15, 0.10, 0.10),  # Annan
)
EDUCATION_P = (0.28, 0.45, 0.12, 0.07, 0.08)
EDUCATION_P_YOUNG = (0.42, 0.46, 0.05, 0.00, 0.07)

#: Exit reasons within each outcome group, with their probabilities.
REASONS_BY_GROUP = {
    "work": (("Arbete", 0.3), ("Arbete med anställningsstöd", 0.35),
             ("Arbete utan anställningsstöd", 0.35)),
    "studies": (("Studier", 1.0),),
    "rehab": (("Fortsatt arbetslivsinriktad rehabilitering", 1.0),),
    "other": (("Sjuk- eller aktivitetsersättning", 0.35), ("Medicinsk rehabilitering/vård", 0.35),
              ("Föräldraledighet", 0.1), ("Annat avslut", 0.2)),
    "dropout": (("Avbrott – ohälsa", 0.45), ("Avbrott – flytt", 0.12),
                ("Avbrott – ej motiverad", 0.25), ("Avbrott – annat", 0.18)),
}

#: NNS-style survey statements (paraphrased, fictional): (indicator, respondent groups, text).
NNS_QUESTIONS = (
    (1, ("Deltagare pågående", "Deltagare avslut"), "Jag har fått stöd att nå mina mål"),
    (2, ("Deltagare pågående", "Deltagare avslut"), "Jag har varit delaktig i min planering"),
    (3, ("Deltagare avslut",), "Jag har fått hjälp att hantera min situation"),
    (4, ("Deltagare avslut",), "Jag känner mig mer redo att arbeta eller studera"),
    (5, ("Deltagare avslut",), "Det finns en planering för tiden efter insatsen"),
    (6, ("Personal",), "Samverkan mellan myndigheterna fungerar väl i insatsen"),
    (8, ("Personal", "Remittent"), "Insatsen gör nytta för deltagarna"),
    (10, ("Styrelse", "Beredningsgrupp"), "Förbundet bidrar till bättre samverkan mellan parterna"),
    (12, ("Styrelse", "Beredningsgrupp"), "Förbundets insatser är väl förankrade hos parterna"),
    (14, ("Beredningsgrupp", "Medarbetarråd"), "Jag har god kännedom om förbundets insatser"),
    (16, ("Styrelse",), "Förbundets uppföljning ger underlag för beslut"),
)
NNS_PERIODS = ("2024", "2025")

#: Volume measures of structural insatser: (measure, split by sex, mean per quarter).
VOLUME_MEASURES = (("Konsultationer", True, 45), ("SIP-beslut", True, 25),
                   ("Utbildningstillfällen", False, 6), ("Deltagare i utbildning", True, 60),
                   ("Ärenden", True, 30), ("Nätverksträffar", False, 4))

COST_WEIGHTS = {"Lönekostnader": 0.70, "Lokalkostnader": 0.10, "Externa tjänster": 0.06,
                "Aktiviteter": 0.06, "Material, IT och telefoni": 0.04, "Resekostnader": 0.02,
                "Övriga kostnader": 0.02}
ADMIN_LINES = {"Lönekostnader": 0.55, "Styrelse och revision": 0.15,
               "Kansli och administration": 0.20, "Övriga kostnader": 0.10}

#: Benefit areas: name -> population 20–64 (fictional, the scale of seed 004).
BENEFIT_AREAS = {"Demostad": 86_000, "Demoby": 24_500, "Demolän": 151_000,
                 "Demoriket": 5_850_000}
#: Share of the population 20–64 per benefit (full-year equivalents) and women's share.
BENEFIT_RATES = {"Sjukpenning": (0.026, 0.646), "Sjuk- och aktivitetsersättning": (0.044, 0.564),
                 "Arbetslöshet": (0.013, 0.456),
                 "Arbetsmarknadspolitiska åtgärder": (0.030, 0.468),
                 "Ekonomiskt bistånd": (0.022, 0.526), "Etableringsersättning": (0.011, 0.472)}

#: Illustrative yearly amounts behind the unit-cost table: status -> (payer, benefit, salary).
UNIT_COST_BASIS = {
    "Sjukpenning/rehabiliteringspenning": ("Försäkringskassan", 200_000, 0),
    "Sjukersättning": ("Försäkringskassan", 190_000, 0),
    "Aktivitetsersättning": ("Försäkringskassan", 130_000, 0),
    "Aktivitetsstöd/utvecklingsersättning": ("Arbetsförmedlingen", 150_000, 0),
    "Arbetslöshetsersättning": ("Arbetsförmedlingen", 180_000, 0),
    "Ekonomiskt bistånd": ("Kommunen", 120_000, 0),
    "Etableringsersättning": ("Arbetsförmedlingen", 110_000, 0),
    "Lön": ("", 0, 320_000),
    "Studiemedel": ("Övriga staten", 120_000, 0),
    "Ingen offentlig försörjning": ("", 0, 0),
    "Annan": ("", 0, 0),
    "Okänd": ("", 0, 0),
    "Arbete heltid": ("", 0, 320_000),
    "Arbete deltid": ("Kommunen", 30_000, 160_000),
}
