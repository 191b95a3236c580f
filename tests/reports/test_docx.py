import io

import docx
import pytest
from docx.oxml.ns import qn

from reports.charts import NO_BROWSER, ChartRenderer
from reports.docx import TABLE_PT, TEXT_WIDTH, column_widths, render_docx
from reports.pdf import check_table
from tests.reports.sample import NAME, SPECIAL, long_table, sample_report, wide_table


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


@pytest.fixture(scope="module")
def tables_only():
    return read(render_docx(sample_report(figures=2), ChartRenderer("/finns/inte/chromium")))


@pytest.fixture(scope="module")
def with_charts(charts):
    return read(render_docx(sample_report(figures=2), charts))


def headings(doc) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def texts(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def test_headings_are_word_headings_numbered_as_in_the_pdf(tables_only):
    assert headings(tables_only) == [
        ("Heading 1", "1 Insatsen"), ("Heading 2", "1.1 Bakgrund och syfte"),
        ("Heading 1", "2 Resultat"), ("Heading 1", "3 Deltagare"), ("Heading 1", "4 Ekonomi"),
        ("Heading 1", "5 Underskrift"), ("Heading 1", "Bilaga 1: Definitioner")]


def test_title_language_and_cover(tables_only):
    assert tables_only.core_properties.title == sample_report().title
    assert tables_only.core_properties.language == "sv-SE"
    defaults = tables_only.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}").get(
        qn("w:val")) == "sv-SE"
    text = texts(tables_only)
    assert NAME in text and "Demo – rapporten bygger på fiktiva uppgifter" in text
    assert SPECIAL in text and "Rad två i samma stycke." in text


def test_tables_have_a_repeating_header_and_right_aligned_figures(tables_only):
    table = next(t for t in tables_only.tables if t.rows[0].cells[0].text == "Månad")
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert table.rows[1].cells[3].text == "<5"
    assert table.rows[1].cells[4].text == "1 923 361 kr"
    assert table.rows[1].cells[4].paragraphs[0].alignment == 2  # right
    assert table.rows[1].cells[1].paragraphs[0].alignment is None
    cells = {c.text for t in tables_only.tables for r in t.rows for c in r.cells}
    assert {"för få", "Övriga", "Se separat redovisning av ändrade villkor"} <= cells


def test_without_chromium_the_reason_replaces_the_picture(tables_only):
    assert len(tables_only.inline_shapes) == 0
    assert texts(tables_only).count(NO_BROWSER) == 3  # two figures and the cover note


def test_empty_sections_are_left_out(tables_only):
    assert "Avvikelser" not in texts(tables_only)
    assert "Tom underrubrik" not in texts(tables_only)


def test_signature_lines(tables_only):
    text = texts(tables_only)
    assert "Ort och datum" in text and "Namnförtydligande" in text


@pytest.mark.browser
def test_charts_are_pictures_with_alt_text(with_charts):
    shapes = with_charts.inline_shapes
    assert len(shapes) == 2
    alts = [s._inline.docPr.get("descr") for s in shapes]
    assert alts[0].startswith("Stapeldiagram: andel till arbete") and alts[1].endswith("(2)")
    assert "Figur 2: Utfall per kön 2" in texts(with_charts)
    assert NO_BROWSER not in texts(with_charts)


def test_columns_fit_the_page_and_a_wide_table_gets_smaller_type():
    wide = wide_table()
    widths, size = column_widths([wide.header, *wide.rows], check_table(wide))
    assert sum(widths) <= TEXT_WIDTH and size < TABLE_PT
    narrow = long_table(3)
    widths, size = column_widths([narrow.header, *narrow.rows], check_table(narrow))
    assert sum(widths) < TEXT_WIDTH * 0.8 and size == TABLE_PT
    assert widths[1] > widths[2]  # "Arbetsförmedlingen" is wider than "Nya"
