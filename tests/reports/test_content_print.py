"""The report's copies of the pages' figures are fit for paper (reports.content_print) and
carry no emoji the report font lacks (the dashboard writes status in words)."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl

from dashboard import charts, display
from metrics.registry import Unit
from reports.content_blocks import figure
from reports.content_print import (
    UPRIGHT,
    fit_bar_labels,
    legend_below_labels,
    lift_labels_over_targets,
    targets_to_legend,
)
from reports.model import Table

EMPTY = Table("t", ("a",), ())


def long(values: dict[str, list[float | None]], categories: list[str],
         targets: dict[str, float] | None = None) -> pl.DataFrame:
    """A `charts.LONG_SCHEMA` frame: series → values per category, a target per series."""
    rows = []
    for series, vals in values.items():
        for cat, v in zip(categories, vals, strict=True):
            target = (targets or {}).get(series)
            rows.append({"series": series, "category": cat, "value": v,
                         "text": "–" if v is None else f"{v * 100:.1f} %".replace(".", ","),
                         "target": target,
                         "target_text": None if target is None else f"{target * 100:.0f} %",
                         "status": None})
    return pl.DataFrame(rows, schema=charts.LONG_SCHEMA)


def test_a_target_line_label_moves_into_the_legend():
    fig = go.Figure(go.Bar(x=["Samhället", "Kommunen"], y=[36.3, 43.0], text=["36,3", "43,0"],
                           textposition="outside"))
    display.add_target(fig, 30.0, "payback_months")
    targets_to_legend(fig)
    assert not fig.layout.annotations
    assert len(fig.layout.shapes) == 1  # the line itself stays
    legend = [t for t in fig.data if t.showlegend]
    assert [t.name for t in legend] == ["Mål 30,0"]
    assert legend[0].line.dash == "dash"
    assert fig.data[0].showlegend is False  # a lone bar trace had no legend entry before


def test_a_value_label_under_a_target_dash_sits_on_the_dash():
    data = long({"Av fullföljda": [0.077, 0.692, 0.4]}, ["Arbete", "Rehab", "Annat"],
                {"Av fullföljda": 0.15})
    fig = charts.grouped_bars(data, "t", Unit.SHARE)
    lift_labels_over_targets(fig)
    bar = fig.data[0]
    assert list(bar.text) == ["", "69,2 %", "40,0 %"]  # only the first is under its dash
    moved = [a for a in fig.layout.annotations if a.text == "7,7 %"]
    assert len(moved) == 1 and moved[0].y == 0.15 and moved[0].yanchor == "bottom"


def test_squeezed_labels_turn_upright_together_and_too_narrow_bars_lose_them():
    cats = ["Annan", "Arbetsförmedlingen", "Egen ansökan", "Försäkringskassan", "Kommun",
            "Region"]
    four = {f"S{i}": [0.606] * 6 for i in range(4)}
    fig = charts.grouped_bars(long(four, cats), "t", Unit.SHARE)
    fit_bar_labels(fig)
    bars = [t for t in fig.data if t.type == "bar"]
    assert all(t.textangle == UPRIGHT for t in bars)

    wide = charts.grouped_bars(long({"S": [0.5, 0.6]}, ["A", "B"]), "t", Unit.SHARE)
    fit_bar_labels(wide)
    assert wide.data[0].textangle is None  # room enough: level labels stay level

    many = {f"S{i}": [0.5] * 12 for i in range(8)}
    crowded = charts.grouped_bars(long(many, [f"K{i}" for i in range(12)]), "t", Unit.SHARE)
    crowded.update_traces(text=["50,0 %"] * 12, selector={"type": "bar"})
    fit_bar_labels(crowded)
    assert all(t.text is None for t in crowded.data if t.type == "bar")


def test_the_legend_moves_below_slanted_category_labels():
    names = ["Hälsoslussen", "Samordningsteamet", "Samverkan Psykiatri", "Steget Vidare",
             "Unga Vuxna i Arbete", "Förbundets egna kostnader"]
    fig = go.Figure([go.Bar(x=names, y=[1] * 6, name="Budget"),
                     go.Bar(x=names, y=[1] * 6, name="Utfall")])
    display.style(fig, "t", Unit.KR)
    before = fig.layout.legend.y
    legend_below_labels(fig)
    assert fig.layout.legend.y < before

    short = go.Figure([go.Bar(x=["2024", "2025"], y=[1, 2], name="a"),
                       go.Bar(x=["2024", "2025"], y=[1, 2], name="b")])
    display.style(short, "t", Unit.KR)
    legend_below_labels(short)
    assert short.layout.legend.y == -0.2


EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff\ufe0f]")


def test_over_budget_is_written_in_words_on_page_and_paper_without_emoji():
    rows = pl.DataFrame({"cost_category": ["Lokaler", "Löner"], "utilisation": [1.02, 0.9],
                         "over_budget": [True, False]})
    fig = charts.utilisation_bars(rows, "cost_category", 1.0, None, "t")
    assert list(fig.data[0].text) == ["102,0 % över budget", "90,0 %"]

    printed = figure(charts.utilisation_bars(rows, "cost_category", 1.0, None, "t"), EMPTY,
                     "alt", "c").figure
    text = repr(printed.to_dict())
    assert "102,0 % över budget" in text
    assert not EMOJI.search(text)