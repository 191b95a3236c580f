"""Build the corpus of bad upload files and `expected.csv` (run once; the output is committed).

    .venv/bin/python tests/data/bad/make_corpus.py

Every case below is one file plus the exact errors it must produce: (sheet, row, column,
message) as the user sees them. The messages are written out here by hand, not imported from
the loaders, so a changed message shows up as a failing test. Placeholders filled in by the
test: `{today}` (ISO date of the day the test runs) — the latest accepted date depends on it.

Conventions read by tests/loaders/test_bad_files.py:
- `scope_*` files are checked as a samordnare for "Demoförbundet Test" only
  (`allowed_forbund={"Demoförbundet Test"}`); all others as an administrator.
- Every file is checked against a database (and `existing_insatser`) preloaded with
  `controls/baseline.xlsx`.
- `controls/` holds valid files: the baseline, a cp1252 `;` CSV upload and a Budget sheet
  whose Utfall is text (a warning only).

Workbooks are written with fixed timestamps, so rebuilding gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import re
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FIXED_TIME = (2024, 1, 1, 0, 0, 0)
FORBUND = "Demoförbundet Test"

DELTAGARE_HEADERS = [
    "Förbund", "Insats", "Grupp", "Deltagar-ID", "Kön", "Ålder vid start", "Remittent",
    "Försörjning före", "Tid i offentlig försörjning (år)", "Utbildningsnivå", "Startdatum",
    "Slutdatum", "Avslutsorsak", "Försörjning efter", "Steg vid start", "Steg vid avslut"]
BASE_DELTAGARE = {
    "Förbund": FORBUND, "Insats": "Steget", "Grupp": None, "Deltagar-ID": "D-100",
    "Kön": "Kvinna", "Ålder vid start": 34, "Remittent": "Försäkringskassan",
    "Försörjning före": "Sjukersättning", "Tid i offentlig försörjning (år)": 3.5,
    "Utbildningsnivå": "Gymnasial", "Startdatum": date(2023, 2, 3),
    "Slutdatum": date(2023, 11, 28), "Avslutsorsak": "Studier",
    "Försörjning efter": "Studiemedel", "Steg vid start": 3, "Steg vid avslut": 6}
INSATSER_HEADERS = ["Förbund", "Insats", "Typ", "Startdatum", "Slutdatum", "Årsplatser",
                    "Beviljat belopp", "Insatsägare"]
BUDGET_HEADERS = ["Förbund", "Insats", "År", "Period", "Kostnadsslag", "Budget", "Utfall",
                  "Enhet"]
INDIKATORER_HEADERS = ["Förbund", "Insats", "Mätperiod", "Indikator", "Fråga",
                       "Respondentgrupp", "Kön", "Antal svar", "Negativt", "Varken eller",
                       "Positivt", "Klart positivt", "Svarsfrekvens"]

PNR_MESSAGE = (
    "Cellen ser ut att innehålla ett personnummer eller samordningsnummer. Personnummer får "
    "inte laddas upp. Ersätt personnumret med ett löpnummer eller id från ärendesystemet, "
    "t.ex. D-000123; spara kopplingsnyckeln hos er, aldrig här.")
CORRUPT = ("Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel, spara den som "
           "Excel-arbetsbok (.xlsx) och försök igen.")
SHEET_LIST = ("Insatser, Mål, Deltagare, Uppföljning, Budget, Finansiering, Samhällsekonomi, "
              "Schablonkostnader, Indikatorer, Volymer, Helårsekvivalenter")
DATE_RANGE = "Datumet måste ligga mellan 1990-01-01 och {today}."


def with_check_digit(nine: str) -> str:
    """Nine digits (YYMMDDNNN) plus the Luhn check digit of a personnummer."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return nine + str((10 - total % 10) % 10)


#: Made up, but with a valid check digit, so the loaders must treat them as real.
PERSONNUMMER = "19" + (lambda d: f"{d[:6]}-{d[6:]}")(with_check_digit("850312238"))
SAMORDNINGSNUMMER = (lambda d: f"{d[:6]}-{d[6:]}")(with_check_digit("850372238"))


# --- writers ---------------------------------------------------------------------------------

def rows_of(headers: list[str], *rows: dict) -> list[list]:
    """Header row plus the rows' cells in header order (missing cells blank)."""
    return [headers, *([r.get(h) for h in headers] for r in rows)]


def deltagare(*overrides: dict, drop: tuple[str, ...] = ()) -> list[list]:
    """A Deltagare sheet: one row per override dict on top of a valid row."""
    headers = [h for h in DELTAGARE_HEADERS if h not in drop]
    extra = [h for o in overrides for h in o if h not in DELTAGARE_HEADERS]
    return rows_of(headers + list(dict.fromkeys(extra)),
                   *({**BASE_DELTAGARE, **o} for o in overrides))


def indikatorer(**overrides) -> list[list]:
    """An Indikatorer sheet with one row."""
    row = {"Förbund": FORBUND, "Insats": None, "Mätperiod": "2023", "Indikator": 1,
           "Fråga": "Jag har fått stöd att nå mina mål", "Respondentgrupp": "Deltagare avslut",
           "Kön": "Samtliga", "Antal svar": 42, "Negativt": "10 %", "Varken eller": "20 %",
           "Positivt": "70 %", "Klart positivt": "40 %", "Svarsfrekvens": "65 %"}
    return rows_of(INDIKATORER_HEADERS, {**row, **overrides})


def budget(**overrides) -> list[list]:
    """A Budget sheet with one row."""
    row = {"Förbund": FORBUND, "Insats": "Steget", "År": 2023, "Period": date(2023, 12, 31),
           "Kostnadsslag": "Lönekostnader", "Budget": 500000, "Utfall": 480000, "Enhet": "kr"}
    return rows_of(BUDGET_HEADERS, {**row, **overrides})


def deterministic(data: bytes) -> bytes:
    """The same workbook with fixed zip and document timestamps."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*",
                              rb"\g<1>2024-01-01T00:00:00Z", body)
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, body)
    return out.getvalue()


def xlsx(sheets: dict[str, list[list]], *, hidden: tuple[str, ...] = (),
         edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    """A workbook with one sheet per entry (a None cell stays blank)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    if edit is not None:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return deterministic(buf.getvalue())


def csv_bytes(rows: list[list], *, sep: str = ";", encoding: str = "utf-8") -> bytes:
    """CSV as Excel writes it (CRLF); cp1252 is Excel's plain "CSV" on Swedish Windows."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(
        [["" if v is None else str(v) for v in r] for r in rows])
    return out.getvalue().encode(encoding)


# --- the cases -------------------------------------------------------------------------------

Expected = tuple[str, int | None, str | None, str]  # sheet, row, column, message


def _formula(wb: openpyxl.Workbook) -> None:
    wb["Deltagare"]["F2"] = "=30+4"  # openpyxl stores no computed value


def _merge(wb: openpyxl.Workbook) -> None:
    wb["Deltagare"].merge_cells("B2:B3")


def _truncated() -> bytes:
    whole = xlsx({"Deltagare": deltagare({})})
    return whole[: len(whole) // 2]


def cases() -> dict[str, tuple[bytes, list[Expected]]]:
    """File (relative to this folder) -> (bytes, expected errors)."""
    d = "Deltagare"
    allowed_exit = ("Arbete, Arbete med anställningsstöd, Arbete utan anställningsstöd, Studier, "
                    "Fortsatt arbetslivsinriktad rehabilitering, Sjuk- eller aktivitetsersättning, "
                    "Medicinsk rehabilitering/vård, Föräldraledighet … (och 6 till, se mallen)")
    return {
        # --- file level --------------------------------------------------------------------
        "wrong_sheet_name.xlsx": (
            xlsx({"Deltagarlista": deltagare({})}),
            [("Deltagarlista", None, None, f"Okänt blad. Bladen ska heta: {SHEET_LIST}.")]),
        "wrong_csv_name/Deltagarlista.csv": (
            csv_bytes(deltagare({})),
            [("Deltagarlista", None, None,
              "Filnamnet motsvarar inget blad. En CSV-fil ska heta exakt som bladet, t.ex. "
              f"Deltagare.csv. Tillåtna namn: {SHEET_LIST}.")]),
        "unsupported_type.xls": (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504),  # an old binary .xls header
            [("", None, None, "Filtypen stöds inte. Ladda upp en Excel-arbetsbok (.xlsx) eller "
              "en CSV-fil (.csv) per blad.")]),
        "empty_csv/Deltagare.csv": (b"", [("", None, None, "Filen är tom.")]),
        "empty_sheet.xlsx": (
            xlsx({d: []}), [("", None, None, "Filen innehåller inga ifyllda blad.")]),
        "corrupt_random.xlsx": (random.Random(7).randbytes(4096), [("", None, None, CORRUPT)]),
        "corrupt_truncated.xlsx": (_truncated(), [("", None, None, CORRUPT)]),
        "hidden_sheet.xlsx": (
            xlsx({"Budget": budget(), d: deltagare({})}, hidden=(d,)),
            [(d, None, None, "Bladet Deltagare är dolt. Dolda blad läses inte in osynligt: visa "
              "bladet i Excel (högerklicka på en flik → Ta fram) och kontrollera innehållet, "
              "eller ta bort det.")]),
        "merged_cells.xlsx": (
            xlsx({d: deltagare({}, {"Deltagar-ID": "D-101"})}, edit=_merge),
            [(d, 2, "Insats", "Sammanfogade celler (B2:B3). Dela upp dem (Start → Koppla och "
              "centrera → Dela upp celler) och fyll i värdet på varje rad."),
             (d, 3, "Insats", "Insats måste fyllas i.")]),
        "formula_without_value.xlsx": (
            xlsx({d: deltagare({})}, edit=_formula),
            [(d, 2, "Ålder vid start", "Formeln har inget beräknat värde. Öppna filen i Excel "
              "och spara den igen, eller ersätt formeln med värdet.")]),
        # --- headers -------------------------------------------------------------------------
        "missing_column.xlsx": (
            xlsx({d: deltagare({}, drop=("Kön",))}),
            [(d, None, "Kön", "Kolumnen Kön saknas. Den måste finnas i bladet Deltagare.")]),
        "no_header_row.xlsx": (
            xlsx({d: deltagare({})[1:]}),
            [(d, 1, None, "Hittar ingen rubrikrad. Första ifyllda raden ska innehålla "
              "kolumnrubrikerna, t.ex. Förbund, Insats, Deltagar-ID, Kön, Remittent, "
              "Startdatum.")]),
        "personnummer_column.xlsx": (
            xlsx({d: deltagare({"Personnummer": PERSONNUMMER})}),
            [(d, None, "Personnummer", "Kolumnen Personnummer ser ut att innehålla "
              "personuppgifter. Ta bort kolumnen: namn, personnummer och kontaktuppgifter får "
              "inte laddas upp."),
             (d, 2, "Personnummer", PNR_MESSAGE)]),
        # --- identity data -------------------------------------------------------------------
        "personnummer.xlsx": (
            xlsx({d: deltagare({"Deltagar-ID": PERSONNUMMER})}),
            [(d, 2, "Deltagar-ID", PNR_MESSAGE)]),
        "samordningsnummer.xlsx": (
            xlsx({d: deltagare({"Deltagar-ID": SAMORDNINGSNUMMER})}),
            [(d, 2, "Deltagar-ID", PNR_MESSAGE)]),
        "name_in_grupp.xlsx": (
            xlsx({d: deltagare({"Grupp": "Anna Svensson"})}),
            [(d, 2, "Grupp", "Cellen ser ut att innehålla ett namn. Namn på deltagare får inte "
              "laddas upp – beskriv gruppen utan namn och använd pseudonyma id:n.")]),
        "name_as_id.xlsx": (
            xlsx({d: deltagare({"Deltagar-ID": "Anna Svensson"})}),
            [(d, 2, "Deltagar-ID", "Deltagar-ID ser ut att vara ett namn. Använd ett pseudonymt "
              "id från ärendesystemet, t.ex. D-000123 – aldrig namn eller personnummer.")]),
        "email.xlsx": (
            xlsx({d: deltagare({"Grupp": "kontakt anna.svensson@demokommun.se"})}),
            [(d, 2, "Grupp", "Cellen innehåller en e-postadress. E-postadresser får inte "
              "laddas upp – ta bort den.")]),
        # --- cells ---------------------------------------------------------------------------
        "date_before_1990.xlsx": (
            xlsx({d: deltagare({"Startdatum": date(1985, 5, 1), "Slutdatum": None,
                                "Avslutsorsak": None})}),
            [(d, 2, "Startdatum", DATE_RANGE)]),
        "date_in_future.xlsx": (
            xlsx({d: deltagare({"Startdatum": date(2099, 1, 1), "Slutdatum": None,
                                "Avslutsorsak": None})}),
            [(d, 2, "Startdatum", DATE_RANGE)]),
        "date_unreadable.xlsx": (
            xlsx({d: deltagare({"Startdatum": "31/3/2023"})}),
            [(d, 2, "Startdatum", "Ogiltigt datum. Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. "
              "2023-03-31), ÅÅÅÅMMDD eller ÅÅMMDD.")]),
        "end_before_start.xlsx": (
            xlsx({d: deltagare({"Startdatum": date(2023, 5, 1), "Slutdatum": date(2023, 3, 1)})}),
            [(d, 2, "Slutdatum", "Slutdatum ligger före Startdatum.")]),
        "reason_without_end.xlsx": (
            xlsx({d: deltagare({"Slutdatum": None})}),
            [(d, 2, "Avslutsorsak", "Avslutsorsak är ifylld men Slutdatum saknas. Fyll i "
              "Slutdatum eller ta bort avslutsorsaken.")]),
        "end_without_reason.xlsx": (
            xlsx({d: deltagare({"Avslutsorsak": None})}),
            [(d, 2, "Avslutsorsak", "Avslutsorsak måste fyllas i när Slutdatum är ifyllt.")]),
        "required_cell_empty.xlsx": (
            xlsx({d: deltagare({"Kön": None})}), [(d, 2, "Kön", "Kön måste fyllas i.")]),
        "unknown_kon.xlsx": (
            xlsx({d: deltagare({"Kön": "X"})}),
            [(d, 2, "Kön", "Okänt värde för Kön. Tillåtna värden: Kvinna, Man, "
              "Annat/ej angivet.")]),
        "unknown_remittent.xlsx": (
            xlsx({d: deltagare({"Remittent": "Polisen"})}),
            [(d, 2, "Remittent", "Okänt värde för Remittent. Tillåtna värden: "
              "Arbetsförmedlingen, Försäkringskassan, Kommun, Region, Egen ansökan, Annan.")]),
        "unknown_avslutsorsak.xlsx": (
            xlsx({d: deltagare({"Avslutsorsak": "Flyttade"})}),
            [(d, 2, "Avslutsorsak", f"Okänt värde för Avslutsorsak. Tillåtna värden: "
              f"{allowed_exit}.")]),
        "age_out_of_range.xlsx": (
            xlsx({d: deltagare({"Ålder vid start": 12})}),
            [(d, 2, "Ålder vid start", "Ålder vid start ska vara ett heltal mellan 15 och 70.")]),
        "decimal_in_integer.xlsx": (
            xlsx({d: deltagare({"Ålder vid start": 34.5})}),
            [(d, 2, "Ålder vid start", "Ålder vid start ska vara ett heltal, t.ex. 34.")]),
        "budget_text.xlsx": (
            xlsx({"Budget": budget(Budget="Se separat redovisning")}),
            [("Budget", 2, "Budget", "Budget ska vara ett tal, t.ex. 1 923 361 eller 8,1.")]),
        "percent_over_100.xlsx": (
            xlsx({"Indikatorer": indikatorer(Svarsfrekvens="120 %")}),
            [("Indikatorer", 2, "Svarsfrekvens",
              "Svarsfrekvens ska vara mellan 0 % och 100 %.")]),
        "indicator_sum.xlsx": (
            xlsx({"Indikatorer": indikatorer(Negativt="10 %", **{"Varken eller": "10 %"},
                                             Positivt="10 %", **{"Klart positivt": "5 %"})}),
            [("Indikatorer", 2, "Positivt", "Negativt, Varken eller och Positivt ska "
              "tillsammans bli 100 % (±2 procentenheter), men blir 30 %.")]),
        "unknown_kpi.xlsx": (
            xlsx({"Mål": rows_of(["Förbund", "Insats", "År", "Nyckeltal", "Målvärde"],
                                 {"Förbund": FORBUND, "Insats": "Steget", "År": 2024,
                                  "Nyckeltal": "Lyckoindex", "Målvärde": 25})}),
            [("Mål", 2, "Nyckeltal", "Okänt nyckeltal. Ange nyckeln (t.ex. share_work) eller "
              "det svenska namnet från nyckeltalslistan, eller volume:<Mått> för ett "
              "volymmål.")]),
        "followup_months_7.xlsx": (
            xlsx({"Uppföljning": rows_of(
                ["Förbund", "Insats", "Deltagar-ID", "Startdatum", "Månader efter avslut",
                 "Status", "Försörjning"],
                {"Förbund": FORBUND, "Insats": "Steget", "Deltagar-ID": "D-1",
                 "Startdatum": date(2023, 1, 9), "Månader efter avslut": 7,
                 "Status": "Arbete", "Försörjning": "Lön"})}),
            [("Uppföljning", 2, "Månader efter avslut", "Okänt värde för Månader efter avslut. "
              "Tillåtna värden: 6, 12, 18, 24.")]),
        # --- across rows and sheets ----------------------------------------------------------
        "duplicate_keys.xlsx": (
            xlsx({d: deltagare({}, {"Ålder vid start": 35})}),
            [(d, 3, None, "Raden har samma Förbund, Insats, Deltagar-ID och Startdatum som rad "
              "2. Varje kombination får bara finnas en gång.")]),
        "unknown_insats.xlsx": (
            xlsx({d: deltagare({"Insats": "Okänd insats"})}),
            [(d, 2, "Insats", "Insatsen ”Okänd insats” finns inte för Demoförbundet Test. Lägg "
              "till den i bladet Insatser (i samma uppladdning) eller ladda upp den först.")]),
        # --- permissions (checked as samordnare for Demoförbundet Test) ---------------------
        "scope_other_forbund.xlsx": (
            xlsx({"Insatser": rows_of(INSATSER_HEADERS,
                                      {"Förbund": FORBUND, "Insats": "Nytt steg"},
                                      {"Förbund": "Demoförbundet Norr", "Insats": "Nytt steg"})}),
            [("Insatser", 3, "Förbund",
              "Du kan bara ladda upp uppgifter för Demoförbundet Test.")]),
        "scope_schablonkostnader.xlsx": (
            xlsx({"Schablonkostnader": rows_of(["Status", "Aktör", "Kronor per år"],
                                               {"Status": "Ekonomiskt bistånd",
                                                "Aktör": "Kommunen",
                                                "Kronor per år": 120000})}),
            [("Schablonkostnader", None, None,
              "Bladet Schablonkostnader kan bara laddas upp av en administratör.")]),
    }


def controls() -> dict[str, bytes]:
    """Valid files: the preloaded baseline and the two that must import."""
    baseline = xlsx({
        "Insatser": rows_of(INSATSER_HEADERS,
                            {"Förbund": FORBUND, "Insats": "Steget", "Typ": "Individinriktad",
                             "Startdatum": date(2020, 1, 1), "Årsplatser": 20,
                             "Beviljat belopp": 1000000, "Insatsägare": "Demokommunen"}),
        "Deltagare": deltagare({"Deltagar-ID": "D-1", "Startdatum": date(2023, 1, 9)},
                               {"Deltagar-ID": "D-2", "Startdatum": date(2023, 3, 1),
                                "Slutdatum": None, "Avslutsorsak": None,
                                "Försörjning efter": None}),
        "Budget": budget(),
    })
    cp1252_insatser = rows_of(INSATSER_HEADERS, {
        "Förbund": FORBUND, "Insats": "Språnget Östra", "Typ": "Individinriktad",
        "Startdatum": "2022-01-01", "Årsplatser": "12", "Beviljat belopp": "1 250 000 kr",
        "Insatsägare": "Åre kommun"})
    cp1252_deltagare = deltagare(
        {"Insats": "Språnget Östra", "Grupp": "Trädgårdsgruppen", "Deltagar-ID": "Ö-17",
         "Kön": "Kvinna", "Remittent": "Försäkringskassan", "Försörjning före": "Sjukersättning",
         "Tid i offentlig försörjning (år)": "2,5", "Utbildningsnivå": "Förgymnasial",
         "Startdatum": "2023-02-03", "Slutdatum": "2023-09-29", "Avslutsorsak": "Avbrott – ohälsa",
         "Försörjning efter": "Ekonomiskt bistånd"})
    return {
        "controls/baseline.xlsx": baseline,
        "controls/cp1252/Insatser.csv": csv_bytes(cp1252_insatser, encoding="cp1252"),
        "controls/cp1252/Deltagare.csv": csv_bytes(cp1252_deltagare, encoding="cp1252"),
        "controls/utfall_text.xlsx": xlsx({"Budget": budget(Utfall="Se separat redovisning")}),
    }


def main() -> None:
    """Write every file and expected.csv, removing files of cases that no longer exist."""
    built = cases()
    wanted = {**{name: data for name, (data, _) in built.items()}, **controls()}
    for old in HERE.rglob("*"):
        rel = old.relative_to(HERE).as_posix()
        if old.is_file() and old.suffix in (".xlsx", ".xls", ".csv") and rel not in wanted \
                and rel != "expected.csv":
            old.unlink()
    for name, data in wanted.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["file", "sheet", "row", "column", "message"])
    for name, (_, expected) in built.items():
        for sheet, row, column, message in expected:
            writer.writerow([name, sheet, "" if row is None else row, column or "", message])
    (HERE / "expected.csv").write_text(out.getvalue(), encoding="utf-8")
    print(f"{len(built)} bad files, {len(wanted) - len(built)} control files, expected.csv")


if __name__ == "__main__":
    main()
