"""Names from the data as plain text: markdown, plotly, CSV and xlsx (`dashboard.escape`)."""

import io

import openpyxl
import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import charts, escape, ui
from metrics.registry import Unit

WJ = escape.WORD_JOINER


@pytest.mark.parametrize(("text", "shown"), [
    ("Steget Vidare", "Steget Vidare"),
    ("Demoförbundet Norrdal · 2024-01-01–2024-06-30 · Arbete, studier (K)",
     "Demoförbundet Norrdal · 2024-01-01–2024-06-30 · Arbete, studier (K)"),
    ("[Logga in igen](http://evil.example)", f"\\[Logga in igen\\](http\\:{WJ}//evil.example)"),
    ("![bild](http://x/y.png)", f"\\!\\[bild\\](http\\:{WJ}//x/y.png)"),
    ('<a href="http://x">k</a>', f'\\<a href="http\\:{WJ}//x"\\>k\\</a\\>'),
    ("&lt;b&gt;", "\\&lt;b\\&gt;"),
    ("**fet** _kursiv_ ~~bort~~ `kod`", "\\*\\*fet\\*\\* \\_kursiv\\_ \\~\\~bort\\~\\~ \\`kod\\`"),
    ("$x^2$ kostar $5", "\\$x\\^2\\$ kostar \\$5"),
    (":red[röd] :blue-background[blå]", f"\\:{WJ}red\\[röd\\] \\:{WJ}blue-background\\[blå\\]"),
    (":material/home: :smile: :streamlit:",
     f"\\:{WJ}material/home\\: \\:{WJ}smile\\: \\:{WJ}streamlit\\:"),
    ("www.evil.example", f"www{WJ}.evil.example"),
    ("anna@evil.example", f"anna{WJ}\\@evil.example"),
    ("a -> b <= c -- d", f"a -{WJ}\\> b \\<{WJ}= c -{WJ}- d"),
    ("# Rubrik", "\\# Rubrik"),
    ("- punkt", "\\- punkt"),
    ("+ punkt", "\\+ punkt"),
    ("1. lista", "1\\. lista"),
    ("12) lista", "12\\) lista"),
    ("> citat | tabell", "\\> citat \\| tabell"),
    ("rad 1\n# rad 2\r\n\x00slut", "rad 1 \\# rad 2   slut"),
    ("Svar: ja", "Svar\\: ja"),
])
def test_markdown_shows_data_literally(text, shown):
    assert escape.markdown(text) == shown


@pytest.mark.parametrize(("text", "shown"), [
    ("Steget Vidare", "Steget Vidare"),
    ('<a href="http://x">k</a>', '&lt;a href="http://x"&gt;k&lt;/a&gt;'),
    ("<b>fet</b> & <br>", "&lt;b&gt;fet&lt;/b&gt; &amp; &lt;br&gt;"),
    ("&lt;", "&amp;lt;"),
    ("$x$", "&#36;x&#36;"),
    ("rad 1\nrad 2\r\nrad 3", "rad 1<br>rad 2<br>rad 3"),
])
def test_chart_text_shows_data_literally(text, shown):
    assert escape.chart_text(text) == shown


LINK = '<a href="http://x">k</a>'
SHOWN = '&lt;a href="http://x"&gt;k&lt;/a&gt;'


def test_figure_escapes_every_data_text_and_leaves_markup_and_numbers():
    fig = go.Figure(go.Bar(x=[LINK, "b"], y=[1, 2], name=LINK, text=[LINK, None],
                           customdata=[[LINK, 1], ["b", 2]],
                           hovertemplate="%{x}<br>%{customdata[0]}<extra></extra>"))
    fig.add_trace(go.Sankey(node={"label": [LINK, "b"]},
                            link={"source": [0], "target": [1], "value": [3]}))
    fig.update_layout(title={"text": "Titel<br><sup>urval</sup>"},
                      xaxis={"tickmode": "array", "tickvals": [0, 1], "ticktext": [LINK, "b"]})
    fig.add_annotation(x=LINK, y=1, text="<b>Mål</b>")

    escape.figure(fig)

    bar, sankey = fig.data
    assert (bar.x, bar.y, bar.name, bar.text) == ((SHOWN, "b"), (1, 2), SHOWN, (SHOWN, None))
    assert [list(row) for row in bar.customdata] == [[SHOWN, 1], ["b", 2]]
    assert bar.hovertemplate == "%{x}<br>%{customdata[0]}<extra></extra>"
    assert sankey.node.label == (SHOWN, "b")
    assert fig.layout.xaxis.ticktext == (SHOWN, "b")
    assert (fig.layout.annotations[0].x, fig.layout.annotations[0].text) == (SHOWN, "<b>Mål</b>")
    assert fig.layout.title.text == "Titel<br><sup>urval</sup>"


def test_figure_without_markup_in_its_data_is_left_as_it_was():
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2], name="Budget"))
    before = fig.to_plotly_json()

    assert escape.figure(fig).to_plotly_json() == before


def test_series_name_from_the_data_is_not_part_of_a_hover_template():
    long = pl.DataFrame({"category": ["2024"], "series": [LINK], "key": ["volume"],
                         "value": [3.0], "text": ["3"], "target": [None], "target_text": ["–"],
                         "status": [""]}, schema=charts.LONG_SCHEMA)

    for fig in (charts.grouped_bars(long, "t", Unit.COUNT), charts.long_lines(long, "t",
                                                                              Unit.COUNT)):
        escape.figure(fig)
        assert all(LINK not in (t.hovertemplate or "") for t in fig.data)
        assert fig.data[0].name == SHOWN
        assert SHOWN in fig.data[0].customdata[0]


def test_wrapped_question_keeps_its_line_breaks_and_shows_its_html_as_text():
    rows = pl.DataFrame({"indicator": [1], "question": [LINK + " " + "ord " * 20],
                         "respondent_group": ["Personal"], "nns_positive": [0.5],
                         "nns_neutral": [0.3], "nns_negative": [0.2]})

    fig = escape.figure(charts.nns_bars(rows, "t", None, with_group=False))

    label = fig.data[0].y[0]
    assert label.startswith("1. " + SHOWN) and "<br>" in label and "<a" not in label


def test_chart_title_escapes_the_names_in_it():
    assert charts.titled("Budget <b>", "Förbund · [x](y) · <a href='z'>") == (
        "Budget &lt;b&gt;<br><sup>Förbund · [x](y) · &lt;a href='z'&gt;</sup>")


def test_csv_cells_that_excel_would_run_get_an_apostrophe_numbers_do_not():
    table = pl.DataFrame({
        "Namn": ["=1+1", "+46 70", "-2", "@SUM(A1)", "\tx", "\rx", "Steget", "a=b", None],
        "Antal": [-1, 2, 3, 4, 5, 6, 7, 8, 9]})

    out = escape.csv_frame(table)

    assert out["Namn"].to_list() == ["'=1+1", "'+46 70", "'-2", "'@SUM(A1)", "'\tx", "'\rx",
                                     "Steget", "a=b", None]
    assert out["Antal"].to_list() == table["Antal"].to_list()
    assert escape.csv_cell("=1+1") == "'=1+1" and escape.csv_cell("1=1") == "1=1"


def test_xlsx_download_keeps_formulas_and_links_as_plain_strings():
    table = pl.DataFrame({"Namn": ['=HYPERLINK("http://evil.example","Klicka")',
                                   "http://evil.example", "+46 70"]})

    book = openpyxl.load_workbook(io.BytesIO(ui.workbook_bytes({"tabell": table})))

    cells = [row[0] for row in book["tabell"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type, c.hyperlink) for c in cells] == [
        ('=HYPERLINK("http://evil.example","Klicka")', "s", None),
        ("http://evil.example", "s", None), ("+46 70", "s", None)]
