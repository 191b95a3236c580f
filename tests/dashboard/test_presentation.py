"""Presentationsläge and projector readability (issue 14 item 4): chart text, cards per
row, money axes in the cards' unit, value labels clear of target dashes."""

import polars as pl
import pytest
from apptest_tools import cards, chart_specs, elements, open_page

from dashboard import charts, display, presentation
from metrics.registry import Unit

FORBUND = "Demoförbundet Sjöstad"


def text_sizes(fig: dict) -> list[float]:
    """Every font size a figure sets: layout, title, traces' texts, annotations."""
    layout = fig["layout"]
    sizes = [layout["font"]["size"], layout["title"]["font"]["size"]]
    sizes += [t["textfont"]["size"] for t in fig["data"] if "textfont" in t]
    sizes += [a["font"]["size"] for a in layout.get("annotations", ())]
    return sizes


def _has_metric(node) -> bool:
    children = list((getattr(node, "children", None) or {}).values())
    return getattr(node, "type", None) == "metric" or any(_has_metric(c) for c in children)


def row_widths(at) -> list[int]:
    """How many columns each row of cards in the main area has, in drawing order."""
    out = []
    for node in elements(at):
        children = list((getattr(node, "children", None) or {}).values())
        if children and all(getattr(c, "type", None) == "column" for c in children) \
                and _has_metric(node):
            out.append(len(children))
    return out


@pytest.mark.parametrize(("params", "smallest"), [({}, presentation.FONT_PX),
                                                  ({"presentation": "true"},
                                                   presentation.PRESENTATION_FONT_PX)])
@pytest.mark.parametrize("page", ["oversikt", "resultat", "ekonomi"])
def test_every_chart_text_is_at_least_the_mode_size(logged_in, page, params, smallest):
    at = open_page(logged_in("admin", {"forbund": FORBUND, **params}), page)
    found = chart_specs(at)
    assert found
    for fig in found:
        sizes = text_sizes(fig)
        assert min(sizes) >= smallest, (fig["layout"]["title"], sizes)
    assert smallest >= 14 or not params  # a projector gets at least 14 px


def test_presentation_mode_draws_two_cards_per_row_and_stays_in_the_url(logged_in):
    normal = logged_in("admin", {"forbund": FORBUND})
    assert 4 in row_widths(normal)

    at = logged_in("admin", {"forbund": FORBUND, "presentation": "true"})
    assert at.sidebar.toggle(key=presentation.KEY).value is True
    assert max(row_widths(at)) <= presentation.CARDS_PER_ROW
    assert [c["label"] for c in cards(at)][:2] == ["Andel till arbete", "Andel till studier"]
    assert at.query_params[presentation.KEY] == "true"


def test_presentation_toggle_turns_the_mode_on(logged_in):
    at = logged_in("admin", {"forbund": FORBUND})
    at.sidebar.toggle(key=presentation.KEY).set_value(True).run()
    assert max(row_widths(at)) <= presentation.CARDS_PER_ROW
    assert min(size for fig in chart_specs(at) for size in text_sizes(fig)) >= 16


def test_ekonomi_axes_speak_mnkr_like_the_cards(logged_in):
    at = open_page(logged_in("admin", {"forbund": FORBUND}), "ekonomi")
    money_axes = [fig["layout"]["yaxis"]["ticktext"] for fig in chart_specs(at)
                  if any("kr" in t for t in fig["layout"].get("yaxis", {}).get("ticktext", ()))]
    assert money_axes
    for ticks in money_axes:
        units = {t.rsplit(" ", 1)[1] for t in ticks}
        assert len(units) == 1, ticks  # one unit per chart
    assert any(t.endswith(" mnkr") for ticks in money_axes for t in ticks)


def test_money_ticks_pick_one_unit_per_chart():
    assert display.money_ticks(0, 24_200_000)["ticktext"] == [
        "0 mnkr", "5 mnkr", "10 mnkr", "15 mnkr", "20 mnkr", "25 mnkr"]
    assert display.money_ticks(-4_800_000, 18_700_000)["ticktext"][:2] == ["−5 mnkr", "0 mnkr"]
    assert display.money_ticks(0, 450_000)["ticktext"][-1] == "500 tkr"
    assert display.money_ticks(0, 1_500_000)["ticktext"] == [
        "0,0 mnkr", "0,5 mnkr", "1,0 mnkr", "1,5 mnkr", "2,0 mnkr"]


def test_a_value_label_under_a_target_dash_moves_onto_the_dash():
    long = pl.DataFrame({
        "category": ["Arbete", "Studier"], "series": ["Av fullföljda"] * 2,
        "key": ["share_work", "share_studies"], "value": [0.20, 0.05],
        "text": ["20,0 %", "5,0 %"], "target": [0.22, 0.30],
        "target_text": ["22,0 %", "30,0 %"], "status": ["", ""]}, schema=charts.LONG_SCHEMA)
    fig = charts.grouped_bars(long, "t", Unit.SHARE)
    bars = [t for t in fig.data if t.type == "bar"]
    assert list(bars[0].text) == ["", "5,0 %"]  # 20 % sits just under its 22 % target
    lifted = [t for t in fig.data if t.type == "scatter" and t.mode == "text"]
    assert len(lifted) == 1
    assert list(lifted[0].text) == ["20,0 %"] and list(lifted[0].y) == [0.22]
