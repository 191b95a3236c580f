"""Read uploaded files into raw text tables, one per sheet.

Cells stay text here (stripped, blank -> null); `loaders.parse` types them. Row numbers are
the spreadsheet rows a user sees, also when rows above the header or blank rows are present.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath

import fastexcel
import polars as pl

from loaders import limits, workbook, xlsx_scan
from loaders.contract import SHEETS, SHEETS_BY_KEY, Sheet, header_key
from loaders.issues import ROW, Issue
from loaders.limits import MAX_UPLOAD_BYTES, MAX_UPLOAD_MB, Refused  # noqa: F401 (re-exported)
from loaders.workbook import column_letter

#: Sheets a template may carry besides the data sheets (instructions, drop-down lists);
#: they are skipped, also when hidden.
HELPER_SHEETS = frozenset(header_key(n) for n in (
    "Instruktioner", "Läs mig", "Läsmig", "Anvisningar", "Listor", "Värdelistor", "Om mallen"))

log = logging.getLogger(__name__)

SHEET_NAMES = ", ".join(s.name for s in SHEETS)
_CORRUPT = ("Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel, spara den som "
            "Excel-arbetsbok (.xlsx) och försök igen.")


@dataclass
class RawSheet:
    """One sheet's cells as text: columns `c0`, `c1`, … (String) and `__row`."""

    file: str
    name: str  # as written in the file (for CSV: the file name without extension)
    sheet: Sheet | None  # None: not a contract sheet (already reported as an error)
    headers: list[str]  # header text per column position, "" where blank
    letters: list[str]  # spreadsheet column letter per position
    frame: pl.DataFrame
    header_row: int = 1  # spreadsheet row of the header (the first filled row)


def _table(file: str, name: str, sheet: Sheet | None, df: pl.DataFrame,
           first_col: int) -> RawSheet | None:
    """Find the header row, drop blank rows and columns. None for an empty sheet."""
    if df.width == 0 or df.height == 0:
        return None
    cols = [f"c{i}" for i in range(df.width)]
    df = df.rename(dict(zip(df.columns, cols, strict=True)))
    s = pl.col(cols).cast(pl.String).str.strip_chars()
    df = df.select(pl.when(s.str.len_chars() > 0).then(s).name.keep()).with_row_index(
        ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    filled = df.filter(pl.any_horizontal(pl.col(cols).is_not_null()))
    if filled.is_empty():
        return None
    header = filled.row(0, named=True)
    data = filled.slice(1)
    keep = [c for c in cols if header[c] is not None or data[c].null_count() < data.height]
    return RawSheet(
        file=file, name=name, sheet=sheet,
        headers=[header[c] or "" for c in keep],
        letters=[column_letter(first_col + int(c[1:])) for c in keep],
        frame=data.select(ROW, *(pl.col(c).alias(f"c{i}") for i, c in enumerate(keep))),
        header_row=header[ROW],
    )


def read_file(name: str, data: bytes) -> tuple[list[RawSheet], list[Issue]]:
    """Read one uploaded file: an .xlsx workbook (any number of sheets) or a .csv sheet.

    A file no reader can make sense of gives an issue, never an exception; so does a file
    beyond `loaders.limits`, found before a reader spends time or memory on it.
    """
    suffix = PurePath(name).suffix.lower()
    if not data:
        return [], [Issue(name, "", None, None, None, "Filen är tom.")]
    if len(data) > MAX_UPLOAD_BYTES:  # checked before any reader touches the bytes
        return [], [Issue(name, "", None, None, None, too_large_message(name, len(data)))]
    try:
        if suffix == ".xlsx":
            return _read_xlsx(name, data)
        if suffix == ".csv":
            return _read_csv(name, data)
    except Refused as refused:
        return [], [Issue(name, refused.sheet, None, None, None, refused.message)]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
        return [], [Issue(name, "", None, None, None, _CORRUPT)]  # a damaged zip container
    except Exception:  # the upload boundary: the user gets a message, the log the traceback
        log.exception("could not read %s", name)
        return [], [Issue(name, "", None, None, None,
                          _CORRUPT if suffix == ".xlsx" else "Filen kunde inte läsas. Spara den "
                          "från Excel som ”CSV UTF-8 (kommaavgränsad)” och försök igen.")]
    return [], [Issue(name, "", None, None, suffix or None,
                      "Filtypen stöds inte. Ladda upp en Excel-arbetsbok (.xlsx) eller en "
                      "CSV-fil (.csv) per blad.")]


def too_large_message(name: str, size: int) -> str:
    """The Swedish error for a file over `MAX_UPLOAD_BYTES`, naming the file and the limit."""
    return limits.too_large(name, size)


# --- CSV ---------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    # Excel saves "CSV UTF-8" with a BOM and plain "CSV" as cp1252 on Swedish Windows.
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _read_csv(name: str, data: bytes) -> tuple[list[RawSheet], list[Issue]]:
    stem = PurePath(name).stem
    sheet = SHEETS_BY_KEY.get(header_key(stem))
    if sheet is None:
        return [], [Issue(name, stem, None, None, None,
                          f"Filnamnet motsvarar inget blad. En CSV-fil ska heta exakt som "
                          f"bladet, t.ex. Deltagare.csv. Tillåtna namn: {SHEET_NAMES}.")]
    text = _decode(data)
    first = re.match(r"[\r\n]*([^\r\n]*)", text)[1]
    skipped = 0
    if first.lower().startswith("sep=") and len(first) >= 5:  # Excel's separator hint
        sep, skipped, text = first[4], 1, text.split("\n", 1)[1] if "\n" in text else ""
    else:
        sep = max((";", ",", "\t"), key=first.count)
    if not text.strip():
        return [], [Issue(name, sheet.name, None, None, None, "Filen är tom.")]
    # The header decides the width (longer rows are cut): count it before polars builds
    # a column per field, and read no more rows than are accepted.
    header = re.match(r"[\r\n]*([^\r\n]*)", text)[1]
    width = header.count(sep) + 1  # exact unless a quoted field holds the separator
    if width > limits.MAX_COLUMNS and '"' in header:
        width = len(next(csv.reader([header], delimiter=sep), []))
    if width > limits.MAX_COLUMNS:
        raise Refused(limits.csv_columns(name, width), sheet.name)
    try:
        df = pl.read_csv(io.BytesIO(text.encode("utf-8")), separator=sep, has_header=False,
                         infer_schema=False, truncate_ragged_lines=True, raise_if_empty=False,
                         n_rows=limits.MAX_ROWS + 1)
    except pl.exceptions.PolarsError:
        return [], [Issue(name, sheet.name, None, None, None,
                          "Filen kunde inte läsas som CSV. Spara den från Excel som "
                          "”CSV UTF-8 (kommaavgränsad)” och försök igen.")]
    _check_csv_cells(name, sheet.name, df, skipped)
    raw = _table(name, sheet.name, sheet, df, 0)
    if raw is None:
        return [], [Issue(name, sheet.name, None, None, None, "Filen är tom.")]
    if skipped:
        raw.frame = raw.frame.with_columns(pl.col(ROW) + skipped)
        raw.header_row += skipped
    return [raw], []


def _check_csv_cells(name: str, sheet: str, df: pl.DataFrame, skipped: int) -> None:
    """Rows and cell lengths within `loaders.limits`, before any check looks at the cells."""
    if df.height > limits.MAX_ROWS:
        raise Refused(limits.csv_rows(name), sheet)
    if df.width == 0:
        return
    long = df.with_row_index("__i").filter(pl.any_horizontal(
        pl.exclude("__i").str.len_chars() > limits.MAX_CELL_CHARS))
    if long.height:
        raise Refused(limits.csv_cell_chars(name, long["__i"][0] + 1 + skipped), sheet)


# --- xlsx --------------------------------------------------------------------------------

def _read_xlsx(name: str, data: bytes) -> tuple[list[RawSheet], list[Issue]]:
    try:
        scan = xlsx_scan.scan(name, data)  # limits first: fastexcel trusts the file
        reader = fastexcel.read_excel(data)
    except (zipfile.BadZipFile, KeyError, ValueError, fastexcel.FastExcelError):
        return [], [Issue(name, "", None, None, None, _CORRUPT)]
    sheets, issues = [], []
    for sheet_name in reader.sheet_names:
        key = header_key(sheet_name)
        if key in HELPER_SHEETS:
            continue
        sheet = SHEETS_BY_KEY.get(key)
        if sheet is None:
            issues.append(Issue(name, sheet_name, None, None, None,
                                f"Okänt blad. Bladen ska heta: {SHEET_NAMES}."))
        try:
            loaded = reader.load_sheet(sheet_name, header_row=None, skip_rows=0,
                                       dtypes="string")
            df = loaded.to_polars()
        except fastexcel.FastExcelError:
            issues.append(Issue(name, sheet_name, None, None, None, _CORRUPT))
            continue
        if loaded.visible != "visible":
            issues.append(Issue(name, sheet_name, None, None, None,
                                f"Bladet {sheet_name} är dolt. Dolda blad läses inte in "
                                "osynligt: visa bladet i Excel (högerklicka på en flik → "
                                "Ta fram) och kontrollera innehållet, eller ta bort det."))
        first_col = loaded.available_columns()[0].absolute_index if df.width else 0
        raw = _table(name, sheet_name, sheet, df, first_col)
        if raw is None or sheet is None:
            if raw is not None:
                sheets.append(raw)  # still scanned for personal data
            continue
        found = scan.sheets.get(sheet_name) or xlsx_scan.SheetScan()
        issues += (workbook.merged_cells(raw, found.merges)
                   + workbook.formulas(raw, found.formulas))
        if workbook.has_percent_columns(sheet):
            raw.frame = workbook.percent_as_displayed(raw, found.percents)
        sheets.append(raw)
    return sheets, issues
