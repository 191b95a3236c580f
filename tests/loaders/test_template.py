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
from loaders.examples import EDITED_MESSAGE, EXAMPLE_HEADER, SKIPPED_MESSAGE
from loaders.issues import Issue
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
from loaders.template_guide import INTRO, allowed_values
from loaders.validate import uploadable_sheets
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
def test_headers_are_the_contract_headers_then_the_example_marker(book, sheet):
    row = [c.value for c in book[sheet.name][1]]
    assert row == [*(c.header for c in sheet.columns), "Exempelrad"]
    assert book[sheet.name].cell(2, len(sheet.columns) + 1).value == "Ja"


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


def _skipped(sheets) -> list[Issue]:
    return [Issue("mall.xlsx", s.name, 2, EXAMPLE_HEADER, "Ja", SKIPPED_MESSAGE, "warning")
            for s in sheets]


def test_template_uploaded_unchanged_names_its_example_rows_and_imports_nothing(data):
    parsed = parse_files([("mall.xlsx", data)])
    assert parsed.issues == _skipped(SHEETS)
    assert {t: f.height for t, f in parsed.frames.items()} == {s.table: 0 for s in SHEETS}


NORRDAL = "Demoförbundet Norrdal"
SAMORDNARE_SHEETS = ["Insatser", "Mål", "Deltagare", "Uppföljning", "Budget", "Finansiering",
                     "Samhällsekonomi", "Indikatorer", "Volymer", "Rapporttexter"]


@pytest.fixture(scope="module")
def samordnare_template() -> bytes:
    return build_template(uploadable_sheets(admin=False), forbund=NORRDAL)


def test_template_for_a_samordnare_has_only_the_sheets_they_may_upload(samordnare_template):
    book = openpyxl.load_workbook(io.BytesIO(samordnare_template))
    assert book.sheetnames == [GUIDE_SHEET, *SAMORDNARE_SHEETS, LISTS_SHEET]
    guide = "\n".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row
                      if c.value is not None)
    assert "Blad Schablonkostnader" not in guide and "Blad Helårsekvivalenter" not in guide
    assert [s.name for s in uploadable_sheets(admin=True)] == [s.name for s in SHEETS]


def test_template_for_a_samordnare_has_their_forbund_in_every_example_row(samordnare_template):
    book = openpyxl.load_workbook(io.BytesIO(samordnare_template))
    assert {name: book[name].cell(2, 1).value for name in SAMORDNARE_SHEETS} == {
        name: NORRDAL for name in SAMORDNARE_SHEETS}


def test_template_for_a_samordnare_uploads_unchanged_without_errors(samordnare_template):
    parsed = parse_files([("mall.xlsx", samordnare_template)], allowed_forbund={NORRDAL})
    assert parsed.issues == _skipped(uploadable_sheets(admin=False))
    assert not parsed.has_errors


def test_example_rows_unmarked_are_the_samordnares_own_rows(samordnare_template):
    book = openpyxl.load_workbook(io.BytesIO(samordnare_template))
    for name in SAMORDNARE_SHEETS:
        book[name].cell(2, book[name].max_column).value = None
    out = io.BytesIO()
    book.save(out)
    parsed = parse_files([("mall.xlsx", out.getvalue())], allowed_forbund={NORRDAL})
    assert parsed.issues == []
    assert {t: f["forbund"].to_list() for t, f in parsed.frames.items()} == {
        s.table: [NORRDAL] for s in uploadable_sheets(admin=False)}


def test_an_edited_or_copied_example_row_is_an_error_not_dropped(samordnare_template):
    # Typing over the example, or copying it down, keeps the mark: the row is the user's.
    book = openpyxl.load_workbook(io.BytesIO(samordnare_template))
    ws = book["Deltagare"]
    ws.append([c.value for c in ws[2]])
    ws.cell(3, _col("Deltagare", "Deltagar-ID")).value = "D-000124"
    ws.cell(2, _col("Deltagare", "Kön")).value = "Man"
    out = io.BytesIO()
    book.save(out)
    parsed = parse_files([("mall.xlsx", out.getvalue())], allowed_forbund={NORRDAL},
                         existing_insatser={(NORRDAL, "Steget Vidare")})
    assert [i for i in parsed.issues if i.sheet == "Deltagare"] == [
        Issue("mall.xlsx", "Deltagare", row, EXAMPLE_HEADER, "Ja", EDITED_MESSAGE)
        for row in (2, 3)]
    assert parsed.has_errors


def test_guide_tells_the_example_marker_and_the_csv_file_names():
    assert ("Raden under rubrikerna är ett påhittat exempel och har Ja i sista kolumnen, "
            "Exempelrad. Den läses inte in så länge den är oförändrad. Skriv dina egna rader "
            "utan Ja i Exempelrad; skriver du över exemplet, töm då cellen i Exempelrad.") in INTRO
    assert ("Som CSV i stället för arbetsbok: en fil per blad, som heter som bladet, t.ex. "
            "Deltagare.csv eller Budget.csv.") in INTRO
    md = sheet_guide_markdown(uploadable_sheets(admin=False))
    assert [part.split("`")[0] for part in md.split("## Blad `")[1:]] == SAMORDNARE_SHEETS


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
