"""The streamed check of a workbook: limits at their boundaries, and what it collects.

Limits are made tiny here (monkeypatched) so a boundary costs a few cells; the hostile files
at full size are in test_hostile_files.py.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from openpyxl.worksheet.datavalidation import DataValidation

from loaders import limits, xlsx_scan
from loaders.limits import Refused
from loaders.read import read_file
from tests.data.bad.make_corpus import MAIN_NS, book_parts, one_sheet, raw_zip, sheet


def cells(*refs: str) -> bytes:
    """One numeric cell per reference, each on its own row element."""
    return b"".join(b'<row r="%s"><c r="%s"><v>1</v></c></row>'
                    % (ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ").encode(), ref.encode())
                    for ref in refs)


@pytest.fixture
def small(monkeypatch):
    """Limits of a few cells: 5 rows, 3 columns (A–C), 12 cells laid out."""
    monkeypatch.setattr(limits, "MAX_ROWS", 5)
    monkeypatch.setattr(limits, "MAX_COLUMNS", 3)
    monkeypatch.setattr(limits, "MAX_CELLS", 12)


def narrow_xml(body: bytes, after: bytes = b"") -> bytes:
    """A worksheet with just `body` (`sheet()` adds the 16 Deltagare headers)."""
    return (b'<?xml version="1.0"?><worksheet xmlns="' + MAIN_NS + b'"><sheetData>' + body
            + b"</sheetData>" + after + b"</worksheet>")


def narrow(body: bytes, *, after: bytes = b"") -> bytes:
    """A one-sheet workbook with just `body`."""
    return raw_zip(book_parts([("Deltagare", narrow_xml(body, after))]))


@pytest.mark.parametrize(("refs", "message"), [
    (("A5",), None),
    (("A6",), "Bladet Deltagare har fler än 5 rader (en ifylld cell på rad 6);"),
    (("C1",), None),
    (("D1",), "Bladet Deltagare har fler än 3 kolumner (en ifylld cell i kolumn D);"),
    (("C4",), None),  # 4 x 3 = 12 cells
    (("B1", "C5"), "Arbetsboken är för stor: till och med bladet Deltagare spänner bladen "
                   "över 15 celler"),
])
def test_rows_columns_and_cells_at_the_boundary(small, refs, message):
    data = narrow(cells(*refs))
    if message is None:
        xlsx_scan.scan("a.xlsx", data)
    else:
        with pytest.raises(Refused, match=re.escape(message)):
            xlsx_scan.scan("a.xlsx", data)


def test_empty_styled_cells_do_not_count(small):
    # fastexcel skips them, and Excel writes them for formatted but empty ranges
    xlsx_scan.scan("a.xlsx", narrow(b'<row r="900"><c r="XFD900" s="1"/></row>'))


def test_cells_without_a_reference_take_the_next_column(small):
    with pytest.raises(Refused, match="en ifylld cell i kolumn D"):
        xlsx_scan.scan("a.xlsx", narrow(b'<row r="1">' + b"<c><v>1</v></c>" * 4 + b"</row>"))


def test_a_namespace_prefix_does_not_hide_cells(small):
    xml = (b'<?xml version="1.0"?><x:worksheet xmlns:x="' + MAIN_NS + b'"><x:sheetData>'
           b'<x:row r="1"><x:c r="XFD1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    with pytest.raises(Refused, match="kolumn XFD"):
        xlsx_scan.scan("a.xlsx", raw_zip(book_parts([("Deltagare", xml)])))


def test_a_worksheet_no_sheet_points_at_is_checked_too(small):
    parts = book_parts([("Deltagare", narrow_xml(b""))])
    stray = ("xl/worksheets/other.xml", narrow_xml(cells("A9")))
    with pytest.raises(Refused, match="rad 9"):
        xlsx_scan.scan("a.xlsx", raw_zip([*parts, stray]))


@pytest.mark.parametrize("target", ["styles.xml", "/xl/styles.xml", "xl/styles.xml",
                                    "STYLES.XML"])
def test_a_sheet_pointing_at_another_part_is_checked_as_a_sheet(small, target):
    # Readers resolve targets differently: whichever part a sheet reaches holds cells for it.
    rels = (b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'relationships"><Relationship Id="rId1" Target="' + target.encode() + b'"/>'
            b"</Relationships>")
    styles = (b'<styleSheet xmlns="' + MAIN_NS + b'"><sheetData>' + cells("XFD1")
              + b"</sheetData></styleSheet>")
    parts = book_parts([("Deltagare", narrow_xml(b""))], rels=rels)
    with pytest.raises(Refused, match="kolumn XFD"):
        xlsx_scan.scan("a.xlsx", raw_zip([*parts, ("xl/styles.xml", styles)]))


def test_shared_texts_count_once_per_cell_using_them(monkeypatch):
    monkeypatch.setattr(limits, "MAX_TEXT_CHARS", 1500)
    shared = b'<sst xmlns="' + MAIN_NS + b'"><si><t>' + b"x" * 300 + b"</t></si></sst>"
    three = b'<row r="2">' + b'<c t="s"><v>0</v></c>' * 3 + b"</row>"
    xlsx_scan.scan("a.xlsx", one_sheet(sheet(three), shared=shared))  # headers, 300, 3 x 300
    with pytest.raises(Refused, match="för mycket text"):
        xlsx_scan.scan("a.xlsx", one_sheet(sheet(three + three), shared=shared))


@pytest.mark.parametrize("root", [b"sst", b"worksheet", b"other"])
def test_too_many_shared_texts(monkeypatch, root):
    # fastexcel reads xl/sharedStrings.xml by its name, whatever its root element says
    monkeypatch.setattr(limits, "MAX_SHARED_STRINGS", 2)
    shared = (b"<" + root + b' xmlns="' + MAIN_NS + b'">' + b"<si><t>a</t></si>" * 3 + b"</"
              + root + b">")
    with pytest.raises(Refused, match="fler än 2 olika texter"):
        xlsx_scan.scan("a.xlsx", one_sheet(sheet(b""), shared=shared))


def test_a_broken_cell_reference_is_a_damaged_file():
    sheets, issues = read_file("a.xlsx", narrow(b'<row r="1"><c r="1A"><v>1</v></c></row>'))
    assert sheets == [] and [i.message for i in issues] == [
        "Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel, spara den som "
        "Excel-arbetsbok (.xlsx) och försök igen."]


def test_formulas_and_merges_are_collected_in_the_same_pass():
    body = (b'<row r="2"><c r="B2"><f>1+1</f><v>2</v></c><c r="C2"><f>A1</f></c>'
            b'<c><f t="shared" si="0"/><v>3</v></c></row>')
    after = (b'<mergeCells count="1"><mergeCell ref="A3:B3"/></mergeCells><extLst><ext '
             b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><xm:f>Listor!A1'
             b"</xm:f></ext></extLst>")
    found = xlsx_scan.scan("a.xlsx", narrow(body, after=after)).sheets["Deltagare"]
    assert found.formulas == [("B", 2, True), ("C", 2, False), ("D", 2, True)]
    assert found.merges == [("A", 3, "A3:B3")]


def test_percent_cells_are_the_ones_openpyxl_shows_as_percent():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Mål"
    formats = ["0%", "0.00%", '0.0" %"', "General", "0.00", "yyyy-mm-dd"]
    for col, fmt in enumerate(formats, start=1):
        for row, value in enumerate([0.25, 1, "25 %"], start=1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.number_format = fmt
    ws.add_data_validation(DataValidation(type="list", formula1='"a,b"'))
    buffer = io.BytesIO()
    wb.save(buffer)

    found = xlsx_scan.scan("a.xlsx", buffer.getvalue()).sheets["Mål"].percents

    expected = {(c.row, c.column - 1) for r in ws.iter_rows() for c in r
                if isinstance(c.value, int | float) and "%" in c.number_format}
    assert set(found) == expected
    assert found[(1, 0)] == "0.25" and found[(2, 1)] == "1"
