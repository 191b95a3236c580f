"""The Swedish guide to every sheet and column, generated from the contract.

The workbook's `Instruktioner` sheet and the app's Markdown guide both come from
`guide_rows`, so the template can never describe a column the importer does not know.
"""

from __future__ import annotations

from collections.abc import Sequence

from loaders.contract import SHEETS, Column, Kind, Sheet
from metrics.registry import KPIS, Unit

KIND_LABELS = {
    Kind.TEXT: "text", Kind.CODE: "värde ur lista", Kind.DATE: "datum (ÅÅÅÅ-MM-DD)",
    Kind.INT: "heltal", Kind.NUMBER: "tal", Kind.AMOUNT: "belopp (kr)",
    Kind.PERCENT: "procent (25 eller 25 %)", Kind.YEAR: "år (ÅÅÅÅ)",
    Kind.LONG_TEXT: "text (flera rader går bra)", Kind.PERIOD: "period (2024, 2024 H1, 2024 Q3)",
}
UNIT_LABELS = {Unit.COUNT: "antal", Unit.SHARE: "andel (ange i %)", Unit.MONTHS: "månader",
               Unit.YEARS: "år", Unit.DAYS: "dagar", Unit.KR: "kr", Unit.FYE: "årsplatser",
               Unit.PP: "procentenheter"}

TITLE = "Mall för uppladdning till uppföljningen"
INTRO = (
    "Fyll i de blad du har uppgifter för – alla blad är frivilliga. Låt rubrikraden stå "
    "kvar; kolumnernas ordning spelar ingen roll och extra kolumner läses inte in.",
    "Obligatoriska kolumner har färgad rubrik. Håll muspekaren över en rubrik för en "
    "förklaring. Kolumner med fasta värden har en rullista; alla värden finns i bladet "
    "Värdelistor.",
    "Datum skrivs ÅÅÅÅ-MM-DD (även 20230331 går bra). Belopp i kronor får skrivas med "
    "mellanslag (1 923 361) och decimaler med komma (8,1). Procent skrivs 25 eller 25 %.",
    "Raden under rubrikerna är ett påhittat exempel och har Ja i sista kolumnen, Exempelrad. "
    "Den läses inte in så länge den är oförändrad. Skriv dina egna rader utan Ja i Exempelrad; "
    "skriver du över exemplet, töm då cellen i Exempelrad.",
    "Som CSV i stället för arbetsbok: en fil per blad, som heter som bladet, t.ex. "
    "Deltagare.csv eller Budget.csv.",
    "Inga personnummer, namn eller e-postadresser i bladen. Deltagar-ID ska vara det "
    "pseudonyma id:t från ärendesystemet.",
    "Bladen Instruktioner och Värdelistor läses inte in vid uppladdning.",
    "Samma rad kan laddas upp igen: raden uppdateras (nyckeln avgör vilken rad det är) och "
    "varje uppladdning kan ångras.",
)
VOLUME_TARGET_NOTE = ("Mål för en volym (bladet Volymer) anges med nyckeltalet `volume:` följt "
                      "av måttet, t.ex. `volume:Konsultationer`.")
GUIDE_HEADERS = ("Kolumn", "Krävs", "Typ", "Tillåtna värden", "Beskrivning")
EXAMPLE_HELP = ("Exempelrad (frivillig)\nJa = mallens påhittade exempelrad, som inte läses in. "
                "Lämna cellen tom på dina egna rader.")


def allowed_values(column: Column) -> tuple[str, ...]:
    """The drop-down values of a CODE column (Nyckeltal: every KPI key of the registry)."""
    if column.name == "kpi":
        return tuple(k.key for k in KPIS)
    return column.values


def strict_list(column: Column) -> bool:
    """Whether only the listed values are accepted as written (no synonyms or own text)."""
    return not (column.open_values or column.synonyms or column.name == "kpi")


def _bounds(column: Column) -> str:
    low, high = column.min_value, column.max_value
    if column.kind is Kind.YEAR:
        return ""
    fmt = (lambda v: f"{v:g}") if column.kind is not Kind.PERCENT else (lambda v: f"{v:.0%}")
    if low is not None and high is not None:
        return f"{fmt(low)}–{fmt(high)}"
    if low is not None:
        return f"minst {fmt(low)}"
    return f"högst {fmt(high)}" if high is not None else ""


def column_guide(column: Column) -> tuple[str, str, str, str, str]:
    """(header, required, type, allowed values, help) for one column, in Swedish."""
    if column.name == "kpi":
        allowed = "nyckel eller svenskt namn, se Nyckeltal nedan"
    elif column.kind is Kind.CODE:
        allowed = ", ".join(column.values)
        if column.open_values:
            allowed += " – eller egen text"
    else:
        allowed = _bounds(column)
    extra = f" Synonymer som också godtas: {', '.join(column.synonyms)}." \
        if column.synonyms and column.name != "kpi" else ""
    if column.aliases:
        extra += f" Rubriken kan också skrivas: {', '.join(column.aliases)}."
    help_text = (column.help + ("." if column.help and not column.help.endswith(".") else "")
                 + extra).strip()
    return (column.header, "ja" if column.required else "nej", KIND_LABELS[column.kind],
            allowed, help_text)


def key_headers(sheet: Sheet) -> list[str]:
    """The headers of the columns that identify a row."""
    return [sheet.column(name).header for name in sheet.key]


def guide_rows(sheet: Sheet) -> list[tuple[str, str, str, str, str]]:
    """The guide table of one sheet."""
    return [column_guide(c) for c in sheet.columns]


def kpi_rows() -> list[tuple[str, str, str]]:
    """(key, Swedish label, unit) of every KPI a target can be set for."""
    return [(k.key, k.label, UNIT_LABELS[k.unit]) for k in KPIS]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def sheet_guide_markdown(sheets: Sequence[Sheet] = SHEETS) -> str:
    """The guide as Markdown: general rules, then each of `sheets` with all its columns."""
    out = [f"# {TITLE}", "", *(f"- {line}" for line in INTRO), ""]
    for sheet in sheets:
        out += [f"## Blad `{sheet.name}`", "", sheet.help, "",
                f"Nyckel (identifierar en rad): {' + '.join(key_headers(sheet))}", "",
                "| " + " | ".join(GUIDE_HEADERS) + " |",
                "|" + "---|" * len(GUIDE_HEADERS)]
        out += ["| " + " | ".join(_md(v) for v in row) + " |" for row in guide_rows(sheet)]
        out.append("")
    out += ["## Nyckeltal för bladet `Mål`", "", VOLUME_TARGET_NOTE, "",
            "| Nyckel | Namn | Enhet |", "|---|---|---|"]
    out += [f"| `{key}` | {_md(label)} | {unit} |" for key, label, unit in kpi_rows()]
    return "\n".join(out) + "\n"
