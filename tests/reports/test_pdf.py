import io
import re
import shutil
import subprocess

import pypdf
import pytest

from reports.charts import NO_BROWSER, NOT_DRAWN, ChartRenderer
from reports.model import Figure, Paragraph, Report, Section, Table
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


# ---- found by rendering real reports -------------------------------------------------

def _long_question(i: int) -> str:
    return (f"Fråga {i + 1}: Hur väl stämmer följande påstående in på hur du upplever "
            "samordningen mellan handläggarna på Arbetsförmedlingen, Försäkringskassan, "
            "kommunen och regionen under den tid du har deltagit i insatsen, med tanke "
            "på bemötande, tillgänglighet, information och möjligheten att påverka din "
            f"egen planering? (slutet av fråga {i + 1})")


def _nns_figure() -> Figure:
    import plotly.graph_objects as go

    rows = tuple((_long_question(i), f"{i + 10}", f"{50 + i},0 %") for i in range(12))
    table = Table("Nöjdhet per fråga (NNS)", ("Fråga", "Svar", "Andel nöjda"), rows,
                  numeric=(False, True, True))
    fig = go.Figure(go.Bar(x=[f"F{i + 1}" for i in range(12)], y=list(range(12))))
    return Figure(fig, "Stapeldiagram: andel nöjda per fråga.", table, "Nöjdhet per fråga")


def _check_every_question(pdf: bytes) -> None:
    text = pdf_text(pdf)
    for i in range(12):
        assert f"(slutet av fråga {i + 1})" in text, i + 1


def test_a_chart_table_taller_than_a_page_keeps_every_row():
    """A figure's table of 12 long rows: the rows past the first page are not lost."""
    report = Report("insats", "NNS", "", (), (Section("Nöjdhet", (_nns_figure(),)),))
    _check_every_question(render_pdf(report, None))


@pytest.mark.browser
def test_a_chart_and_a_table_taller_than_a_page_keep_every_row(charts):
    report = Report("insats", "NNS", "", (), (Section("Nöjdhet", (_nns_figure(),)),))
    pdf = render_pdf(report, charts)
    _check_every_question(pdf)
    assert len([e for e in struct_elements(pdf) if e["/S"] == "/Figure"]) == 1


def _word_boxes(pdf: bytes) -> tuple[float, list[tuple[float, str]]]:
    """The page width and (xMax, word) of every word (pdftotext -bbox)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext saknas (apt-get install poppler-utils)")
    out = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode("utf-8")
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))
    words = [(float(x), w) for x, w in re.findall(r'xMax="([\d.]+)"[^>]*>([^<]*)</word>', out)]
    return width, words


@pytest.mark.parametrize("columns", [7, 10, 14])
def test_a_wide_table_stays_inside_the_right_margin(columns):
    headers = tuple(f"Kolumn{i}: Sammanräkningsperiodens genomsnittliga handläggningstid"
                    for i in range(columns))
    rows = tuple(tuple(f"{1_923_361 + i * 7:,} kr".replace(",", " ") if i % 2 else
                       f"Rad{r}Cell{i} Arbetsmarknadsutbildningsförberedelse"
                       for i in range(columns)) for r in range(3))
    table = Table("Bred tabell", headers, rows, numeric=tuple(bool(i % 2) for i in range(columns)))
    report = Report("forbund", "Bred", "", (), (Section("Bred", (table,)),))
    pdf = render_pdf(report, None)
    width, words = _word_boxes(pdf)
    right_margin = 2.2 / 2.54 * 72
    beyond = [w for x, w in words if x > width - right_margin + 0.5]
    assert not beyond, beyond
    text = pdf_text(pdf).replace("\u200b", "").replace("- ", "").replace("-", "")
    compact = text.replace(" ", "")
    for i in range(columns):
        assert f"Kolumn{i}:" in compact, i
        for r in range(3):
            cell = (f"{1_923_361 + i * 7:,}kr".replace(",", "") if i % 2 else
                    f"Rad{r}Cell{i}Arbetsmarknadsutbildningsförberedelse")
            assert cell in compact, cell


MISSING = "⚠️ 🙂 中文 ✓"


def test_characters_the_font_lacks_are_replaced_not_fatal():
    import plotly.graph_objects as go

    table = Table(f"Tabell {MISSING}", (f"Rubrik {MISSING}", "Antal"),
                  ((f"Cell {MISSING}", "3"),), numeric=(False, True), note=f"Not {MISSING}")
    figure = Figure(go.Figure(), f"Alt {MISSING}", table, f"Figur {MISSING}")
    report = Report("insats", f"Titel {MISSING}", f"Under {MISSING}",
                    ((f"Etikett {MISSING}", f"Värde {MISSING}"),),
                    (Section(f"Rubrik {MISSING}", (Paragraph(f"Stycke {MISSING}"), table,
                                                  figure)),),
                    notes=(f"Fotnot {MISSING}",))
    pdf = render_pdf(report, ChartRenderer("/finns/inte/chromium"))
    text = pdf_text(pdf)
    shown = "? ? ?? ✓"  # ✓ is in Source Sans Pro; the variation selector is dropped
    for label in ("Titel", "Under", "Etikett", "Värde", "Rubrik", "Stycke", "Cell",
                  "Not", "Fotnot", "Figur"):
        assert f"{label} {shown}" in text, label
    assert "🙂" not in text and "中" not in text


@pytest.mark.browser
def test_characters_the_font_lacks_in_a_chart_are_replaced(charts):
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=[f"Grupp {MISSING}", "B"], y=[1, 2]))
    fig.update_layout(title=f"Diagram {MISSING}")
    table = Table("", ("Grupp", "Antal"), ((f"Grupp {MISSING}", "1"),), numeric=(False, True))
    report = Report("insats", "t", "", (), (Section("s", (Figure(fig, f"Alt {MISSING}", table,
                                                                 "Figur"),)),))
    pdf = render_pdf(report, charts)
    alts = [str(e["/Alt"]) for e in struct_elements(pdf) if e["/S"] == "/Figure"]
    assert alts == ["Alt ? ? ?? ✓"]


def test_printable_keeps_what_the_font_has():
    from reports.pdf import printable

    text = "Åsa Öberg – 1 923 361 kr, 31,0 % ”citat” − ✓ e\u0301\n\tslut"
    assert printable(text) == text
    assert printable("a🙂b中") == "a?b?"
