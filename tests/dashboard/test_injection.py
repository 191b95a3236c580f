"""Names from an upload are shown as plain text on every page, in every chart and download.

One upload (through the real parser and importer) puts markdown, HTML, LaTeX, Streamlit
directives and spreadsheet formulas into every free-text field that reaches the dashboard:
insats, kostnadsslag, mått, fråga, respondentgrupp, område and the file name. Every page is
then drawn for the administrator and read back: no markdown element, label or chart may
hold the markup unescaped.
"""

from __future__ import annotations

import re
import shutil
from datetime import date

import polars as pl
import pytest
from apptest_tools import chart_specs, download_texts, elements, open_page
from google.protobuf.message import Message
from sqlalchemy import update

from dashboard.context import pages_for
from dashboard.escape import WORD_JOINER
from loaders.db import uploads
from loaders.frames import load_frames
from loaders.history import list_uploads
from loaders.importer import import_upload
from loaders.parse import parse_files
from loaders.schema import make_engine
from metrics import latest_full_year
from tests.loaders.files import csv_bytes, example, table, xlsx_bytes
from tests.upload_files import NORRDAL

INSATS = "[Logga in igen](http://evil.example) <b>nu</b>"
LINK = '<a href="http://x">k</a>'
FORMULA = '=HYPERLINK("http://evil.example","Klicka")'
COST_CATEGORIES = (LINK, FORMULA, "@SUM(A1)", "+46 70", "-1+2")
MEASURE = "<b>mått</b> :red[röd] $x$"
QUESTION = '<a href="http://x">fråga</a>'
RESPONDENTS = ":red[grupp] **fet**"
AREA = ":material/home: [här](http://evil.example)"
FILE = "Rapport kvartal 2.xlsx"
#: A file name as an upload stored before names were checked (today such a file is refused).
LEGACY_FILE = "Rapport 811218-9876 från anna.svensson@kommun.se.xlsx"
#: The markup above unescaped (no backslash before it): none may reach a markdown element.
MARKDOWN_RAW = re.compile(r"(?<!\\)(\]\(http|<a href|<b>|:red\[|:material/|\*\*fet|\$x|"
                          r"https?://(evil|x))")
#: ... nor a chart, where only HTML (and `$…$`) is markup.
CHART_RAW = re.compile(r"<a href|<b>|\$x")


def evil_files(year: int) -> list[tuple[str, bytes]]:
    """A workbook named `FILE`, and Budget as CSV (in a workbook `=…` would be a formula)."""
    budget = [example("Budget", Förbund=NORRDAL, Insats=INSATS, År=str(year),
                      Period=f"{year}-06-30", Kostnadsslag=c) for c in COST_CATEGORIES]
    return [("Budget.csv", csv_bytes(table("Budget", *budget))), (FILE, xlsx_bytes({
        "Insatser": table("Insatser", example("Insatser", Förbund=NORRDAL, Insats=INSATS)),
        "Volymer": table("Volymer", example("Volymer", Förbund=NORRDAL, Insats=INSATS,
                                            Period=f"{year}-Q2", Mått=MEASURE)),
        "Indikatorer": table("Indikatorer", example(
            "Indikatorer", Förbund=NORRDAL, Mätperiod=str(year), Fråga=QUESTION,
            Respondentgrupp=RESPONDENTS)),
        "Helårsekvivalenter": table("Helårsekvivalenter", example(
            "Helårsekvivalenter", Område=AREA, År=str(year))),
    }))]


@pytest.fixture(scope="module")
def evil(demo_url, tmp_path_factory):
    """A copy of the demo database with the upload above imported; yields (url, year)."""
    copy = tmp_path_factory.mktemp("evil") / "evil.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    frames = load_frames(engine)
    year = latest_full_year(frames["episodes"], date.today())
    existing = {(str(f), str(i)) for f, i in frames["insatser"].select("forbund", "insats")
                .iter_rows()}
    parsed = parse_files(evil_files(year), existing_insatser=existing)
    assert [(i.sheet, i.column, i.message) for i in parsed.issues if i.severity == "error"] == []
    assert import_upload(engine, parsed, user="admin").status == "committed"
    with engine.begin() as conn:
        conn.execute(update(uploads).values(file_names=["Budget.csv", LEGACY_FILE]))
    engine.dispose()
    return url, year


@pytest.fixture
def evil_app(evil, monkeypatch, logged_in):
    """Factory: the administrator's app on the evil database, with these query parameters."""
    monkeypatch.setenv("DATABASE_URL", evil[0])

    def app(**params):
        return logged_in("admin", {"forbund": NORRDAL, "ar": str(evil[1]), **params})

    return app


def _strings(proto: Message):
    """Every markdown-rendered string of an element: body, label and help (recursively)."""
    for field, value in proto.ListFields():
        if field.message_type is not None:
            for item in ([value] if isinstance(value, Message) else value):
                yield from _strings(item)
        elif field.name in ("body", "label", "help") and isinstance(value, str):
            yield value


def markdown_texts(at) -> list[str]:
    """Everything the app drew that Streamlit renders as markdown (tables are plain text)."""
    out = []
    for node in elements(at):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message) and getattr(node, "type", None) != "plotly_chart":
            out += list(_strings(proto))
    return out


def chart_strings(spec) -> list[str]:
    """Every string in a figure: data, layout, templates."""
    if isinstance(spec, dict):
        return [s for v in spec.values() for s in chart_strings(v)]
    if isinstance(spec, list):
        return [s for v in spec for s in chart_strings(v)]
    return [spec] if isinstance(spec, str) else []


def unescaped(texts: list[str], raw: re.Pattern) -> list[str]:
    return [t for t in texts if raw.search(t)]


SHOWN_INSATS = f"\\[Logga in igen\\](http\\:{WORD_JOINER}//evil.example) \\<b\\>nu\\</b\\>"
#: Page -> a data text it must show (escaped), so the test is not passed by an empty page.
SHOWN_IN_CHART = {
    "ekonomi": '&lt;a href="http://x"&gt;k&lt;/a&gt;',
    "volymer": "&lt;b&gt;mått&lt;/b&gt; :red[röd] &#36;x&#36;",
    "indikatorer": '&lt;a href="http://x"&gt;fråga&lt;/a&gt;',
}
SHOWN_IN_MARKDOWN = {
    "kapacitet": (f"\\:{WORD_JOINER}material/home\\: \\[här\\](http\\:{WORD_JOINER}"
                  "//evil.example), "),
}


@pytest.mark.parametrize("key", pages_for("admin"))
def test_no_page_renders_markup_from_the_data(evil_app, key):
    # Indikatorer: the survey belongs to the whole förbund, not to the evil insats.
    at = open_page(evil_app(**({} if key == "indikatorer" else {"insats": [INSATS]})), key)
    if key == "kapacitet":
        at = at.selectbox(key="kapacitet_omrade").set_value(AREA).run()
    if key == "indikatorer":
        at = at.selectbox(key="nns_group").set_value(RESPONDENTS).run()
    texts = markdown_texts(at)
    charts = [s for spec in chart_specs(at) for s in chart_strings(spec)]

    assert not at.exception, at.exception
    assert unescaped(texts, MARKDOWN_RAW) == []
    assert unescaped(charts, CHART_RAW) == []
    if key != "indikatorer":
        assert any(SHOWN_INSATS in t for t in texts)
    if key in SHOWN_IN_CHART:
        assert any(SHOWN_IN_CHART[key] in c for c in charts)
    if key in SHOWN_IN_MARKDOWN:
        assert any(t.startswith(SHOWN_IN_MARKDOWN[key]) for t in texts)


def test_insats_name_with_a_link_is_a_literal_heading_and_caption_on_oversikt(evil_app):
    at = open_page(evil_app(insats=[INSATS]), "oversikt")

    assert [m.value for m in at.main.markdown if m.value.startswith("#### ")] == [
        f"#### {SHOWN_INSATS}"]
    assert at.main.header[0].value == f"{NORRDAL} · {at.session_state['ar']} · {SHOWN_INSATS}"


def test_kostnadsslag_with_html_is_escaped_in_the_ekonomi_chart(evil_app):
    at = open_page(evil_app(), "ekonomi")

    [spec] = [s for s in chart_specs(at)
              if "Nyttjandegrad per kostnadsslag" in s["layout"]["title"]["text"]]
    categories = spec["data"][0]["x"]
    assert '&lt;a href="http://x"&gt;k&lt;/a&gt;' in categories
    assert '=HYPERLINK("http://evil.example","Klicka")' in categories
    assert not [c for c in categories if "<" in c]


def test_insats_name_in_a_chart_title_is_escaped(evil_app):
    at = open_page(evil_app(insats=[INSATS]), "ekonomi")

    titles = [s["layout"]["title"]["text"] for s in chart_specs(at)]
    assert titles[0] == (f"Budget och utfall per insats {at.session_state['ar']}<br><sup>"
                         f"{NORRDAL} · {at.session_state['ar']} · [Logga in igen]"
                         "(http://evil.example) &lt;b&gt;nu&lt;/b&gt;</sup>")


def test_csv_download_neutralises_formula_cells_and_xlsx_keeps_plain_strings(evil_app,
                                                                             downloads):
    open_page(evil_app(insats=[INSATS]), "ekonomi")

    csv = download_texts(downloads)["ekonomi_per_kostnadsslag.csv"]
    first_cells = [line.split(";")[0] for line in csv.splitlines()[1:]]
    assert sorted(first_cells) == sorted([
        LINK.replace('"', '""').join('""'), '"\'=HYPERLINK(""http://evil.example"",""Klicka"")"',
        "'@SUM(A1)", "'+46 70", "'-1+2"])
    xlsx = pl.read_excel(downloads["ekonomi_per_kostnadsslag.xlsx"])
    assert sorted(xlsx["Kostnadsslag"].to_list()) == sorted(COST_CATEGORIES)


def test_file_name_stored_with_personnummer_and_email_is_listed_and_shown_masked(evil,
                                                                                 evil_app):
    masked = ["Budget.csv", "Rapport 811218-**** från a***@kommun.se.xlsx"]
    engine = make_engine(evil[0])
    try:
        assert list_uploads(engine)[0]["file_names"] == masked
    finally:
        engine.dispose()

    at = open_page(evil_app(), "historik")

    assert at.main.dataframe[0].value["Filer"].to_list()[0] == ", ".join(masked)
