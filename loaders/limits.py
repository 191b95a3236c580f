"""How much an upload may hold, and what the user is told when a file goes beyond it.

Every limit is checked while the file is read (`loaders.xlsx_scan` for workbooks, `read.py`
for CSV), before a reader spends memory on it, so a hostile file stops at the first limit
it crosses. The numbers are generous for real quarterly workbooks: the widest contract sheet
has 16 columns, the large demo ~18,000 episodes per förbund, and a Deltagare export of
100,000+ rows stays well inside.
"""

from __future__ import annotations

import math

#: Largest accepted file, as uploaded (compressed for xlsx); 1 MB = 1024 * 1024 bytes, as
#: Streamlit counts.
MAX_UPLOAD_MB = 50
MAX_UPLOAD_BYTES = MAX_UPLOAD_MB * 1024 * 1024
#: `server.maxUploadSize` in .streamlit/config.toml: the upload widget refuses larger files
#: itself, in English ("File must be 200.0MB or smaller"). Above `MAX_UPLOAD_MB`, so that a
#: file between the two reaches `read_file` and gets the Swedish message; not far above, as
#: Streamlit keeps every uploaded file in the server's memory.
UPLOAD_WIDGET_MB = 200

#: All parts of an xlsx together, unpacked. 100,000 Deltagare rows written as inline strings
#: (the largest form) unpack to ~90 MB.
MAX_UNPACKED_MB = 400
MAX_UNPACKED_BYTES = MAX_UNPACKED_MB * 1024 * 1024
#: A part may unpack to at most this many times its packed size (Excel's sheets: ~5–20).
MAX_RATIO = 100
#: ... checked for parts larger than this (tiny parts compress arbitrarily well).
RATIO_FROM_BYTES = 1024 * 1024
#: The workbook's own bookkeeping (workbook.xml, relationships, styles, content types);
#: Excel's 64,000 cell formats make ~10 MB of styles.
MAX_PART_MB = 50
MAX_PART_BYTES = MAX_PART_MB * 1024 * 1024
#: Parts in one xlsx (sheets, their relationships, styles, …): ~5 per sheet in practice.
MAX_ZIP_ENTRIES = 2_000
#: Sheets in one workbook (12 contract sheets plus instructions and lists).
MAX_SHEETS = 50

#: Rows per sheet or CSV file (counting the header), columns per sheet or file.
MAX_ROWS = 300_000
MAX_COLUMNS = 200
#: Cells a reader lays out, rows × columns up to the last filled cell, over all sheets of a
#: workbook: fastexcel allocates every one of them, empty or not.
MAX_CELLS = 8_000_000
#: Characters in one cell: Excel's own limit.
MAX_CELL_CHARS = 32_767
#: Characters of text in all cells of a workbook, a shared text counted once per cell using
#: it (that is what the reader builds). 100,000 Deltagare rows hold ~20 million.
MAX_TEXT_CHARS = 100_000_000
#: Distinct texts in the shared-string table (each costs a reader an allocation).
MAX_SHARED_STRINGS = 2_000_000
#: XML elements inside one cell or shared text (a rich-text cell has a handful per run).
MAX_CELL_ELEMENTS = 1_000
#: Merged ranges per sheet (each is reported as an error).
MAX_MERGED = 1_000
#: Longest XML tag, comment or declaration: expat buffers an unfinished one whole.
MAX_TOKEN_BYTES = 1024 * 1024

#: Seconds the app gives one upload check (in its own process) before stopping it.
PARSE_TIMEOUT_S = 120

_RESAVE = "Öppna filen i Excel, spara den som Excel-arbetsbok (.xlsx) och försök igen."
_SPLIT = "Dela upp uppgifterna i flera filer, t.ex. en per blad eller per år."


class Refused(Exception):
    """A file beyond a limit: `message` is the Swedish text, `sheet` where it was found."""

    def __init__(self, message: str, sheet: str = ""):
        super().__init__(message)
        self.message = message
        self.sheet = sheet


def number(n: int) -> str:
    """Swedish digit grouping: 1 048 576."""
    return f"{n:,}".replace(",", " ")


def megabytes(size: int) -> str:
    """Size in MB with a decimal comma, rounded up (a file just over 50 MB never reads 50,0)."""
    shown = f"{math.ceil(size * 10 / (1024 * 1024)) / 10:,.1f}"
    return shown.replace(",", " ").replace(".", ",")


def too_large(file: str, size: int) -> str:
    """The Swedish error for a file over `MAX_UPLOAD_BYTES`, naming the file and the limit."""
    return (f"Filen {file} är för stor ({megabytes(size)} MB). Största tillåtna storlek är "
            f"{MAX_UPLOAD_MB} MB per fil. {_SPLIT}")


def unpacked(file: str, size: int) -> str:
    return (f"Filen {file} innehåller {megabytes(size)} MB när den packas upp (en xlsx-fil är "
            f"komprimerad); högst {MAX_UNPACKED_MB} MB uppackat tas emot. {_SPLIT}")


def ratio(file: str, part: str, times: int) -> str:
    return (f"Filen {file} är ovanligt hårt packad: {part} blir {number(times)} gånger större "
            f"uppackad, högst {MAX_RATIO} gånger tas emot. Så packar Excel aldrig en "
            f"arbetsbok. {_RESAVE}")


def part_size(file: str, part: str, size: int) -> str:
    return (f"Filen {file} har en ovanligt stor intern del ({part}, över {MAX_PART_MB} MB). "
            f"{_RESAVE}")


def zip_entries(file: str) -> str:
    return (f"Filen {file} består av fler än {number(MAX_ZIP_ENTRIES)} interna delar, vilket "
            f"en arbetsbok från Excel aldrig gör. {_RESAVE}")


def sheets() -> str:
    return (f"Arbetsboken har fler än {MAX_SHEETS} blad; högst {MAX_SHEETS} blad tas emot. Ta "
            "bort blad som inte ska laddas upp, eller dela upp arbetsboken.")


def rows(sheet: str, row: int) -> str:
    return (f"Bladet {sheet} har fler än {number(MAX_ROWS)} rader (en ifylld cell på rad "
            f"{number(row)}); högst {number(MAX_ROWS)} rader per blad tas emot. Dela upp "
            "uppgifterna i flera filer, t.ex. en per år, och ta bort ifyllda celler under "
            "tabellen.")


def columns(sheet: str, letters: str) -> str:
    return (f"Bladet {sheet} har fler än {MAX_COLUMNS} kolumner (en ifylld cell i kolumn "
            f"{letters}); högst {MAX_COLUMNS} kolumner per blad tas emot. Ta bort kolumner "
            "som inte hör till bladet och försök igen.")


def cells(sheet: str, count: int) -> str:
    return (f"Arbetsboken är för stor: till och med bladet {sheet} spänner bladen över "
            f"{number(count)} celler (rader × kolumner fram till sista ifyllda cell); högst "
            f"{number(MAX_CELLS)} tas emot. Ta bort tomma rader och kolumner mellan "
            f"uppgifterna, eller dela upp arbetsboken.")


def cell_chars(sheet: str, ref: str) -> str:
    where = f"Cellen {ref} i bladet {sheet}" if sheet else "En text i arbetsboken"
    return (f"{where} har fler än {number(MAX_CELL_CHARS)} tecken; högst "
            f"{number(MAX_CELL_CHARS)} tecken per cell tas emot (Excels egen gräns). Korta "
            "texten och försök igen.")


def text_chars(file: str) -> str:
    return (f"Filen {file} innehåller för mycket text: cellerna har tillsammans fler än "
            f"{number(MAX_TEXT_CHARS)} tecken (en text som används i flera celler räknas i "
            f"varje cell); högst så mycket tas emot. {_SPLIT}")


def shared_strings(file: str) -> str:
    return (f"Filen {file} har fler än {number(MAX_SHARED_STRINGS)} olika texter; högst så "
            f"många tas emot. {_SPLIT}")


def cell_elements(sheet: str, ref: str) -> str:
    where = f"Cellen {ref} i bladet {sheet}" if sheet else "En text i arbetsboken"
    return (f"{where} har en ovanlig intern uppbyggnad (fler än {number(MAX_CELL_ELEMENTS)} "
            f"XML-element) som Excel aldrig skriver. {_RESAVE}")


def merged(sheet: str) -> str:
    return (f"Bladet {sheet} har fler än {number(MAX_MERGED)} sammanfogade cellområden. Dela "
            "upp dem (Start → Koppla och centrera → Dela upp celler) och försök igen.")


def doctype(file: str) -> str:
    return (f"Filen {file} innehåller en XML-deklaration (DOCTYPE) som Excel aldrig skriver "
            f"och som inte läses av säkerhetsskäl. {_RESAVE}")


def token(file: str) -> str:
    return (f"Filen {file} innehåller en ovanligt lång XML-tagg (över 1 MB) som Excel aldrig "
            f"skriver. {_RESAVE}")


def csv_columns(file: str, count: int) -> str:
    return (f"Filen {file} har {number(count)} kolumner; högst {MAX_COLUMNS} kolumner tas "
            "emot. Ta bort kolumner som inte hör till bladet och försök igen.")


def csv_rows(file: str) -> str:
    return (f"Filen {file} har fler än {number(MAX_ROWS)} rader; högst {number(MAX_ROWS)} "
            f"rader per fil tas emot. Dela upp uppgifterna i flera filer, t.ex. en per år.")


def csv_cell_chars(file: str, row: int) -> str:
    return (f"Filen {file} har en cell med fler än {number(MAX_CELL_CHARS)} tecken (rad "
            f"{number(row)}); högst {number(MAX_CELL_CHARS)} tecken per cell tas emot (Excels "
            "egen gräns). Korta texten och försök igen.")


def timeout() -> str:
    return (f"Kontrollen av filerna tog mer än {PARSE_TIMEOUT_S} sekunder och avbröts. "
            f"Ingenting har sparats. {_SPLIT}")


def crashed() -> str:
    return ("Kontrollen av filerna avbröts oväntat, troligen för att de kräver för mycket "
            f"minne. Ingenting har sparats. {_SPLIT}")
