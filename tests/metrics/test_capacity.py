"""Full-year equivalents (årsplatser), capacity, occupancy and cost per fye/participant."""

from datetime import date

import pytest

from metrics.engine import compute_kpis
from metrics.periods import quarter_period
from tests.metrics.factories import budget_line, episode, frames, insats, open_episode, selection


def test_kpi_md_example_549_days_is_1_50_fye():
    v = compute_kpis(frames(episodes=[
        open_episode(participant_id="all-year", start_date=date(2022, 6, 1)),
        episode(participant_id="from-july", start_date=date(2023, 7, 1),
                end_date=date(2023, 12, 31)),
    ]), selection()).values
    assert v["participant_days"] == 365 + 184 == 549
    assert v["fye_used"] == pytest.approx(549 / 365)
    assert round(v["fye_used"], 2) == 1.50


def test_leap_year_divides_by_366():
    v = compute_kpis(frames(episodes=[open_episode(start_date=date(2020, 1, 1))]),
                     selection(2024)).values
    assert v["participant_days"] == 366 and v["fye_used"] == 1.0


def test_quarter_counts_its_own_days():
    frm, to = quarter_period(2024, 1)
    v = compute_kpis(frames(episodes=[open_episode(start_date=date(2023, 1, 1))]),
                     selection(date_from=frm, date_to=to)).values
    assert v["participant_days"] == 91 and v["fye_used"] == 1.0


def test_capacity_is_weighted_by_the_part_of_the_period_the_insats_ran():
    fr = frames(
        insatser=[insats(insats="Hela", capacity_fye=10.0),
                  insats(insats="Halva", capacity_fye=4.0, start_date=date(2023, 7, 1)),
                  insats(insats="Slut", capacity_fye=3.0, end_date=date(2022, 12, 31)),
                  insats(insats="Utan", capacity_fye=None)],
        episodes=[open_episode(insats="Hela", start_date=date(2022, 1, 1))])
    v = compute_kpis(fr, selection()).values
    assert v["fye_capacity"] == pytest.approx(10 + 4 * 184 / 365)
    assert v["occupancy"] == pytest.approx(1 / (10 + 4 * 184 / 365))
    only = compute_kpis(fr, selection(insatser=("Halva",))).values
    assert only["fye_capacity"] == pytest.approx(4 * 184 / 365)
    assert only["occupancy"] is None  # no episode data for that insats at all


def test_cost_per_fye_and_per_participant_use_spent_in_the_period():
    fr = frames(
        episodes=[open_episode(participant_id="a", start_date=date(2022, 1, 1)),
                  episode(participant_id="b", start_date=date(2023, 7, 1),
                          end_date=date(2023, 12, 31), sex="Man")],
        budget_lines=[budget_line("Lönekostnader", 400_000, 300_000),
                      budget_line("Övriga kostnader", 100_000, 50_000, insats="")])
    v = compute_kpis(fr, selection()).values
    assert v["cost_per_fye"] == pytest.approx(300_000 / (549 / 365))  # förbund costs excluded
    assert v["cost_per_participant"] == 150_000
    # costs cannot be split by sex: a filter keeps the whole insats as the base
    women = compute_kpis(fr, selection(kon=("Kvinna",))).values
    assert women["cost_per_participant"] == 150_000 and women["fye_used"] == 1.0


def test_without_capacity_or_budget_the_ratios_are_none():
    v = compute_kpis(frames(episodes=[episode()]), selection()).values
    assert v["fye_capacity"] is None and v["occupancy"] is None
    assert v["cost_per_fye"] is None and v["cost_per_participant"] is None
