"""The downloadable validation report marks each offending cell with its message."""

import io

import openpyxl
import pytest

from loaders.parse import parse_files
from loaders.report import report_workbook
from tests.loaders.test_bad_files import CORPUS, parse_case

END_BEFORE_START = "Slutdatum ligger före Startdatum."


def workbook(file: str):
    data = (CORPUS / file).read_bytes()
    parsed = parse_case(file)
    report = report_workbook([(file, data)], parsed.issues)
    return parsed.issues, openpyxl.load_workbook(io.BytesIO(report))


def test_problem_sheet_lists_every_issue_with_swedish_headings():
    issues, book = workbook("end_before_start.xlsx")
    problems = list(book["Problem"].values)

    assert problems[0] == ("Fil", "Blad", "Rad", "Kolumn", "Värde", "Problem", "Allvarlighet")
    assert len(problems) == 1 + len(issues)
    assert ("end_before_start.xlsx", "Deltagare", 2, "Slutdatum") in [p[:4] for p in problems]
    assert END_BEFORE_START in [p[5] for p in problems]


def test_offending_cell_is_filled_and_carries_the_message():
    _, book = workbook("end_before_start.xlsx")
    sheet = book["Deltagare"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Slutdatum") + 1)
    neighbour = sheet.cell(row=2, column=headers.index("Startdatum") + 1)

    assert cell.fill.fgColor.rgb == "FFF4CCCC"
    assert cell.comment.text == END_BEFORE_START
    assert neighbour.comment is None
    assert neighbour.fill.fgColor.rgb != "FFF4CCCC"
    # The sheet is written back as text, exactly as read, so nothing is reformatted.
    assert isinstance(cell.value, str) and cell.value


def test_warning_cells_are_yellow_not_red():
    csv = "Förbund;Insats;År;Period;Kostnadsslag;Budget;Utfall\n" \
          "Demoförbundet Norrdal;Steget;2024;2024-12-31;Lönekostnader;100 000;Se bilaga\n"
    files = [("Budget.csv", csv.encode())]
    parsed = parse_files(files, existing_insatser={("Demoförbundet Norrdal", "Steget")})
    warnings = [i for i in parsed.issues if i.severity == "warning"]
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(files, parsed.issues)))
    sheet = book["Budget"]
    headers = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=headers.index("Utfall") + 1)

    assert [(w.row, w.column) for w in warnings] == [(2, "Utfall")]
    assert cell.fill.fgColor.rgb == "FFFFF2CC"
    assert cell.comment.text == warnings[0].message
    assert cell.value == "Se bilaga"


@pytest.mark.parametrize("file", ["corrupt_truncated.xlsx", "unsupported_type.xls"])
def test_unreadable_file_gives_a_report_with_only_the_problem_sheet(file):
    issues, book = workbook(file)
    assert book.sheetnames == ["Problem"]
    assert len(list(book["Problem"].values)) == 1 + len(issues)


def test_formula_and_link_cells_stay_plain_strings_in_the_report():
    # A value echoed back from the upload must not become a live formula or link in Excel.
    from datetime import date

    from files import csv_bytes, example, table

    formula, link = '=HYPERLINK("http://evil.example","Klicka")', "http://evil.example"
    files = [("Deltagare.csv", csv_bytes(table(
        "Deltagare", example("Deltagare", Kön=formula),
        example("Deltagare", Kön=link, **{"Deltagar-ID": "D-000124"}))))]
    parsed = parse_files(files, existing_insatser={("Demoförbundet Norr", "Steget Vidare")},
                         today=date(2025, 6, 15))
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(files, parsed.issues)))

    problems = [row for row in book["Problem"].iter_rows(min_row=2) if row[3].value == "Kön"]
    marked = book["Deltagare"]
    kon = [c.value for c in marked[1]].index("Kön")
    cells = [row[4] for row in problems] + [marked.cell(row=r, column=kon + 1) for r in (2, 3)]
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [
        (formula, "s", None), (link, "s", None)] * 2
