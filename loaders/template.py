"""The downloadable upload template (.xlsx) and demo workbooks in the same format.

Everything is generated from `loaders.contract`: one sheet per contract sheet with its
headers, an example row, drop-downs for every column with fixed values and date checks, plus
an `Instruktioner` sheet first and a visible `Värdelistor` sheet last holding the drop-down
lists (the importer skips both; hidden sheets would be refused). The example row is marked in
a last column `Exempelrad`, so that uploading the template unchanged imports nothing
(`loaders.examples`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from loaders.columns import stored_columns
from loaders.contract import SHEETS, Column, Kind, Sheet
from loaders.examples import EXAMPLE_HEADER, EXAMPLE_MARK
from loaders.template_guide import (
    EXAMPLE_HELP,
    GUIDE_HEADERS,
    INTRO,
    TITLE,
    VOLUME_TARGET_NOTE,
    allowed_values,
    column_guide,
    guide_rows,
    key_headers,
    kpi_rows,
    sheet_guide_markdown,
    strict_list,
)
from metrics.registry import BY_KEY, Unit

__all__ = ["LISTS_SHEET", "GUIDE_SHEET", "build_template", "sheet_guide_markdown",
           "write_demo_workbook"]

GUIDE_SHEET, LISTS_SHEET = "Instruktioner", "Värdelistor"
LAST_ROW = 1_048_575  # Excel's last row (0-based): checks cover every row a user may fill
NUMBER_FORMATS = {Kind.TEXT: "@", Kind.CODE: "@", Kind.DATE: "yyyy-mm-dd", Kind.INT: "0",
                  Kind.YEAR: "0", Kind.NUMBER: "General", Kind.AMOUNT: "#,##0",
                  Kind.PERCENT: "@", Kind.LONG_TEXT: "@", Kind.PERIOD: "@"}
#: Columns of several lines of text: wide, wrapped, aligned to the top.
LONG_TEXT_WIDTH = 90
REQUIRED_FILL, OPTIONAL_FILL = "#F8CBAD", "#DDEBF7"
_NUMBER = re.compile(r"^[-\u2212]?\d+(?:[.,]\d+)?$")


def build_template(sheets: Sequence[Sheet] = SHEETS, forbund: str | None = None) -> bytes:
    """The empty template: guide, each of `sheets` with a marked example row, lists.

    `sheets` are those the user may upload; `forbund` (the user's own) replaces the made-up
    förbund of the example rows, so an example row edited into a real one is the user's.
    """
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        styles = _styles(book)
        _guide_sheet(book.add_worksheet(GUIDE_SHEET), styles, sheets)
        added = [(sheet, book.add_worksheet(sheet.name)) for sheet in sheets]
        lists = _lists_sheet(book.add_worksheet(LISTS_SHEET), styles, sheets)
        for sheet, ws in added:
            example = _example_row(sheet, forbund)
            _data_sheet(ws, sheet, styles, lists)
            for col, column in enumerate(sheet.columns):
                _write_cell(ws, 1, col, _example_value(column, example.get(column.header, "")),
                            styles)
            ws.write_string(1, len(sheet.columns), EXAMPLE_MARK)
        book.worksheets()[1].activate()
    return buffer.getvalue()


def _example_row(sheet: Sheet, forbund: str | None = None) -> dict[str, str]:
    """The sheet's example cells by header, with `forbund` as its Förbund if given."""
    if forbund is None or "Förbund" not in sheet.example:
        return dict(sheet.example)
    return {**sheet.example, "Förbund": forbund}


def _styles(book: Workbook) -> dict:
    fmt = {kind: book.add_format({"num_format": nf}) for kind, nf in NUMBER_FORMATS.items()}
    fmt[Kind.LONG_TEXT] = book.add_format({"num_format": "@", "text_wrap": True,
                                           "valign": "top"})
    return {
        "kind": fmt,
        "required": book.add_format({"bold": True, "bg_color": REQUIRED_FILL, "border": 1}),
        "optional": book.add_format({"bold": True, "bg_color": OPTIONAL_FILL, "border": 1}),
        "title": book.add_format({"bold": True, "font_size": 16}),
        "heading": book.add_format({"bold": True, "font_size": 13}),
        "bold": book.add_format({"bold": True, "bg_color": OPTIONAL_FILL, "border": 1}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def _guide_sheet(ws: Worksheet, styles: dict, sheets: Sequence[Sheet]) -> None:
    """The same content as `sheet_guide_markdown`, laid out as rows."""
    ws.set_column(0, 0, 30, styles["wrap"])
    ws.set_column(1, 1, 8, styles["wrap"])
    ws.set_column(2, 2, 22, styles["wrap"])
    ws.set_column(3, 4, 60, styles["wrap"])
    ws.write_string(0, 0, TITLE, styles["title"])
    row = 2
    for line in INTRO:
        ws.write_string(row, 0, "• " + line)
        row += 1
    for sheet in sheets:
        row += 1
        ws.write_string(row, 0, f"Blad {sheet.name}", styles["heading"])
        ws.write_string(row + 1, 0, sheet.help)
        ws.write_string(row + 2, 0, "Nyckel (identifierar en rad): "
                        + " + ".join(key_headers(sheet)))
        ws.write_row(row + 3, 0, GUIDE_HEADERS, styles["bold"])
        row += 4
        for values in guide_rows(sheet):
            ws.write_row(row, 0, values)
            row += 1
    row += 1
    ws.write_string(row, 0, "Nyckeltal för bladet Mål", styles["heading"])
    ws.write_string(row + 1, 0, VOLUME_TARGET_NOTE.replace("`", ""))
    ws.write_row(row + 2, 0, ("Nyckel", "Namn", "Enhet"), styles["bold"])
    for k, values in enumerate(kpi_rows()):
        ws.write_row(row + 3 + k, 0, values)


def _lists_sheet(ws: Worksheet, styles: dict,
                 sheets: Sequence[Sheet]) -> dict[tuple[str, ...], str]:
    """One column per distinct drop-down list; returns list values -> range formula."""
    ranges: dict[tuple[str, ...], str] = {}
    for sheet in sheets:
        for column in sheet.columns:
            values = allowed_values(column)
            if column.kind is not Kind.CODE or not values or values in ranges:
                continue
            col = len(ranges)
            ws.write_string(0, col, f"{sheet.name}: {column.header}", styles["bold"])
            for i, value in enumerate(values):
                ws.write_string(i + 1, col, value)
            ws.set_column(col, col, max(14, min(45, max(len(v) for v in values) + 2)))
            first = xl_rowcol_to_cell(1, col, row_abs=True, col_abs=True)
            last = xl_rowcol_to_cell(len(values), col, row_abs=True, col_abs=True)
            ranges[values] = f"='{LISTS_SHEET}'!{first}:{last}"
    return ranges


def _data_sheet(ws: Worksheet, sheet: Sheet, styles: dict,
                lists: dict[tuple[str, ...], str]) -> None:
    """Headers with fill and comment, column formats and widths, validations."""
    ws.freeze_panes(1, 0)
    for col, column in enumerate(sheet.columns):
        example = sheet.example.get(column.header, "")
        width = (LONG_TEXT_WIDTH if column.kind is Kind.LONG_TEXT
                 else max(10, min(45, max(len(column.header), len(example)) + 3)))
        ws.set_column(col, col, width, styles["kind"][column.kind])
        ws.write_string(0, col, column.header,
                        styles["required" if column.required else "optional"])
        ws.write_comment(0, col, _comment(column), {"x_scale": 2.2, "y_scale": 1.6})
        validation = _validation(column, lists)
        if validation:
            ws.data_validation(1, col, LAST_ROW, col, validation)
    marker = len(sheet.columns)
    ws.set_column(marker, marker, len(EXAMPLE_HEADER) + 3, styles["kind"][Kind.TEXT])
    ws.write_string(0, marker, EXAMPLE_HEADER, styles["optional"])
    ws.write_comment(0, marker, EXAMPLE_HELP, {"x_scale": 2.2, "y_scale": 1.6})


def _comment(column: Column) -> str:
    header, required, kind, allowed, help_text = column_guide(column)
    lines = [f"{header} ({'obligatorisk' if required == 'ja' else 'frivillig'}, {kind})"]
    if help_text:
        lines.append(help_text)
    if allowed and column.kind is not Kind.CODE:
        lines.append(f"Tillåtet: {allowed}")
    elif column.kind is Kind.CODE:
        lines.append("Välj i rullistan.")
    return "\n".join(lines)


def _validation(column: Column, lists: dict[tuple[str, ...], str]) -> dict | None:
    """An Excel data validation for the column, or None."""
    if column.kind is Kind.CODE and allowed_values(column):
        strict = strict_list(column)
        return {"validate": "list", "source": lists[allowed_values(column)],
                "error_type": "stop" if strict else "warning",
                "error_title": column.header[:32],
                "error_message": "Välj ett värde i listan." if strict else
                "Värdet finns inte i listan. Det godtas om det är en känd stavning "
                "eller egen text är tillåten; annars visas ett fel vid uppladdningen."}
    if column.kind is Kind.DATE:
        return {"validate": "date", "criteria": "between", "minimum": date(1990, 1, 1),
                "maximum": date(2100, 12, 31), "error_type": "warning",
                "error_title": column.header[:32],
                "error_message": "Skriv ett datum som ÅÅÅÅ-MM-DD, t.ex. 2025-03-31."}
    if column.kind in (Kind.INT, Kind.YEAR) and column.min_value is not None \
            and column.max_value is not None:
        return {"validate": "integer", "criteria": "between",
                "minimum": int(column.min_value), "maximum": int(column.max_value),
                "error_type": "warning", "error_title": column.header[:32],
                "error_message": f"Skriv ett heltal {column.min_value:g}–"
                                 f"{column.max_value:g}."}
    return None


def _example_value(column: Column, text: str):
    """The example cell typed as a user's Excel would hold it (dates, numbers); else text."""
    if not text:
        return None
    if column.kind is Kind.DATE:
        return datetime.strptime(text, "%Y-%m-%d")
    compact = text.replace(" ", "").replace("\u00a0", "")
    if column.kind in (Kind.INT, Kind.YEAR, Kind.NUMBER, Kind.AMOUNT) and _NUMBER.match(compact):
        return float(compact.replace(",", ".").replace("\u2212", "-"))
    return text


def _write_cell(ws: Worksheet, row: int, col: int, value, styles: dict) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime):
        ws.write_datetime(row, col, value, styles["kind"][Kind.DATE])
    elif isinstance(value, int | float):
        ws.write_number(row, col, value)
    else:
        ws.write_string(row, col, str(value))


def percent_text(fraction: float) -> str:
    """0.25 -> "25 %", 0.0813 -> "8,13 %" (as a Swedish Excel user would write it)."""
    text = f"{fraction * 100:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + " %"


def write_demo_workbook(frames: dict[str, pl.DataFrame], forbund: str) -> bytes:
    """One förbund's rows (plus the förbund-independent sheets) as a filled workbook.

    Written the way a förbund would fill the template: Swedish headers, dates as ISO text,
    percents as "25 %", amounts as numbers. Sheets without rows are left out.
    """
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        header = book.add_format({"bold": True})
        for sheet in SHEETS:
            frame = frames.get(sheet.table)
            if frame is None:
                continue
            if "forbund" in frame.columns:
                frame = frame.filter(pl.col("forbund") == forbund)
            if frame.is_empty():
                continue
            columns = [sheet.column(n) for n in stored_columns(sheet) if n != "outcome_group"]
            ws = book.add_worksheet(sheet.name)
            ws.write_row(0, 0, [c.header for c in columns], header)
            cells = frame.select(_cell_expr(sheet, c) for c in columns)
            for r, values in enumerate(cells.iter_rows(), start=1):
                for col, value in enumerate(values):
                    if value is not None and value != "":
                        (ws.write_number if isinstance(value, float) else ws.write_string)(
                            r, col, value)
            for col, column in enumerate(columns):
                ws.set_column(col, col, max(10, len(column.header) + 3))
    return buffer.getvalue()


def _cell_expr(sheet: Sheet, column: Column) -> pl.Expr:
    """A column as the cell values to write: text, or Float64 for numbers."""
    col = pl.col(column.name)
    if column.kind is Kind.DATE:
        return col.dt.strftime("%Y-%m-%d")
    if column.kind is Kind.PERCENT:
        return col.map_elements(percent_text, return_dtype=pl.String)
    if sheet.table == "targets" and column.name == "target_value":
        shares = [k for k, v in BY_KEY.items() if v.unit is Unit.SHARE]
        return (pl.when(pl.col("kpi").is_in(shares))
                .then(col.map_elements(percent_text, return_dtype=pl.String))
                .otherwise(col.map_elements(lambda v: f"{v:g}", return_dtype=pl.String)))
    if column.kind in (Kind.INT, Kind.YEAR, Kind.NUMBER, Kind.AMOUNT):
        return col.cast(pl.Float64)
    return col
