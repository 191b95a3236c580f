"""Issues and values for what fastexcel does not show of an .xlsx: merges, formulas, percents.

`loaders.xlsx_scan` finds them while it checks the file (one expat pass over each sheet);
this module turns them into issues and into the text a user sees in a percent cell.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from loaders.contract import Kind, Sheet
from loaders.issues import ROW, Issue

if TYPE_CHECKING:
    from loaders.read import RawSheet


def column_letter(index: int) -> str:
    """Spreadsheet letters for a 0-based column index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _header_of(raw: RawSheet, letters: str) -> str | None:
    if letters in raw.letters:
        return raw.headers[raw.letters.index(letters)] or letters
    return letters


def merged_cells(raw: RawSheet, merges: list[tuple[str, int, str]]) -> list[Issue]:
    """An error per merged range (column letters, first row, range): the value is on one row."""
    return [Issue(raw.file, raw.name, row, _header_of(raw, col), ref,
                  f"Sammanfogade celler ({ref}). Dela upp dem (Start → Koppla och "
                  "centrera → Dela upp celler) och fyll i värdet på varje rad.")
            for col, row, ref in merges]


def formulas(raw: RawSheet, cells: list[tuple[str, int, bool]]) -> list[Issue]:
    """A warning per column with formulas, an error per formula without a computed value.

    `cells`: (column letters, row, has a computed value) per formula cell. The last
    computed value is what is read; without one the cell would read as empty.
    """
    cached: dict[str, list[int]] = {}
    missing: list[tuple[str, int]] = []
    for col, row, has_value in cells:
        if has_value:
            cached.setdefault(col, []).append(row)
        else:
            missing.append((col, row))
    out = [Issue(raw.file, raw.name, rows[0], _header_of(raw, col), None,
                 f"Kolumnen innehåller formler ({len(rows)} celler, första på rad {rows[0]}). "
                 "Värdet som Excel senast räknade fram läses in; kontrollera att det stämmer.",
                 "warning")
           for col, rows in cached.items()]
    out += [Issue(raw.file, raw.name, row, _header_of(raw, col), f"{col}{row}",
                  "Formeln har inget beräknat värde. Öppna filen i Excel och spara den igen, "
                  "eller ersätt formeln med värdet.")
            for col, row in missing]
    return out


def has_percent_columns(sheet: Sheet) -> bool:
    """Sheets where a percent-formatted cell must be read as displayed (Mål, Indikatorer)."""
    return sheet.table == "targets" or any(c.kind is Kind.PERCENT for c in sheet.columns)


def _percent_text(value: float) -> str:
    return f"{value * 100:.9f}".rstrip("0").rstrip(".") + " %"


def _number(text: str) -> float | int | None:
    # As openpyxl reads a numeric cell, so the shown text stays what it always was.
    try:
        return float(text) if any(ch in text for ch in ".eE") else int(text)
    except ValueError:
        return None


def percent_as_displayed(raw: RawSheet, percents: dict[tuple[int, int], str]) -> pl.DataFrame:
    """Excel stores a cell shown as 25 % as 0.25: put back the text the user sees.

    `percents`: (row, 0-based column) -> stored number, for cells with a percent format.
    """
    shown: dict[str, dict[int, str]] = {}
    for (row, col), text in percents.items():
        letters = column_letter(col)
        value = _number(text)
        if value is not None and letters in raw.letters:
            pos = raw.letters.index(letters)
            shown.setdefault(f"c{pos}", {})[row] = _percent_text(value)
    return raw.frame.with_columns(
        pl.col(ROW).replace_strict(rows, default=pl.col(col), return_dtype=pl.String).alias(col)
        for col, rows in shown.items())
