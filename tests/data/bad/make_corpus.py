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
- `hostile/` holds files built to take the server down (see `hostile()`), each with the
  wall time and peak memory it may cost before it is refused (`hostile.csv`); the big ones
  are `generated` by tests/loaders/test_hostile_files.py and never written here.

Workbooks are written with fixed timestamps, so rebuilding gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
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
              "Schablonkostnader, Indikatorer, Volymer, Helårsekvivalenter, Rapporttexter")
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


# --- hostile files -----------------------------------------------------------------------------
# Files built to take the server down, one per class (docs/SECURITY.md). Each must be refused
# with its message within `seconds` of wall time and `megabytes` of peak memory, measured in a
# fresh process by tests/loaders/test_hostile_files.py. Small ones are committed with the
# corpus (and so also checked like every bad file, through the web page's path and the CLI);
# the big ones (zip bombs and the like) are `generated`: built by the test from the builder
# here, never written to disk.

@dataclass
class Repeated:
    """Part content `head + block * count + tail`, deflated without ever being held whole."""

    head: bytes
    block: bytes
    count: int
    tail: bytes

    def deflated(self) -> tuple[bytes, int, int]:
        """(raw deflate stream, CRC-32, size).

        The block is compressed once after a full flush, so its compressed bytes are the
        same every time and can be repeated.
        """
        packer = zlib.compressobj(9, zlib.DEFLATED, -15)
        head = packer.compress(self.head) + packer.flush(zlib.Z_FULL_FLUSH)
        block = packer.compress(self.block) + packer.flush(zlib.Z_FULL_FLUSH)
        tail = packer.compress(self.tail) + packer.flush()
        crc = zlib.crc32(self.head)
        for _ in range(self.count):
            crc = zlib.crc32(self.block, crc)
        crc = zlib.crc32(self.tail, crc)
        size = len(self.head) + len(self.block) * self.count + len(self.tail)
        return head + block * self.count + tail, crc, size


def raw_zip(parts: list[tuple[str, bytes | Repeated]], *,
            declared: dict[str, int] | None = None) -> bytes:
    """A zip written byte by byte, every part deflated, its size as `declared` says if given.

    zipfile can neither take pre-deflated data nor lie about sizes.
    """
    out = io.BytesIO()
    central = []
    for name, content in parts:
        if isinstance(content, Repeated):
            data, crc, size = content.deflated()
        else:
            packer = zlib.compressobj(9, zlib.DEFLATED, -15)
            data, crc, size = packer.compress(content) + packer.flush(), zlib.crc32(content), \
                len(content)
        size = (declared or {}).get(name, size)
        encoded, offset = name.encode(), out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0x800, 8, 0, 0x21, crc,
                              len(data), size, len(encoded), 0) + encoded + data)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0x800, 8, 0,
                                   0x21, crc, len(data), size, len(encoded), 0, 0, 0, 0, 0,
                                   offset) + encoded)
    directory, start = b"".join(central), out.tell()
    out.write(directory + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central),
                                      len(central), len(directory), start, 0))
    return out.getvalue()


MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = b"http://schemas.openxmlformats.org/package/2006/relationships"


def book_parts(sheets: list[tuple[str, bytes | Repeated]], *,
               shared: bytes | Repeated | None = None, workbook: bytes | None = None,
               rels: bytes | None = None) -> list[tuple[str, bytes | Repeated]]:
    """The parts of a minimal workbook as Excel lays it out (one XML part per sheet)."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1))
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
             'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
             'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
             '<Default Extension="xml" ContentType="application/xml"/><Override '
             'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
             f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>').encode()
    root = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="' + PKG_REL_NS
            + b'"><Relationship Id="rId1" Type="' + REL_NS + b'/officeDocument" '
            b'Target="xl/workbook.xml"/></Relationships>')
    entries = "".join(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, (name, _) in enumerate(sheets, start=1))
    workbook = workbook or (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN_NS
                            + b'" xmlns:r="' + REL_NS + b'"><sheets>' + entries.encode("utf-8")
                            + b"</sheets></workbook>")
    targets = "".join(f'<Relationship Id="rId{i}" Type="{REL_NS.decode()}/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
    if shared is not None:
        targets += (f'<Relationship Id="rIdS" Type="{REL_NS.decode()}/sharedStrings" '
                    'Target="sharedStrings.xml"/>')
    rels = rels or (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
                    + PKG_REL_NS + b'">' + targets.encode() + b"</Relationships>")
    parts: list[tuple[str, bytes | Repeated]] = [
        ("[Content_Types].xml", types), ("_rels/.rels", root), ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", rels)]
    parts += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, 1)]
    if shared is not None:
        parts.append(("xl/sharedStrings.xml", shared))
    return parts


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN_NS + b'">'
              b"<sheetData>")
SHEET_TAIL = b"</sheetData></worksheet>"
HEADER_ROW = ('<row r="1">' + "".join(
    f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
    for i, h in enumerate(DELTAGARE_HEADERS)) + "</row>").encode("utf-8")
SST_HEAD = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + MAIN_NS + b'">'


def sheet(body: bytes, *, after: bytes = b"") -> bytes:
    """A worksheet with the Deltagare headers in row 1, then `body` (rows), then `after`."""
    return SHEET_HEAD + HEADER_ROW + body + SHEET_TAIL[:-len(b"</worksheet>")] + after \
        + b"</worksheet>"


def one_sheet(body: bytes | Repeated, **kw) -> bytes:
    return raw_zip(book_parts([("Deltagare", body)], **kw))


def _unterminated_rels() -> bytes:
    # (a) the relationships end in thousands of tags that never close.
    good = book_parts([("Deltagare", sheet(b""))])
    rels = dict(good)["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId9" Target="x"' * 25_000)
    return raw_zip(book_parts([("Deltagare", sheet(b""))], rels=rels))


def _unterminated_workbook() -> bytes:
    workbook = (b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN_NS
                + b'" xmlns:r="' + REL_NS + b'"><sheets><sheet name="Deltagare" sheetId="1" '
                b'r:id="rId1"/>' + b'<sheet name="x" sheetId="9" r:id="rId1"' * 20_000)
    return raw_zip(book_parts([("Deltagare", sheet(b""))], workbook=workbook))


def _formula_tags() -> bytes:
    # (d) one cell, 100,000 formula tags: under 1 MiB unpacked, so no ratio check applies.
    return one_sheet(sheet(b'<row r="2"><c r="A2">' + b"<f>1</f>" * 100_000
                           + b"<v>1</v></c></row>"))


def _far_cell() -> bytes:
    # A reader lays out every cell from A1 to the last one: XFD1048576 is 17 billion.
    return one_sheet(sheet(b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'))


def _wide_sheet() -> bytes:
    # (c) as a workbook: a row 16,384 columns wide (cells without `r` take the next column).
    return one_sheet(sheet(b'<row r="2">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"))


def column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _wide_csv(columns: int) -> bytes:
    # (c) a header 10,000 (or 1,000,000) columns wide: the personal-data scan ran per column.
    return (";".join(["a"] * columns) + "\r\n" + ";".join(["x"] * columns) + "\r\n").encode()


def _doctype() -> bytes:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;'
              b'&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><sst xmlns="'
              + MAIN_NS + b'"><si><t>&c;</t></si></sst>')
    return one_sheet(sheet(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'), shared=laughs)


def _long_cell() -> bytes:
    return one_sheet(sheet(b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"x" * 100_000
                           + b"</t></is></c></row>"))


def _shared_fanout() -> bytes:
    # One 32,000-character text used by 30,000 cells: 960 million characters for a reader.
    shared = SST_HEAD + b"<si><t>" + b"x" * 32_000 + b"</t></si></sst>"
    return one_sheet(sheet(b'<row><c t="s"><v>0</v></c></row>' * 30_000), shared=shared)


def _merges() -> bytes:
    merges = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (i, i) for i in range(2, 1_003))
    return one_sheet(sheet(b"", after=b'<mergeCells count="1001">' + merges + b"</mergeCells>"))


def _duplicate_part() -> bytes:
    parts = book_parts([("Deltagare", sheet(b""))])
    return raw_zip([*parts, ("xl/worksheets/sheet1.xml", sheet(
        b'<row r="2"><c r="A2"><v>1</v></c></row>'))])


ROW_BLOCK = (b'<row><c t="inlineStr"><is><t>' + FORBUND.encode() + b'</t></is></c>'
             b'<c t="inlineStr"><is><t>Steget</t></is></c><c><v>34</v></c></row>') * 4096


def _bomb_rows() -> bytes:
    # (b) ~1 MB that unpacks to 1 GiB of rows.
    block = ROW_BLOCK
    return one_sheet(Repeated(SHEET_HEAD + HEADER_ROW, block, -(-(1 << 30) // len(block)),
                              SHEET_TAIL))


def _shared_strings(megabytes: int) -> bytes:
    block = (b"<si><t>" + b"Demo" * 250 + b"</t></si>") * 100
    return one_sheet(sheet(b'<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
                     shared=Repeated(SST_HEAD, block, -(-megabytes * 1024 * 1024 // len(block)),
                                     b"</sst>"))


def _ratio_sheet() -> bytes:
    return one_sheet(Repeated(SHEET_HEAD + HEADER_ROW, ROW_BLOCK,
                              300 * 1024 * 1024 // len(ROW_BLOCK), SHEET_TAIL))


def _lying_size() -> bytes:
    # The zip says 100 KB; the part inflates to 1 GiB.
    parts = book_parts([("Deltagare", Repeated(SHEET_HEAD + HEADER_ROW, ROW_BLOCK,
                                               (1 << 30) // len(ROW_BLOCK), SHEET_TAIL))])
    return raw_zip(parts, declared={"xl/worksheets/sheet1.xml": 100_000})


def _long_tag() -> bytes:
    # A 2 MB attribute value: expat would buffer and re-read it on every chunk. Random
    # letters, so it packs only ~2:1 and no ratio check applies.
    value = bytes(random.Random(3).choices(b"abcdefghijklmnop", k=2 * 1024 * 1024))
    return one_sheet(sheet(b'<row r="2" x="' + value + b'"><c r="A2"><v>1</v></c></row>'))


def _many_parts() -> bytes:
    parts = book_parts([("Deltagare", sheet(b""))])
    return raw_zip([*parts, *((f"xl/media/image{i}.png", b"") for i in range(3_000))])


def _many_sheets() -> bytes:
    # 1,000 sheets that all read as Mål (case, spaces and _ are ignored in names).
    names = [f"{'MÅL' if i % 2 else 'Mål'}{'_' * (i % 25)}{'.' * (i // 25)}" for i in range(1_000)]
    return raw_zip(book_parts([(n, sheet(b"")) for n in names]))


def _tall_sheet() -> bytes:
    rows = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i)
                    for i in range(2, 300_100))
    return one_sheet(sheet(rows))


def _tall_csv() -> bytes:
    return csv_bytes([DELTAGARE_HEADERS[:2], *([FORBUND, "Steget"] for _ in range(400_000))])


def _long_csv_cell() -> bytes:
    return csv_bytes([DELTAGARE_HEADERS[:3], [FORBUND, "Steget", "x" * 40_000]])


@dataclass
class Hostile:
    """A hostile file: how to build it, what the user is told, and the bounds it must keep."""

    build: Callable[[], bytes]
    expected: list[Expected]
    seconds: float = 5.0
    megabytes: int = 1024
    generated: bool = False  # too big to commit: the test builds it


RESAVE = "Öppna filen i Excel, spara den som Excel-arbetsbok (.xlsx) och försök igen."
SPLIT = "Dela upp uppgifterna i flera filer, t.ex. en per blad eller per år."


def hostile() -> dict[str, Hostile]:
    """File (relative to this folder) -> the hostile case."""
    d = "Deltagare"
    return {
        "hostile/rels_unterminated.xlsx": Hostile(
            _unterminated_rels, [("", None, None, CORRUPT)]),
        "hostile/workbook_unterminated.xlsx": Hostile(
            _unterminated_workbook, [("", None, None, CORRUPT)]),
        "hostile/formula_tags.xlsx": Hostile(_formula_tags, [(
            d, None, None, "Cellen A2 i bladet Deltagare har en ovanlig intern uppbyggnad "
            f"(fler än 1 000 XML-element) som Excel aldrig skriver. {RESAVE}")]),
        "hostile/far_cell.xlsx": Hostile(_far_cell, [(
            d, None, None, "Bladet Deltagare har fler än 300 000 rader (en ifylld cell på rad "
            "1 048 576); högst 300 000 rader per blad tas emot. Dela upp uppgifterna i flera "
            "filer, t.ex. en per år, och ta bort ifyllda celler under tabellen.")]),
        "hostile/wide_sheet.xlsx": Hostile(_wide_sheet, [(
            d, None, None, "Bladet Deltagare har fler än 200 kolumner (en ifylld cell i kolumn "
            "GS); högst 200 kolumner per blad tas emot. Ta bort kolumner som inte hör till "
            "bladet och försök igen.")]),
        "hostile/wide_header/Deltagare.csv": Hostile(lambda: _wide_csv(10_000), [(
            d, None, None, "Filen Deltagare.csv har 10 000 kolumner; högst 200 kolumner tas "
            "emot. Ta bort kolumner som inte hör till bladet och försök igen.")]),
        "hostile/million_columns/Deltagare.csv": Hostile(lambda: _wide_csv(1_000_000), [(
            d, None, None, "Filen Deltagare.csv har 1 000 000 kolumner; högst 200 kolumner "
            "tas emot. Ta bort kolumner som inte hör till bladet och försök igen.")],
            generated=True),
        "hostile/doctype.xlsx": Hostile(_doctype, [(
            "", None, None, "Filen doctype.xlsx innehåller en XML-deklaration (DOCTYPE) som "
            f"Excel aldrig skriver och som inte läses av säkerhetsskäl. {RESAVE}")]),
        "hostile/long_cell.xlsx": Hostile(_long_cell, [(
            d, None, None, "Cellen A2 i bladet Deltagare har fler än 32 767 tecken; högst "
            "32 767 tecken per cell tas emot (Excels egen gräns). Korta texten och försök "
            "igen.")]),
        "hostile/shared_text_fanout.xlsx": Hostile(_shared_fanout, [(
            "", None, None, "Filen shared_text_fanout.xlsx innehåller för mycket text: cellerna "
            "har tillsammans fler än 100 000 000 tecken (en text som används i flera celler "
            f"räknas i varje cell); högst så mycket tas emot. {SPLIT}")]),
        "hostile/merges.xlsx": Hostile(_merges, [(
            d, None, None, "Bladet Deltagare har fler än 1 000 sammanfogade cellområden. Dela "
            "upp dem (Start → Koppla och centrera → Dela upp celler) och försök igen.")]),
        "hostile/duplicate_part.xlsx": Hostile(_duplicate_part, [("", None, None, CORRUPT)]),
        "hostile/long_csv_cell/Deltagare.csv": Hostile(_long_csv_cell, [(
            d, None, None, "Filen Deltagare.csv har en cell med fler än 32 767 tecken (rad 2); "
            "högst 32 767 tecken per cell tas emot (Excels egen gräns). Korta texten och "
            "försök igen.")]),
        # --- generated: too big to commit ---------------------------------------------------
        "hostile/bomb_rows.xlsx": Hostile(_bomb_rows, [(
            "", None, None, "Filen bomb_rows.xlsx innehåller 1 024,3 MB när den packas upp "
            "(en xlsx-fil är komprimerad); högst 400 MB uppackat tas emot. " + SPLIT)],
            generated=True),
        "hostile/bomb_shared_strings.xlsx": Hostile(lambda: _shared_strings(1024), [(
            "", None, None, "Filen bomb_shared_strings.xlsx innehåller 1 024,1 MB när den "
            "packas upp (en xlsx-fil är komprimerad); högst 400 MB uppackat tas emot. "
            + SPLIT)], generated=True),
        # shared texts under the total, but hundreds of times their packed size
        "hostile/ratio_shared_strings.xlsx": Hostile(lambda: _shared_strings(300), [(
            "", None, None, "Filen ratio_shared_strings.xlsx är ovanligt hårt packad: "
            "xl/sharedStrings.xml blir 383 gånger större uppackad, högst 100 gånger tas "
            f"emot. Så packar Excel aldrig en arbetsbok. {RESAVE}")], generated=True),
        "hostile/ratio_sheet.xlsx": Hostile(_ratio_sheet, [(
            "", None, None, "Filen ratio_sheet.xlsx är ovanligt hårt packad: bladet Deltagare "
            "blir 277 gånger större uppackad, högst 100 gånger tas emot. Så packar Excel "
            f"aldrig en arbetsbok. {RESAVE}")], generated=True),
        "hostile/lying_size.xlsx": Hostile(_lying_size, [("", None, None, CORRUPT)],
                                           generated=True),
        "hostile/long_tag.xlsx": Hostile(_long_tag, [(
            "", None, None, "Filen long_tag.xlsx innehåller en ovanligt lång XML-tagg (över "
            f"1 MB) som Excel aldrig skriver. {RESAVE}")], generated=True),
        "hostile/many_parts.xlsx": Hostile(_many_parts, [(
            "", None, None, "Filen many_parts.xlsx består av fler än 2 000 interna delar, "
            f"vilket en arbetsbok från Excel aldrig gör. {RESAVE}")], generated=True),
        "hostile/many_sheets.xlsx": Hostile(_many_sheets, [(
            "", None, None, "Arbetsboken har fler än 50 blad; högst 50 blad tas emot. Ta bort "
            "blad som inte ska laddas upp, eller dela upp arbetsboken.")], generated=True),
        "hostile/tall_sheet.xlsx": Hostile(_tall_sheet, [(
            d, None, None, "Bladet Deltagare har fler än 300 000 rader (en ifylld cell på rad "
            "300 001); högst 300 000 rader per blad tas emot. Dela upp uppgifterna i flera "
            "filer, t.ex. en per år, och ta bort ifyllda celler under tabellen.")],
            generated=True),
        "hostile/tall_csv/Deltagare.csv": Hostile(_tall_csv, [(
            d, None, None, "Filen Deltagare.csv har fler än 300 000 rader; högst 300 000 rader "
            "per fil tas emot. Dela upp uppgifterna i flera filer, t.ex. en per år.")],
            generated=True),
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
    """Write every file, expected.csv and hostile.csv, removing files of cases now gone."""
    built = {name: (data, expected) for name, (data, expected) in cases().items()}
    threats = hostile()
    built |= {name: (h.build(), h.expected) for name, h in threats.items() if not h.generated}
    wanted = {**{name: data for name, (data, _) in built.items()}, **controls()}
    for old in HERE.rglob("*"):
        rel = old.relative_to(HERE).as_posix()
        if old.is_file() and old.suffix in (".xlsx", ".xls", ".csv") and rel not in wanted \
                and rel not in ("expected.csv", "hostile.csv"):
            old.unlink()
    for name, data in wanted.items():
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["file", "sheet", "row", "column", "message"])
    listed = [(name, expected) for name, (_, expected) in built.items()]
    listed += [(name, h.expected) for name, h in threats.items() if h.generated]
    for name, expected in listed:
        for sheet, row, column, message in expected:
            writer.writerow([name, sheet, "" if row is None else row, column or "", message])
    (HERE / "expected.csv").write_text(out.getvalue(), encoding="utf-8")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["file", "seconds", "megabytes", "generated"])
    for name, h in threats.items():
        writer.writerow([name, h.seconds, h.megabytes, int(h.generated)])
    (HERE / "hostile.csv").write_text(out.getvalue(), encoding="utf-8")
    print(f"{len(built)} bad files ({len(threats)} hostile, of which "
          f"{sum(h.generated for h in threats.values())} built by the test), "
          f"{len(wanted) - len(built)} control files, expected.csv, hostile.csv")


if __name__ == "__main__":
    main()
