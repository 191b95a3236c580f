"""Budget KPIs, including the Avesta 2022 worked example (seed 002)."""

from datetime import date

import polars as pl
import pytest

from metrics import budget
from metrics.engine import compute_kpis
from tests.metrics.factories import budget_line, frame, frames, selection

AVESTA = [("Egen personal", 2_000_000, 1_923_361), ("Externa tjänster", 150_000, 90_498),
          ("Lokaler", 40_000, 8_460), ("Övriga kostnader", 110_000, 129_875)]


def avesta(period=date(2022, 12, 31)):
    return [budget_line(c, b, s, year=2022, period=period) for c, b, s in AVESTA]


def test_avesta_2022_worked_example():
    v = compute_kpis(frames(budget_lines=avesta()), selection(2022)).values
    assert v["budget"] == 2_300_000 and v["spent"] == 2_152_194
    assert v["remaining"] == 147_806
    assert round(v["utilisation"] * 100, 1) == 93.6
    assert v["expected_pace"] == 1.0 and v["forecast_spent"] == 2_152_194


def test_avesta_2022_per_line_flags_over_budget():
    lines = budget.by_category(frame("budget_lines", avesta()), 2022, date(2022, 12, 31))
    # half-up, as the report rounds (8 460 / 40 000 = 21,15 % -> 21,2 %)
    got = {c: round(u * 100 + 1e-9, 1) for c, u in lines.select("cost_category", "utilisation")
           .iter_rows()}
    assert got == {"Egen personal": 96.2, "Externa tjänster": 60.3, "Lokaler": 21.2,
                   "Övriga kostnader": 118.1}
    assert lines.filter("over_budget")["cost_category"].to_list() == ["Övriga kostnader"]
    assert lines["remaining"].to_list() == [76_639, 59_502, 31_540, -19_875]


def test_latest_period_on_or_before_to_and_pace():
    rows = avesta() + [budget_line(c, b, s / 2, year=2022, period=date(2022, 6, 30))
                       for c, b, s in AVESTA]
    r = compute_kpis(frames(budget_lines=rows), selection(2022, date_to=date(2022, 8, 31)))
    assert r.meta["budget_as_of"] == date(2022, 6, 30)
    assert r.values["spent"] == pytest.approx(2_152_194 / 2)
    assert r.values["expected_pace"] == pytest.approx(181 / 365)
    assert r.values["forecast_spent"] == pytest.approx(2_152_194 / 2 / (181 / 365))
    assert r.values["forecast_utilisation"] == pytest.approx(
        r.values["forecast_spent"] / 2_300_000)


def test_lines_reporting_on_different_days_each_use_their_latest():
    rows = [budget_line("A", 100, 40, period=date(2023, 6, 30)),
            budget_line("A", 100, 90, period=date(2023, 9, 30)),
            budget_line("B", 50, 20, insats="Annan", period=date(2023, 6, 30))]
    v = compute_kpis(frames(budget_lines=rows), selection()).values
    assert v["budget"] == 150 and v["spent"] == 110


def test_budget_year_is_the_year_of_to_and_förbund_costs_only_with_all_insatser():
    rows = [budget_line("A", 100, 10), budget_line("Kansli", 50, 5, insats=""),
            budget_line("A", 999, 999, year=2022, period=date(2022, 12, 31))]
    assert compute_kpis(frames(budget_lines=rows), selection()).values["budget"] == 150
    one = compute_kpis(frames(budget_lines=rows), selection(insatser=("Steget",))).values
    assert one["budget"] == 100


def test_participant_filters_do_not_apply_to_budget_and_are_reported():
    r = compute_kpis(frames(budget_lines=avesta()), selection(2022, kon=("Man",)))
    assert r.values["budget"] == 2_300_000
    assert r.ignored_filters["budget"] == ("kon",)


def test_no_lines_gives_none_everywhere():
    v = compute_kpis(frames(), selection()).values
    assert all(v[k] is None for k in budget.KEYS)


def test_spent_between_subtracts_the_report_before_the_period():
    lines = frame("budget_lines", [budget_line("A", 100, 30, period=date(2023, 3, 31)),
                                   budget_line("A", 100, 70, period=date(2023, 6, 30))])
    assert budget.spent_between(lines, date(2023, 4, 1), date(2023, 6, 30)) == 40
    assert budget.spent_between(lines, date(2023, 1, 1), date(2023, 3, 31)) == 30
    assert budget.spent_between(lines, date(2023, 7, 1), date(2023, 9, 30)) is None  # unknown
    assert budget.spent_between(lines, date(2022, 1, 1), date(2022, 12, 31)) is None


def test_by_insats_gives_each_insats_at_its_own_latest_report_and_own_costs_last():
    lines = frame("budget_lines", [
        *avesta(),
        budget_line("Lokaler", 100_000, 40_000, insats="B", year=2022,
                    period=date(2022, 6, 30)),
        budget_line("Kansli", 50_000, 60_000, insats="", year=2022,
                    period=date(2022, 12, 31)),
    ])

    table = budget.by_insats(lines, 2022, date(2022, 12, 31))

    assert table.select("insats", "budget", "spent", "as_of", "over_budget").rows() == [
        ("B", 100_000, 40_000, date(2022, 6, 30), False),
        ("Steget", 2_300_000, 2_152_194, date(2022, 12, 31), False),
        ("", 50_000, 60_000, date(2022, 12, 31), True),
    ]


def test_by_insats_and_category_per_insats_with_own_costs_last():
    lines = frame("budget_lines", [
        *avesta(), budget_line("Kansli", 50_000, 60_000, insats="", year=2022,
                               period=date(2022, 12, 31))])

    table = budget.by_insats_and_category(lines, 2022, date(2022, 12, 31))

    assert table.select("insats", "cost_category", "over_budget").rows() == [
        ("Steget", "Egen personal", False), ("Steget", "Externa tjänster", False),
        ("Steget", "Lokaler", False), ("Steget", "Övriga kostnader", True),
        ("", "Kansli", True)]
    assert budget.by_insats_and_category(frame("budget_lines"), 2022,
                                         date(2022, 12, 31)).columns[0] == "insats"


def _two_forbund():
    return frame("budget_lines", [
        budget_line("Lön", 400, 100, insats="X", period=date(2023, 6, 30)),
        budget_line("Lön", 400, 300, insats="X"),
        budget_line("Lön", 100, 50, insats="Y"),
        budget_line("Lön", 80, 20, forbund="B", period=date(2023, 6, 30)),
        budget_line("Lön", 60, None, forbund="C"),
    ])


def test_budget_kpis_by_gives_each_unit_what_budget_kpis_gives_it():
    lines = _two_forbund()
    end = date(2023, 12, 31)
    by_forbund = budget.budget_kpis_by(lines, 2023, end, "forbund")
    assert set(by_forbund) == {"Testförbundet", "B", "C"}
    values, used = by_forbund["B"]
    assert used == date(2023, 6, 30) and values["expected_pace"] == 181 / 365
    assert (values["budget"], values["spent"], values["remaining"]) == (80.0, 20.0, 60.0)
    assert by_forbund["Testförbundet"][0]["spent"] == 350.0
    assert by_forbund["C"][0]["spent"] is None  # nothing reported is not 0 kr
    for name, want in by_forbund.items():
        assert budget.budget_kpis(lines.filter(pl.col("forbund") == name), 2023, end) == want
    by_insats = budget.budget_kpis_by(lines.filter(pl.col("forbund") == "Testförbundet"),
                                      2023, end, "insats")
    assert {k: v["budget"] for k, (v, _) in by_insats.items()} == {"X": 400.0, "Y": 100.0}
    assert budget.budget_kpis_by(lines, 2022, end, "forbund") == {}


def test_spent_between_by_gives_each_unit_what_spent_between_gives_it():
    lines = _two_forbund()
    h2 = date(2023, 7, 1), date(2023, 12, 31)
    # Testförbundet: 350 at year end − 100 by 30 June; B last reported before the period
    assert budget.spent_between_by(lines, *h2, "forbund") == {"Testförbundet": 250.0}
    assert budget.spent_between_by(lines, date(2023, 1, 1), h2[1], "forbund") == {
        "Testförbundet": 350.0, "B": 20.0}
    for frm in (h2[0], date(2023, 1, 1)):
        got = budget.spent_between_by(lines, frm, h2[1], "forbund")
        for name in ("Testförbundet", "B", "C", "D"):
            part = lines.filter(pl.col("forbund") == name)
            assert budget.spent_between(part, frm, h2[1]) == got.get(name)
