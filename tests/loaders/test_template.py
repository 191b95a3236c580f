"""The upload template and demo workbooks follow the contract and import without issues."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import polars as pl
import pytest
from openpyxl.utils import range_boundaries
from polars.testing import assert_frame_equal

from loaders.columns import frame_schema
from loaders.contract import EDUCATION, SEX, SHEETS, SHEETS_BY_NAME, Kind
from loaders.demo import build_demo
from loaders.parse import parse_files
from loaders.template import (
    GUIDE_SHEET,
    LISTS_SHEET,
    REQUIRED_FILL,
    build_template,
    percent_text,
    sheet_guide_markdown,
    write_demo_workbook,
)
from loaders.template_guide import allowed_values
from metrics.registry import KPIS

CODE_COLUMNS = [(s.name, c.header) for s in SHEETS for c in s.columns
                if c.kind is Kind.CODE and allowed_values(c)]
DATE_COLUMNS = [(s.name, c.header) for s in SHEETS for c in s.columns if c.kind is Kind.DATE]


@pytest.fixture(scope="module")
def data() -> bytes:
    return build_template()


@pytest.fixture(scope="module")
def book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _col(sheet_name: str, header: str) -> int:
    """1-based column index of a header in a contract sheet."""
    return [c.header for c in SHEETS_BY_NAME[sheet_name].columns].index(header) + 1


def _validations(ws, col: int):
    letter = openpyxl.utils.get_column_letter(col)
    return [dv for dv in ws.data_validations.dataValidation if f"{letter}2" in dv.sqref]


def _list_values(book, formula: str) -> list[str]:
    sheet, cells = formula.lstrip("=").split("!")
    assert sheet.strip("'") == LISTS_SHEET
    min_col, min_row, _, max_row = range_boundaries(cells.replace("$", ""))
    ws = book[LISTS_SHEET]
    return [ws.cell(r, min_col).value for r in range(min_row, max_row + 1)]


def test_sheets_are_guide_then_contract_order_then_lists_all_visible(book):
    assert book.sheetnames == [GUIDE_SHEET, *(s.name for s in SHEETS), LISTS_SHEET]
    assert {ws.sheet_state for ws in book.worksheets} == {"visible"}


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_headers_are_exactly_the_contract_headers(book, sheet):
    row = [c.value for c in book[sheet.name][1]]
    assert row == [c.header for c in sheet.columns]


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_required_headers_are_filled_and_every_header_has_its_help(book, sheet):
    ws = book[sheet.name]
    for i, column in enumerate(sheet.columns, start=1):
        cell = ws.cell(1, i)
        assert cell.font.bold
        assert (cell.fill.fgColor.rgb == "FF" + REQUIRED_FILL[1:]) == column.required
        assert cell.comment is not None and column.help.rstrip(".") in cell.comment.text


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_example_row_holds_every_example_value(book, sheet):
    ws = book[sheet.name]
    for i, column in enumerate(sheet.columns, start=1):
        filled = ws.cell(2, i).value not in (None, "")
        assert filled == bool(sheet.example.get(column.header)), column.header


@pytest.mark.parametrize(("sheet", "header", "value"), [
    ("Insatser", "Förbund", "Demoförbundet Norr"),
    ("Insatser", "Slutdatum", None),
    ("Insatser", "Beviljat belopp", 3_200_000),
    ("Deltagare", "Startdatum", datetime(2025, 2, 3)),
    ("Deltagare", "Tid i offentlig försörjning (år)", 3.5),
    ("Deltagare", "Ålder vid start", 34),
    ("Mål", "Målvärde", "25 %"),
    ("Mål", "År", 2025),
    ("Budget", "Period", datetime(2025, 6, 30)),
    ("Budget", "Budget", 1_923_361),
    ("Samhällsekonomi", "Lönsamhet 1 år", -7_600_000),
    ("Samhällsekonomi", "Period", "2025"),
    ("Indikatorer", "Negativt", "8,1 %"),
    ("Uppföljning", "Månader efter avslut", "6"),
])
def test_example_cells_are_typed_as_excel_would_hold_them(book, sheet, header, value):
    assert book[sheet].cell(2, _col(sheet, header)).value == value


@pytest.mark.parametrize(("sheet", "header"), CODE_COLUMNS)
def test_every_code_column_has_a_drop_down_with_its_values(book, sheet, header):
    [dv] = _validations(book[sheet], _col(sheet, header))
    column = next(c for c in SHEETS_BY_NAME[sheet].columns if c.header == header)
    assert dv.type == "list"
    assert "1048576" in str(dv.sqref)
    assert _list_values(book, dv.formula1) == list(allowed_values(column))


@pytest.mark.parametrize(("sheet", "header", "first", "last", "style"), [
    ("Deltagare", "Kön", SEX[0], SEX[-1], "warning"),
    ("Deltagare", "Utbildningsnivå", EDUCATION[0], EDUCATION[-1], "warning"),
    ("Insatser", "Typ", "Individinriktad", "Strukturinriktad", None),  # None = stop
    ("Mål", "Riktning", "minst", "högst", None),
    ("Mål", "Nyckeltal", KPIS[0].key, KPIS[-1].key, "warning"),
    ("Budget", "Kostnadsslag", "Lönekostnader", "Övriga kostnader", "warning"),
    ("Uppföljning", "Månader efter avslut", "6", "24", None),
])
def test_drop_down_lists_and_how_strict_they_are(book, sheet, header, first, last, style):
    [dv] = _validations(book[sheet], _col(sheet, header))
    values = _list_values(book, dv.formula1)
    assert (values[0], values[-1]) == (first, last)
    assert dv.errorStyle == style


def test_values_with_commas_sit_in_the_lists_sheet_not_inline(book):
    [dv] = _validations(book["Budget"], _col("Budget", "Kostnadsslag"))
    assert "Material, IT och telefoni" in _list_values(book, dv.formula1)


@pytest.mark.parametrize(("sheet", "header"), DATE_COLUMNS)
def test_date_columns_have_a_date_check(book, sheet, header):
    [dv] = _validations(book[sheet], _col(sheet, header))
    assert dv.type == "date"


def test_guide_sheet_names_every_sheet_and_column(book):
    text = "\n".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row
                     if c.value is not None)
    for sheet in SHEETS:
        assert f"Blad {sheet.name}" in text
        assert sheet.help in text
        for column in sheet.columns:
            assert column.header in text


def test_markdown_guide_lists_every_column_under_its_sheet():
    md = sheet_guide_markdown()
    sections = {part.split("`")[0]: part for part in md.split("## Blad `")[1:]}
    assert list(sections) == [s.name for s in SHEETS]
    for sheet in SHEETS:
        section = sections[sheet.name]
        assert sheet.help in section
        for column in sheet.columns:
            assert f"| {column.header} | {'ja' if column.required else 'nej'} |" in section
    for kpi in KPIS:
        assert f"| `{kpi.key}` | {kpi.label} |" in md


def test_markdown_guide_spells_out_allowed_values_and_bounds():
    md = sheet_guide_markdown()
    assert "| Kön | ja | värde ur lista | Kvinna, Man, Annat/ej angivet |" in md
    assert "| Ålder vid start | nej | heltal | 15–70 |" in md
    assert "Lönekostnader, Lokalkostnader" in md and "– eller egen text" in md


def test_template_example_rows_import_cleanly(data):
    parsed = parse_files([("mall.xlsx", data)])
    assert parsed.issues == []
    assert {t: f.height for t, f in parsed.frames.items()} == {s.table: 1 for s in SHEETS}


@pytest.mark.parametrize(("fraction", "text"), [
    (0.25, "25 %"), (0.0813, "8,13 %"), (1.0, "100 %"), (0.0, "0 %"), (0.719, "71,9 %"),
])
def test_percent_text(fraction, text):
    assert percent_text(fraction) == text


def test_demo_workbook_round_trips_through_the_importer():
    demo = build_demo("small", seed=3)
    forbund = "Demoförbundet Sjöstad"
    parsed = parse_files([("demo.xlsx", write_demo_workbook(demo, forbund))])
    assert parsed.issues == []
    assert set(parsed.frames) == set(demo)
    for sheet in SHEETS:
        expected = demo[sheet.table]
        if "forbund" in expected.columns:
            expected = expected.filter(pl.col("forbund") == forbund)
        columns = [c for c in frame_schema(sheet) if not (sheet.table == "unit_costs"
                                                          and c == "notes")]
        assert_frame_equal(parsed.frames[sheet.table].select(columns).sort(sheet.key),
                           expected.select(columns).sort(sheet.key), check_exact=False)


def test_demo_workbook_writes_percents_and_dates_as_text(tmp_path):
    demo = build_demo("small")
    ws_book = openpyxl.load_workbook(io.BytesIO(
        write_demo_workbook(demo, "Demoförbundet Norrdal")))
    assert GUIDE_SHEET not in ws_book.sheetnames
    episodes = ws_book["Deltagare"]
    assert isinstance(episodes.cell(2, _col("Deltagare", "Startdatum")).value, str)
    targets = ws_book["Mål"]
    values = [targets.cell(r, _col("Mål", "Målvärde")).value
              for r in range(2, targets.max_row + 1)]
    assert any(isinstance(v, str) and v.endswith(" %") for v in values)
    budget = ws_book["Budget"]
    assert isinstance(budget.cell(2, _col("Budget", "Budget")).value, int | float)
