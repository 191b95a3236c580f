"""Inspect what fastexcel does not show of an .xlsx file: merges, formulas, percent formats.

The sheet XML is searched with `bytes.find` and small regexes, not parsed, so even a
100,000-row sheet (~90 MB of XML) costs a fraction of a second.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

import openpyxl
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


def sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the zip."""
    rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = {m["id"]: m["t"] for m in re.finditer(
        r'<Relationship\b(?=[^>]*\bId="(?P<id>[^"]+)")(?=[^>]*\bTarget="(?P<t>[^"]+)")', rels)}
    workbook = zf.read("xl/workbook.xml").decode("utf-8")
    out = {}
    for m in re.finditer(r'<(?:\w+:)?sheet\b(?=[^>]*\bname="(?P<n>[^"]+)")'
                         r'(?=[^>]*\b\w+:id="(?P<id>[^"]+)")', workbook):
        target = targets.get(m["id"], "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[_unescape(m["n"])] = path
    return out


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))


def _header_of(raw: RawSheet, letters: str) -> str | None:
    if letters in raw.letters:
        return raw.headers[raw.letters.index(letters)] or letters
    return letters


def _prefix(xml: bytes) -> bytes:
    """The namespace prefix of the sheet's tags (`x:` from some writers, usually none)."""
    m = re.search(rb"<(\w+:)?worksheet\b", xml[:4000])
    return (m[1] or b"") if m else b""


def merged_cells(raw: RawSheet, xml: bytes) -> list[Issue]:
    """An error per merged range: a merged cell gives its value to one row only."""
    # <mergeCells> follows <sheetData>: search only the tail, which is fast on big sheets.
    tail = xml[xml.rfind(b"sheetData>") + 1:]
    out = []
    for m in re.finditer(rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+)(\d+)(?::([A-Z]+\d+))?"',
                         tail):
        col, row = m[1].decode(), int(m[2])
        ref = f"{col}{row}" + (f":{m[3].decode()}" if m[3] else "")
        out.append(Issue(raw.file, raw.name, row, _header_of(raw, col), ref,
                         f"Sammanfogade celler ({ref}). Dela upp dem (Start → Koppla och "
                         "centrera → Dela upp celler) och fyll i värdet på varje rad."))
    return out


def formula_cells(xml: bytes) -> list[tuple[str, int, bool]]:
    """(column letters, row, has a computed value) for each formula cell in <sheetData>.

    Uses bytes.find rather than a regex: a 100,000-row sheet is ~90 MB of XML.
    """
    prefix = _prefix(xml)
    tag, cell, value = b"<" + prefix + b"f", b"<" + prefix + b"c ", b"<" + prefix + b"v>"
    end = xml.rfind(b"sheetData>")
    out = []
    pos = xml.find(tag, 0, end)
    while pos != -1:
        after = pos + len(tag)
        if xml[after:after + 1] in (b">", b" ", b"/"):
            start = xml.rfind(cell, 0, pos)
            ref = re.search(rb'\br="([A-Z]+)(\d+)"', xml[start:pos])
            close = xml.find(b"c>", after)
            v = xml.find(value, after, close)
            cached = v != -1 and xml[v + len(value):v + len(value) + 1] != b"<"
            if ref is not None:
                out.append((ref[1].decode(), int(ref[2]), cached))
        pos = xml.find(tag, after, end)
    return out


def formulas(raw: RawSheet, xml: bytes) -> list[Issue]:
    """A warning per column with formulas, an error per formula without a computed value.

    The last computed value is what is read; without one the cell would read as empty.
    """
    cached: dict[str, list[int]] = {}
    missing: list[tuple[str, int]] = []
    for col, row, has_value in formula_cells(xml):
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


def percent_as_displayed(raw: RawSheet, data: bytes) -> pl.DataFrame:
    """Excel stores a cell shown as 25 % as 0.25: put back the text the user sees.

    openpyxl is slow but only runs for the small sheets that have percent columns.
    """
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        ws = wb[raw.name]
        ws.reset_dimensions()
        shown: dict[str, dict[int, str]] = {}
        for row in ws.iter_rows():
            for cell in row:
                if (isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
                        and "%" in (cell.number_format or "")):
                    letters = column_letter(cell.column - 1)
                    if letters in raw.letters:
                        pos = raw.letters.index(letters)
                        shown.setdefault(f"c{pos}", {})[cell.row] = _percent_text(cell.value)
    finally:
        wb.close()
    return raw.frame.with_columns(
        pl.col(ROW).replace_strict(rows, default=pl.col(col), return_dtype=pl.String).alias(col)
        for col, rows in shown.items())
