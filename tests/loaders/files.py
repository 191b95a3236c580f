"""Build upload files in memory for loader tests (no committed binaries)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from typing import Any

import openpyxl

from loaders.contract import SHEETS_BY_NAME

Rows = Sequence[Sequence[Any]]


def example(sheet: str, **overrides: Any) -> dict[str, Any]:
    """The contract's example row for a sheet, with some cells replaced (by header)."""
    row = dict(SHEETS_BY_NAME[sheet].example)
    row.update(overrides)
    return row


def table(sheet: str, *rows: dict[str, Any], drop: Sequence[str] = ()) -> list[list[Any]]:
    """Header (the contract's headers, minus `drop`) plus the rows, in header order."""
    headers = [c.header for c in SHEETS_BY_NAME[sheet].columns if c.header not in drop]
    extra = [h for r in rows for h in r if h not in headers and h not in drop]
    headers += list(dict.fromkeys(extra))
    return [headers, *([r.get(h, "") for h in headers] for r in rows)]


def csv_bytes(rows: Rows, *, sep: str = ",", encoding: str = "utf-8", bom: bool = False) -> bytes:
    """CSV text of the rows, encoded as Excel on Windows would."""
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="\r\n").writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(sheets: dict[str, Rows], *, hidden: Sequence[str] = (),
               edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    """An .xlsx workbook with one sheet per entry; `edit` may format, merge or hide cells."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
        if name in hidden:
            ws.sheet_state = "hidden"
    if edit is not None:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def insatser(*names: str, forbund: str = "Demoförbundet Norr") -> list[list[Any]]:
    """An Insatser sheet naming these insatser (so other sheets may reference them)."""
    return table("Insatser", *(example("Insatser", Förbund=forbund, Insats=n) for n in names))
