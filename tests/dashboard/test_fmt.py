"""Swedish formats: `1 923 361`, `11,8 %`, `2023-03-31`, `16,7 mnkr` on cards."""

from datetime import date

import pytest

from dashboard import fmt


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1_923_361, 0, "1 923 361"), (1.5, 1, "1,5"), (-19_875, 0, "−19 875"), (0, 0, "0"),
    (999.95, 1, "1 000,0"), (None, 0, "–"),
])
def test_number(value, decimals, text):
    assert fmt.number(value, decimals) == text


@pytest.mark.parametrize(("share", "text"), [(0.1184, "11,8 %"), (1, "100,0 %"),
                                              (0.0, "0,0 %"), (None, "–")])
def test_percent(share, text):
    assert fmt.percent(share) == text


@pytest.mark.parametrize(("value", "full", "short"), [
    (2_152_194, "2 152 194 kr", "2,2 mnkr"), (16_704_000, "16 704 000 kr", "16,7 mnkr"),
    (-6_897_530, "−6 897 530 kr", "−6,9 mnkr"), (999_999, "999 999 kr", "999 999 kr"),
    (None, "–", "–"),
])
def test_kronor_full_and_on_cards(value, full, short):
    assert fmt.kronor(value) == full
    assert fmt.kronor_short(value) == short


def test_kpi_value_by_unit():
    assert fmt.kpi_value("share_work", 0.118) == "11,8 %"
    assert fmt.kpi_value("budget", 16_704_000) == "16 704 000 kr"
    assert fmt.kpi_value("budget", 16_704_000, short=True) == "16,7 mnkr"
    assert fmt.kpi_value("share_work", 0.118, short=True) == "11,8 %"
    assert fmt.kpi_value("fye_used", 12.345) == "12,3"
    assert fmt.kpi_value("started", 217) == "217"


def test_iso_date():
    assert fmt.iso_date(date(2023, 3, 31)) == "2023-03-31"
    assert fmt.iso_date(None) == "–"


def test_share_axes_are_written_the_swedish_way():
    import plotly.graph_objects as go

    from dashboard import ui
    from metrics.registry import Unit

    fig = go.Figure(go.Bar(x=["a", "b"], y=[0.12, 0.58]))
    ui.add_target(fig, 0.7, "share_work")
    ui.style(fig, "Andel", Unit.SHARE)

    assert fig.layout.yaxis.ticktext == ("0 %", "20 %", "40 %", "60 %", "80 %")
    assert fig.layout.yaxis.tickvals == (0, 0.2, 0.4, 0.6, 0.8)
    assert fig.layout.separators == ", "


def test_halves_round_up_as_kpi_md_prints_them():
    # 8 460 / 40 000 (seed 002's Lokaler): the float lies just below 0.2115.
    assert fmt.percent(8460 / 40000) == "21,2 %"
    assert fmt.number(2.5) == "3"
    assert fmt.number(-2.5) == "−3"
    assert fmt.number(1.25, 1) == "1,3"
    assert fmt.percent(0.11845) == "11,8 %"  # below the half: down
