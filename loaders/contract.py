"""The data contract (docs/DATA_CONTRACT.md) as data.

One declaration per sheet and column drives the parser, the validation, the database
tables, the downloadable template and the Swedish guide to each sheet. Column `name`s are
the English code names used in the database and in every polars frame; `header` is the
Swedish heading a förbund writes.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a cell is parsed."""

    TEXT = "text"
    CODE = "code"  # one of a fixed list of values (with synonyms)
    DATE = "date"
    INT = "int"
    NUMBER = "number"
    AMOUNT = "amount"  # kronor; scaled by an optional `Enhet` column (kr/tkr)
    PERCENT = "percent"  # stored as a fraction: "25 %" -> 0.25
    YEAR = "year"
    LONG_TEXT = "long_text"  # free text of several lines (report texts), up to Excel's cell size
    PERIOD = "period"  # a report period: 2024, 2024 H1, 2024 Q3 or a date range (canonical text)


@dataclass(frozen=True)
class Column:
    """One column of a sheet."""

    header: str
    name: str
    kind: Kind
    required: bool = False
    values: tuple[str, ...] = ()  # allowed values for CODE columns, canonical spelling
    synonyms: dict[str, str] = field(default_factory=dict)  # extra spelling -> canonical
    min_value: float | None = None
    max_value: float | None = None
    open_values: bool = False  # CODE column where free text is also allowed
    help: str = ""
    aliases: tuple[str, ...] = ()  # other headers accepted for this column


@dataclass(frozen=True)
class Sheet:
    """One sheet of the upload workbook, mapped to one database table."""

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str
    example: dict[str, str]
    participant_rows: bool = False  # rows describe people: strictest privacy checks

    def column(self, name: str) -> Column:
        """The column with code name `name`."""
        return next(c for c in self.columns if c.name == name)


def header_key(text: str) -> str:
    """Normalise a header or code value for forgiving matching.

    Case, surrounding spaces, `_`/`-`/space and å/ä/ö vs a/a/o are ignored.

    >>> header_key(" Start_datum ") == header_key("STARTDATUM") == "startdatum"
    True
    >>> header_key("Försörjning före")
    'forsorjningfore'
    """
    decomposed = unicodedata.normalize("NFKD", str(text).strip().lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain if ch not in " _-\u2013\u2014\u00a0\t/.")


SEX = ("Kvinna", "Man", "Annat/ej angivet")
SEX_SYNONYMS = {
    "K": "Kvinna", "Kvinnor": "Kvinna", "M": "Man", "Män": "Man", "Annat": "Annat/ej angivet",
    "Ej angivet": "Annat/ej angivet", "Okänt": "Annat/ej angivet",
}
SEX_GROUP = ("Samtliga", "Kvinnor", "Män")
SEX_GROUP_SYNONYMS = {"Kvinna": "Kvinnor", "K": "Kvinnor", "Man": "Män", "M": "Män",
                      "Totalt": "Samtliga", "Alla": "Samtliga"}

REFERRERS = ("Arbetsförmedlingen", "Försäkringskassan", "Kommun", "Region", "Egen ansökan",
             "Annan")
REFERRER_SYNONYMS = {
    "Af": "Arbetsförmedlingen", "FK": "Försäkringskassan", "SKE": "Kommun",
    "Socialtjänst": "Kommun", "Socialtjänsten": "Kommun", "Ekonomiskt bistånd": "Kommun",
    "Arbetsmarknadsenhet": "Kommun", "Arbetsmarknadsenheten": "Kommun", "AME": "Kommun",
    "Hälso- och sjukvård": "Region", "Psykiatri": "Region", "Psykiatrin": "Region",
    "Vårdcentral": "Region", "Landsting": "Region", "Egen": "Egen ansökan",
    "Annat": "Annan",
}

INCOME_SOURCES = (
    "Sjukpenning/rehabiliteringspenning", "Sjukersättning", "Aktivitetsersättning",
    "Aktivitetsstöd/utvecklingsersättning", "Arbetslöshetsersättning", "Ekonomiskt bistånd",
    "Etableringsersättning", "Lön", "Studiemedel", "Ingen offentlig försörjning", "Annan", "Okänd",
)
INCOME_SYNONYMS = {"Sjukpenning": "Sjukpenning/rehabiliteringspenning",
                   "Rehabiliteringspenning": "Sjukpenning/rehabiliteringspenning",
                   "Aktivitetsstöd": "Aktivitetsstöd/utvecklingsersättning",
                   "Utvecklingsersättning": "Aktivitetsstöd/utvecklingsersättning",
                   "A-kassa": "Arbetslöshetsersättning", "Försörjningsstöd": "Ekonomiskt bistånd",
                   "Arbete": "Lön", "Annat": "Annan", "Okänt": "Okänd"}

EDUCATION = ("Förgymnasial", "Gymnasial", "Eftergymnasial < 3 år", "Eftergymnasial ≥ 3 år",
             "Okänd")
EDUCATION_SYNONYMS = {"Eftergymnasial <3 år": "Eftergymnasial < 3 år",
                      "Eftergymnasial kortare än 3 år": "Eftergymnasial < 3 år",
                      "Eftergymnasial >= 3 år": "Eftergymnasial ≥ 3 år",
                      "Eftergymnasial 3 år eller längre": "Eftergymnasial ≥ 3 år",
                      "Grundskola": "Förgymnasial", "Gymnasium": "Gymnasial", "Okänt": "Okänd"}

#: Avslutsorsak -> outcome group (work/studies/rehab/other/dropout).
EXIT_REASONS: dict[str, str] = {
    "Arbete": "work",
    "Arbete med anställningsstöd": "work",
    "Arbete utan anställningsstöd": "work",
    "Studier": "studies",
    "Fortsatt arbetslivsinriktad rehabilitering": "rehab",
    "Sjuk- eller aktivitetsersättning": "other",
    "Medicinsk rehabilitering/vård": "other",
    "Föräldraledighet": "other",
    "Annat avslut": "other",
    "Avbrott – ohälsa": "dropout",
    "Avbrott – flytt": "dropout",
    "Avbrott – ej motiverad": "dropout",
    "Avbrott – annat": "dropout",
    "Tidigt avhopp": "dropout",
}
EXIT_REASON_SYNONYMS = {
    "Fortsatt rehabilitering": "Fortsatt arbetslivsinriktad rehabilitering",
    "Fortsatt rehab": "Fortsatt arbetslivsinriktad rehabilitering",
    "Fortsatt rehabilitering Af": "Fortsatt arbetslivsinriktad rehabilitering",
    "Fortsatt rehabilitering FK": "Fortsatt arbetslivsinriktad rehabilitering",
    "Förstärkt samarbete": "Fortsatt arbetslivsinriktad rehabilitering",
    "Ordinarie insats": "Fortsatt arbetslivsinriktad rehabilitering",
    "Annan insats": "Fortsatt arbetslivsinriktad rehabilitering",
    "Avbrott ohälsa": "Avbrott – ohälsa", "Avbrott flytt": "Avbrott – flytt",
    "Avbrott ej motiverad": "Avbrott – ej motiverad", "Avbrott annat": "Avbrott – annat",
    "Avbrott": "Avbrott – annat", "Avbrutit": "Avbrott – annat",
    "Annat": "Annat avslut", "Vård": "Medicinsk rehabilitering/vård",
}
OUTCOME_GROUPS = ("work", "studies", "rehab", "other", "dropout")
OUTCOME_GROUP_LABELS = {"work": "Arbete", "studies": "Studier",
                        "rehab": "Fortsatt rehabilitering", "other": "Annat avslut",
                        "dropout": "Avbrott"}

FOLLOWUP_STATUS = ("Arbete", "Studier", "Fortsatt arbetslivsinriktad rehabilitering", "Annat",
                   "Okänd")
FOLLOWUP_MONTHS = ("6", "12", "18", "24")

ACTORS = ("Samhället", "Kommunen", "Regionen", "Staten", "Arbetsförmedlingen",
          "Försäkringskassan", "Övriga staten", "Deltagarna")
ACTOR_SYNONYMS = {"Kommun": "Kommunen", "Region": "Regionen", "Staten totalt": "Staten",
                  "Af": "Arbetsförmedlingen", "FK": "Försäkringskassan",
                  "Individen": "Deltagarna", "Deltagare": "Deltagarna"}

COST_CATEGORIES = ("Lönekostnader", "Lokalkostnader", "Externa tjänster", "Aktiviteter",
                   "Material, IT och telefoni", "Resekostnader", "Övriga kostnader")
INSATS_TYPES = ("Individinriktad", "Strukturinriktad")
DIRECTIONS = ("minst", "högst")
RESPONDENT_GROUPS = ("Deltagare pågående", "Deltagare avslut", "Personal", "Remittent",
                     "Styrelse", "Beredningsgrupp", "Medarbetarråd")
BENEFITS = ("Sjukpenning", "Sjuk- och aktivitetsersättning", "Arbetslöshet",
            "Arbetsmarknadspolitiska åtgärder", "Ekonomiskt bistånd", "Etableringsersättning")
UNIT_COST_STATUSES = INCOME_SOURCES + ("Arbete heltid", "Arbete deltid")
UNITS = ("kr", "tkr")
#: The report sections a samordnare writes (docs/REPORT.md), in the order reports print them.
REPORT_SECTIONS = ("Bakgrund och syfte", "Målgrupp", "Genomförande", "Analys och reflektion",
                   "Avvikelser", "Slutsatser")
REPORT_SECTION_SYNONYMS = {
    "Bakgrund": "Bakgrund och syfte", "Syfte": "Bakgrund och syfte",
    "Bakgrund/syfte": "Bakgrund och syfte", "Bakgrund & syfte": "Bakgrund och syfte",
    "Analys": "Analys och reflektion", "Reflektion": "Analys och reflektion",
    "Analys/reflektion": "Analys och reflektion", "Avvikelse": "Avvikelser",
    "Slutsats": "Slutsatser",
}


def _c(header: str, name: str, kind: Kind, **kw) -> Column:
    return Column(header=header, name=name, kind=kind, **kw)


FORBUND = _c("Förbund", "forbund", Kind.TEXT, required=True, help="Samordningsförbundets namn")
INSATS_REQ = _c("Insats", "insats", Kind.TEXT, required=True, help="Insatsens namn")
INSATS_OPT = _c("Insats", "insats", Kind.TEXT,
                help="Tomt = hela förbundet (styrelse, kansli, administration)")
YEAR = _c("År", "year", Kind.YEAR, required=True, min_value=1990, max_value=2100)
ENHET = _c("Enhet", "unit", Kind.CODE, values=UNITS, help="kr eller tkr; standard kr")
PARTICIPANT_ID = _c("Deltagar-ID", "participant_id", Kind.TEXT, required=True,
                    aliases=("DeltagarID", "ID"),
                    help="Pseudonymt id från ärendesystemet – aldrig personnummer")
START = _c("Startdatum", "start_date", Kind.DATE, required=True,
           help="Första dagen i insatsen")
SEX_GROUP_COL = _c("Kön", "sex", Kind.CODE, required=True, values=SEX_GROUP,
                   synonyms=SEX_GROUP_SYNONYMS)

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        name="Insatser", table="insatser",
        columns=(
            FORBUND, INSATS_REQ,
            _c("Typ", "kind", Kind.CODE, values=INSATS_TYPES,
               help="Individinriktad eller Strukturinriktad; standard Individinriktad"),
            _c("Startdatum", "start_date", Kind.DATE, help="När insatsen startade"),
            _c("Slutdatum", "end_date", Kind.DATE, help="När insatsen slutar/slutade"),
            _c("Årsplatser", "capacity_fye", Kind.NUMBER, min_value=0,
               help="Kapacitet i årsplatser, t.ex. 111"),
            _c("Beviljat belopp", "granted_amount", Kind.AMOUNT, min_value=0,
               help="Beviljade medel för innevarande år"),
            _c("Insatsägare", "owner", Kind.TEXT, help="Organisationen som driver insatsen"),
        ),
        key=("forbund", "insats"),
        help="En rad per insats.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare",
                 "Typ": "Individinriktad", "Startdatum": "2020-01-01", "Slutdatum": "",
                 "Årsplatser": "40", "Beviljat belopp": "3 200 000",
                 "Insatsägare": "Demokommunen"},
    ),
    Sheet(
        name="Mål", table="targets",
        columns=(
            FORBUND, INSATS_OPT, YEAR,
            _c("Nyckeltal", "kpi", Kind.CODE, required=True,
               help="Nyckeltalets nyckel (share_work …) eller svenska namn"),
            _c("Målvärde", "target_value", Kind.NUMBER, required=True,
               help="T.ex. 25 (%), 34 (månader), 111 (platser)"),
            _c("Riktning", "direction", Kind.CODE, values=DIRECTIONS,
               help="minst eller högst; standard enligt nyckeltalet"),
        ),
        key=("forbund", "insats", "year", "kpi"),
        help="Mål per insats och år. Tom insats = mål för hela förbundet.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare", "År": "2025",
                 "Nyckeltal": "share_work", "Målvärde": "25 %", "Riktning": "minst"},
    ),
    Sheet(
        name="Deltagare", table="episodes", participant_rows=True,
        columns=(
            FORBUND, INSATS_REQ,
            _c("Grupp", "grupp", Kind.TEXT, help="Delgrupp i insatsen, t.ex. Trädgårdsgruppen"),
            PARTICIPANT_ID,
            _c("Kön", "sex", Kind.CODE, required=True, values=SEX, synonyms=SEX_SYNONYMS),
            _c("Ålder vid start", "age_at_start", Kind.INT, min_value=15, max_value=70,
               aliases=("Ålder",)),
            _c("Remittent", "referrer", Kind.CODE, required=True, values=REFERRERS,
               synonyms=REFERRER_SYNONYMS, help="Vem som remitterade personen"),
            _c("Försörjning före", "income_before", Kind.CODE, values=INCOME_SOURCES,
               synonyms=INCOME_SYNONYMS, help="Huvudsaklig försörjning vid start"),
            _c("Tid i offentlig försörjning (år)", "public_support_years", Kind.NUMBER,
               min_value=0, max_value=60, aliases=("Tid i offentlig försörjning",)),
            _c("Utbildningsnivå", "education", Kind.CODE, values=EDUCATION,
               synonyms=EDUCATION_SYNONYMS),
            START,
            _c("Slutdatum", "end_date", Kind.DATE, help="Tomt så länge insatsen pågår"),
            _c("Avslutsorsak", "exit_reason", Kind.CODE, values=tuple(EXIT_REASONS),
               synonyms=EXIT_REASON_SYNONYMS, help="Krävs när Slutdatum är ifyllt"),
            _c("Försörjning efter", "income_after", Kind.CODE, values=INCOME_SOURCES,
               synonyms=INCOME_SYNONYMS, help="Huvudsaklig försörjning vid avslut"),
            _c("Steg vid start", "step_start", Kind.INT, min_value=1, max_value=9),
            _c("Steg vid avslut", "step_end", Kind.INT, min_value=1, max_value=9),
        ),
        key=("forbund", "insats", "participant_id", "start_date"),
        help="En rad per deltagares period i en insats.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare", "Grupp": "",
                 "Deltagar-ID": "D-000123", "Kön": "Kvinna", "Ålder vid start": "34",
                 "Remittent": "Försäkringskassan",
                 "Försörjning före": "Sjukpenning/rehabiliteringspenning",
                 "Tid i offentlig försörjning (år)": "3,5", "Utbildningsnivå": "Gymnasial",
                 "Startdatum": "2025-02-03", "Slutdatum": "2025-11-28",
                 "Avslutsorsak": "Arbete utan anställningsstöd", "Försörjning efter": "Lön",
                 "Steg vid start": "3", "Steg vid avslut": "6"},
    ),
    Sheet(
        name="Uppföljning", table="followups", participant_rows=True,
        columns=(
            FORBUND, INSATS_REQ, PARTICIPANT_ID, START,
            _c("Månader efter avslut", "months_after", Kind.CODE, required=True,
               values=FOLLOWUP_MONTHS),
            _c("Status", "status", Kind.CODE, required=True, values=FOLLOWUP_STATUS,
               synonyms={"Fortsatt rehabilitering": "Fortsatt arbetslivsinriktad rehabilitering",
                         "Okänt": "Okänd"}),
            _c("Försörjning", "income", Kind.CODE, values=INCOME_SOURCES,
               synonyms=INCOME_SYNONYMS),
        ),
        key=("forbund", "insats", "participant_id", "start_date", "months_after"),
        help="Status 6, 12, 18 eller 24 månader efter avslut.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare",
                 "Deltagar-ID": "D-000123", "Startdatum": "2025-02-03",
                 "Månader efter avslut": "6", "Status": "Arbete", "Försörjning": "Lön"},
    ),
    Sheet(
        name="Budget", table="budget_lines",
        columns=(
            FORBUND, INSATS_OPT, YEAR,
            _c("Period", "period", Kind.DATE, required=True,
               help="Utfallet är ackumulerat till och med detta datum"),
            _c("Kostnadsslag", "cost_category", Kind.CODE, required=True,
               values=COST_CATEGORIES, open_values=True),
            _c("Budget", "budget", Kind.AMOUNT, required=True, help="Årets budget för raden"),
            _c("Utfall", "spent", Kind.AMOUNT, help="Förbrukat till och med Period"),
            ENHET,
        ),
        key=("forbund", "insats", "year", "period", "cost_category"),
        help="Budget och utfall per kostnadsslag.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare", "År": "2025",
                 "Period": "2025-06-30", "Kostnadsslag": "Lönekostnader",
                 "Budget": "1 923 361", "Utfall": "960 000", "Enhet": "kr"},
    ),
    Sheet(
        name="Finansiering", table="funding",
        columns=(
            FORBUND, YEAR,
            _c("Medlem", "member", Kind.TEXT, required=True,
               help="Staten, Region, Kommun eller kommunens namn"),
            _c("Belopp", "amount", Kind.AMOUNT, required=True, min_value=0),
        ),
        key=("forbund", "year", "member"),
        help="Medlemmarnas bidrag. Saknas uppgiften används 50/25/25.",
        example={"Förbund": "Demoförbundet Norr", "År": "2025", "Medlem": "Staten",
                 "Belopp": "4 000 000"},
    ),
    Sheet(
        name="Samhällsekonomi", table="socioeconomic",
        columns=(
            FORBUND, INSATS_REQ,
            _c("Period", "period", Kind.TEXT, required=True, help="T.ex. 2017 eller 2017H2"),
            _c("Aktör", "actor", Kind.CODE, required=True, values=ACTORS,
               synonyms=ACTOR_SYNONYMS),
            _c("Antal deltagare", "participants", Kind.INT, min_value=0),
            _c("Intäkt per år", "revenue_per_year", Kind.AMOUNT, required=True),
            _c("Kostnad", "cost", Kind.AMOUNT, help="Kostnad eller Lönsamhet 1 år krävs"),
            _c("Lönsamhet 1 år", "profit_1y", Kind.AMOUNT,
               help="Intäkt minus kostnad år 1 (PayOff)"),
        ),
        key=("forbund", "insats", "period", "actor"),
        help="En extern samhällsekonomisk utvärdering, t.ex. PayOff eller NyttoSam.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare", "Period": "2025",
                 "Aktör": "Samhället", "Antal deltagare": "57", "Intäkt per år": "1 600 000",
                 "Kostnad": "", "Lönsamhet 1 år": "-7 600 000"},
    ),
    Sheet(
        name="Schablonkostnader", table="unit_costs",
        columns=(
            _c("Status", "status", Kind.CODE, required=True, values=UNIT_COST_STATUSES,
               synonyms=INCOME_SYNONYMS),
            _c("Aktör", "actor", Kind.CODE, required=True, values=ACTORS,
               synonyms=ACTOR_SYNONYMS),
            _c("Kronor per år", "sek_per_year", Kind.AMOUNT, required=True,
               help="Kostnad för aktören per år; negativt = intäkt, t.ex. skatt"),
        ),
        key=("status", "actor"),
        help="Schablonkostnader för den inbyggda uppskattningen (appen levererar inga officiella"
             " siffror).",
        example={"Status": "Ekonomiskt bistånd", "Aktör": "Kommunen",
                 "Kronor per år": "120 000"},
    ),
    Sheet(
        name="Indikatorer", table="indicators",
        columns=(
            FORBUND, INSATS_OPT,
            _c("Mätperiod", "measurement_period", Kind.TEXT, required=True),
            _c("Indikator", "indicator", Kind.INT, required=True, min_value=1, max_value=16),
            _c("Fråga", "question", Kind.TEXT, required=True),
            _c("Respondentgrupp", "respondent_group", Kind.CODE, required=True,
               values=RESPONDENT_GROUPS, open_values=True),
            SEX_GROUP_COL,
            _c("Antal svar", "n_answers", Kind.INT, required=True, min_value=0),
            _c("Negativt", "negative", Kind.PERCENT, required=True, min_value=0, max_value=1),
            _c("Varken eller", "neutral", Kind.PERCENT, required=True, min_value=0,
               max_value=1),
            _c("Positivt", "positive", Kind.PERCENT, required=True, min_value=0, max_value=1),
            _c("Klart positivt", "clearly_positive", Kind.PERCENT, min_value=0, max_value=1),
            _c("Svarsfrekvens", "response_rate", Kind.PERCENT, min_value=0, max_value=1),
        ),
        key=("forbund", "insats", "measurement_period", "indicator", "question",
             "respondent_group", "sex"),
        help="Resultat från NNS indikatorenkät.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "", "Mätperiod": "2025",
                 "Indikator": "1", "Fråga": "Jag har fått stöd att nå mina mål",
                 "Respondentgrupp": "Deltagare avslut", "Kön": "Samtliga", "Antal svar": "42",
                 "Negativt": "8,1 %", "Varken eller": "20 %", "Positivt": "71,9 %",
                 "Klart positivt": "40 %", "Svarsfrekvens": "65 %"},
    ),
    Sheet(
        name="Volymer", table="volumes",
        columns=(
            FORBUND, INSATS_REQ,
            _c("Period", "period", Kind.TEXT, required=True,
               help="Datum, 2023, 2023-Q2 eller 2023H1"),
            _c("Mått", "measure", Kind.TEXT, required=True,
               help="T.ex. Konsultationer, SIP-beslut, Utbildningstillfällen"),
            SEX_GROUP_COL,
            _c("Antal", "count", Kind.INT, required=True, min_value=0),
        ),
        key=("forbund", "insats", "period", "measure", "sex"),
        help="Antal för strukturinriktade insatser.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare",
                 "Period": "2025-Q2", "Mått": "Konsultationer", "Kön": "Samtliga",
                 "Antal": "37"},
    ),
    Sheet(
        name="Helårsekvivalenter", table="benefit_fye",
        columns=(
            _c("Område", "area", Kind.TEXT, required=True, help="Kommun, län eller Riket"),
            YEAR,
            _c("Ersättning", "benefit", Kind.CODE, required=True, values=BENEFITS),
            SEX_GROUP_COL,
            _c("Helårsekvivalenter", "fye", Kind.NUMBER, required=True, min_value=0),
            _c("Befolkning 20–64", "population_20_64", Kind.INT, min_value=0,
               aliases=("Befolkning 20-64", "Befolkning")),
        ),
        key=("area", "year", "benefit", "sex"),
        help="Personer 20–64 år försörjda av ersättningar och bidrag (SCB).",
        example={"Område": "Demostad", "År": "2024", "Ersättning": "Sjukpenning",
                 "Kön": "Samtliga", "Helårsekvivalenter": "2 345",
                 "Befolkning 20–64": "86 708"},
    ),
    Sheet(
        name="Rapporttexter", table="report_texts",
        columns=(
            FORBUND,
            _c("Insats", "insats", Kind.TEXT,
               help="Tomt = texten gäller hela förbundet (förbundsrapporten)"),
            _c("Period", "period", Kind.PERIOD, required=True,
               help="Rapportens period: 2024, 2024 H1, 2024 Q3 eller 2024-01-01–2024-06-30"),
            _c("Avsnitt", "section", Kind.CODE, required=True, values=REPORT_SECTIONS,
               synonyms=REPORT_SECTION_SYNONYMS),
            _c("Text", "text", Kind.LONG_TEXT,
               help="Avsnittets text; radbrytningar behålls. Tom text = avsnittet utelämnas i "
                    "rapporten. Inga personnummer, e-postadresser eller namn på deltagare"),
        ),
        key=("forbund", "insats", "period", "section"),
        help="Texter som samordnaren skriver till rapporterna, per förbund, insats, period och "
             "avsnitt. Kan också skrivas och ändras på sidan Rapport.",
        example={"Förbund": "Demoförbundet Norr", "Insats": "Steget Vidare", "Period": "2025",
                 "Avsnitt": "Bakgrund och syfte",
                 "Text": "Insatsen ska ge personer långt från arbetsmarknaden samordnat stöd "
                         "mot arbete eller studier."},
    ),
)

SHEETS_BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
SHEETS_BY_KEY: dict[str, Sheet] = {header_key(s.name): s for s in SHEETS}
SHEETS_BY_TABLE: dict[str, Sheet] = {s.table: s for s in SHEETS}
