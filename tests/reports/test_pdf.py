import io
import shutil
import subprocess

import pypdf
import pytest

from reports.charts import NO_BROWSER, NOT_DRAWN, ChartRenderer
from reports.model import Paragraph, Report, Section, Table
from reports.pdf import paragraphs, render_pdf, visible
from tests.conftest import ROOT
from tests.reports.pdf_tools import embedded_fonts, flat, pdf_text, struct_elements
from tests.reports.sample import NAME, SPECIAL, sample_report

ARTIFACTS = ROOT / "test-artifacts" / "reports"
CELLS = ("1 923 361 kr", "<5", "för få", "31,0 %", "Försäkringskassan", "Övriga",
         "Se separat redovisning av ändrade villkor")


@pytest.fixture(scope="module")
def tables_only() -> bytes:
    """The sample report when Chromium is missing: tables and the reason."""
    return render_pdf(sample_report(figures=2), ChartRenderer("/finns/inte/chromium"))


@pytest.fixture(scope="module")
def with_charts(charts) -> bytes:
    return render_pdf(sample_report(figures=2), charts)


def catalog(pdf: bytes):
    return pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]


def check_accessible(pdf: bytes, figures: int) -> None:
    root = catalog(pdf)
    assert str(root["/Lang"]).startswith("sv")
    assert root["/MarkInfo"]["/Marked"] is True or root["/MarkInfo"]["/Marked"] == True  # noqa: E712
    elements = list(struct_elements(pdf))
    kinds = [str(e["/S"]) for e in elements]
    assert "/Document" in kinds and "/H1" in kinds and "/TH" in kinds
    found = [e for e in elements if e["/S"] == "/Figure"]
    assert len(found) == figures
    assert all(str(e.get("/Alt", "")).strip() for e in found)
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == sample_report().title


def test_tagged_swedish_pdf_without_charts(tables_only):
    check_accessible(tables_only, figures=0)


@pytest.mark.browser
def test_tagged_swedish_pdf_every_figure_has_alt_text(with_charts):
    check_accessible(with_charts, figures=2)
    alts = [str(e["/Alt"]) for e in struct_elements(with_charts) if e["/S"] == "/Figure"]
    assert alts[0].startswith("Stapeldiagram: andel till arbete")


def check_text(pdf: bytes) -> str:
    text = pdf_text(pdf)
    for cell in (*CELLS, NAME, flat(SPECIAL), "Sida 2 av", "Bilaga 1: Definitioner",
                 "Ort och datum", "Namnförtydligande", "Rad två i samma stycke."):
        assert cell in text, cell
    for empty in ("Avvikelser", "Tom underrubrik"):
        assert empty not in text
    return text


def test_text_prints_literally_and_empty_sections_are_left_out(tables_only):
    text = check_text(tables_only)
    assert NO_BROWSER in text  # the note in place of each chart, and on the cover


@pytest.mark.browser
def test_text_with_charts(with_charts):
    text = check_text(with_charts)
    assert "Diagrammen kunde inte ritas" not in text
    assert "Figur 2: Utfall per kön 2" in text


def test_markup_in_every_field_prints_as_written():
    evil = "#panic(\"x\") ] [ $ * _ @ref <lbl> // /* \\"
    report = Report(kind="forbund", title=evil, subtitle=evil, cover=((evil, evil),),
                    sections=(Section(evil, (Paragraph(evil), Table(
                        caption=evil, header=(evil, "Antal"), rows=((evil, "<5"),),
                        numeric=(False, True), note=evil)),),),
                    appendix=(Section(evil, (Paragraph(evil),)),), notes=(evil,))
    pdf = render_pdf(report, None)
    assert pdf_text(pdf).count(flat(evil)) >= 9
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == evil
    assert NOT_DRAWN not in pdf_text(pdf)  # no figure, no note about charts


def test_only_the_shipped_font_is_embedded(tables_only):
    fonts = embedded_fonts(tables_only)
    assert fonts and all("SourceSansPro" in f for f in fonts), fonts


@pytest.mark.browser
def test_chart_text_is_set_in_the_report_font(with_charts):
    """Typst draws the SVG's text itself: å/ä/ö in the same font, no fallback font."""
    fonts = embedded_fonts(with_charts)
    assert all("SourceSansPro" in f for f in fonts), fonts


def test_empty_title_heading_and_alt_text_do_not_break_pdf_ua():
    import plotly.graph_objects as go

    from reports.model import Figure

    empty = Table("", ("a",), ())
    report = Report("insats", " ", "", (), (Section("", (Paragraph(""), empty,
                                                          Figure(go.Figure(), "", empty))),))
    pdf = render_pdf(report, ChartRenderer("/finns/inte/chromium"))
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.title == "Insatsrapport"


def test_visible_drops_empty_sections_at_every_level():
    sections = visible(sample_report().sections)
    assert [s.heading for s in sections] == [
        "Insatsen", "Resultat", "Deltagare", "Ekonomi", "Underskrift"]
    assert [s.heading for s in sections[1].subsections] == []


def test_paragraphs_split_at_blank_lines():
    assert paragraphs("  a\nb\n\n \n c  \n\n") == ["a\nb", "c"]


def test_a_row_of_the_wrong_size_is_refused():
    bad = Table(caption="x", header=("a", "b"), rows=(("1",),))
    with pytest.raises(ValueError, match="row 0 has 1 cells"):
        render_pdf(Report("insats", "t", "", (), (Section("s", (bad,)),)), None)


@pytest.mark.browser
def test_pages_as_png_for_looking_at(with_charts, tables_only):
    """Every page to test-artifacts/reports/ (pdftoppm): the layout is checked by eye."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm saknas (apt-get install poppler-utils)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    for name, pdf in (("rapport", with_charts), ("utan-diagram", tables_only)):
        (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "100", "-png", ARTIFACTS / f"{name}.pdf",
                        ARTIFACTS / name], check=True)
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert len(list(ARTIFACTS.glob(f"{name}-*.png"))) == pages
