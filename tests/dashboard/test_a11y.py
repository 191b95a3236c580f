"""Accessibility without a browser: the statement, chart text alternatives, chart colours.

The browser side (axe-core, keyboard, the uploader's texts) is tests/e2e/test_a11y_browser.py.
"""

import json

import plotly.graph_objects as go
import polars as pl
import pytest
from apptest_tools import ROOT
from streamlit.testing.v1 import AppTest

from dashboard import a11y, charts, display, statement, ui
from dashboard.config import settings
from metrics.registry import Unit

STATEMENT_PAGE = str(ROOT / "pages" / "tillganglighet.py")


def markdown_of(at) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize(("value", "shown"), [
    ("info@sjostad.se", "[info\\@sjostad.se](mailto:info@sjostad.se)"),
    ("Ring 010-123 45 67", "Ring 010-123 45 67"),
    ("[klicka](http://evil.example)", "\\[klicka\\](http\\:\u2060//evil.example)"),
    (None, statement.DEFAULT_CONTACT),
])
def test_contact_is_a_mail_link_or_plain_text(value, shown):
    assert statement.contact_markdown(value) == shown.replace("\\@", "\u2060\\@")


def test_contact_and_organisation_come_from_environment_or_secrets():
    env = settings({"FINSAM_A11Y_CONTACT": "a@b.se", "FINSAM_A11Y_ORGANISATION": "SF Norr"})
    assert statement.contact(env, {}) == "a@b.se"
    assert statement.organisation(env, {}) == "SF Norr"
    bare = settings({})
    assert statement.contact(bare, {"a11y_contact": "c@d.se"}) == "c@d.se"
    assert statement.contact(bare, {}) is None
    assert statement.organisation(bare, {}) == statement.DEFAULT_ORGANISATION


def test_statement_follows_diggs_model_with_the_configured_contact(monkeypatch):
    monkeypatch.setenv("FINSAM_A11Y_CONTACT", "tillganglighet@sjostad.se")
    monkeypatch.setenv("FINSAM_A11Y_ORGANISATION", "Samordningsförbundet Sjöstad")
    at = AppTest.from_file(STATEMENT_PAGE).run()

    assert not at.exception
    assert [t.value for t in at.title] == ["Tillgänglighetsredogörelse"]
    assert [h.value for h in at.header] == [
        "Hur tillgänglig är tjänsten?", "Vad kan du göra om du inte kan använda delar av tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet", "Tillsyn",
        "Teknisk information om tjänstens tillgänglighet", "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten"]
    text = markdown_of(at)
    assert "mailto:tillganglighet@sjostad.se" in text
    assert "Samordningsförbundet Sjöstad står bakom" in text
    assert "**delvis förenlig**" in text
    assert f"]({statement.DIGG_REPORT})" in text
    assert "Myndigheten för digital förvaltning" in text
    for issue in statement.KNOWN_ISSUES:
        assert issue.text in text and issue.criterion in text
    assert statement.ASSESSED in text and statement.UPDATED in text
    assert not at.caption  # the contact is configured


def test_statement_without_contact_says_so(monkeypatch):
    monkeypatch.delenv("FINSAM_A11Y_CONTACT", raising=False)
    at = AppTest.from_file(STATEMENT_PAGE).run()

    assert statement.DEFAULT_CONTACT in markdown_of(at)
    assert "FINSAM_A11Y_CONTACT" in at.caption[0].value


def test_login_page_has_a_heading_and_links_the_statement():
    from apptest_tools import new_app

    at = new_app().run()
    assert any(m.value == "# Logga in" for m in at.markdown)
    [link] = at.get("page_link")
    assert (link.proto.label, link.proto.page) == ("Tillgänglighetsredogörelse",
                                                   "tillganglighet")


def _bars() -> go.Figure:
    long = pl.DataFrame({
        "category": ["Arbete", "Studier", "Arbete", "Studier"],
        "series": ["Av fullföljda", "Av fullföljda", "Av alla", "Av alla"],
        "key": ["share_work"] * 4, "value": [0.1, 0.2, 0.3, None],
        "text": ["10 %", "20 %", "30 %", "för få"], "target": [0.25, None, None, None],
        "target_text": ["25 %", "–", "–", "–"], "status": ["", "", "", ""]},
        schema=charts.LONG_SCHEMA)
    return charts.grouped_bars(long, charts.titled("Avslut per bas", "Förbund · 2025"),
                               Unit.SHARE)


def test_chart_summary_names_kind_subject_series_categories_and_target():
    text = charts.summary(_bars())
    assert text == ("Stapeldiagram: Avslut per bas. Serier: Av fullföljda, Av alla. "
                    "Kategorier: Arbete, Studier. Målet är markerat med en streckad röd linje. "
                    + charts.TABLE_NOTE)


def test_chart_summary_of_a_flow_and_of_many_long_categories():
    flow = pl.DataFrame({"income_before": ["A", "A", "B"], "income_after": ["C", "D", "C"],
                         "count": [7, 9, 12]})
    sankey = charts.income_sankey(flow, charts.titled("Försörjning före → efter", "urval"))
    assert charts.summary(sankey).startswith("Flödesdiagram: Försörjning före → efter. "
                                             "Flöden mellan 4 grupper")
    many = go.Figure(go.Bar(x=[f"Fråga nummer {i} om något" for i in range(12)], y=list(range(12))))
    assert "Kategorier: 12 stycken, från Fråga nummer 0 om något till Fråga nummer 11" in (
        charts.summary(many))


def test_sparkline_summary_lists_its_values_and_target():
    assert charts.values_summary("andel till arbete per år", [("2024", "12,0 %"), ("2025", "..")],
                                 "Mål 25,0 % – ❌ Mål ej uppfyllt") == (
        "Linjediagram: andel till arbete per år. 2024: 12,0 %; 2025: .. "
        "Mål 25,0 % – ❌ Mål ej uppfyllt.")


@pytest.mark.parametrize(("text", "background"), [
    (charts.CHART_TEXT, "#ffffff"),
    (display.TARGET_COLOUR, "#ffffff"),
    ("#ffffff", display.PALETTE[1]),  # utilisation labels inside bars
    ("#ffffff", display.PALETTE[4]),  # … over budget
    *[(charts.text_colour(colour), colour) for _, _, colour in charts.NNS_PARTS],
])
def test_chart_texts_have_aa_contrast(text, background):
    assert charts.contrast(text, background) >= 4.5


def test_every_chart_text_colour_is_set_over_streamlits_grey():
    assert ui.CHART_TEXT["font"]["color"] == charts.CHART_TEXT
    for axis in ("xaxis", "yaxis"):
        assert ui.CHART_TEXT[axis]["tickfont"]["color"] == charts.CHART_TEXT


def test_language_script_carries_its_data_as_json():
    script = a11y.script()
    assert "%(" not in script
    assert json.dumps(a11y.LABELS) in script and '"sv"' in script
    assert a11y.UPLOAD_BUTTON in a11y.STYLE and a11y.DROP_HERE in a11y.STYLE
