"""Full-year equivalents (årsplatser), capacity, occupancy and cost per fye/participant."""

import dataclasses
from datetime import date

import pytest

from metrics.capacity import fye_capacity, fye_capacity_by
from metrics.engine import compute_kpis
from metrics.periods import quarter_period
from tests.metrics.factories import (
    budget_line,
    episode,
    frame,
    frames,
    insats,
    open_episode,
    selection,
)


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


def test_costs_are_the_selected_insatser_spent_within_the_period_over_all_their_people():
    """KPI.md: cost per årsplats/deltagare = Utfall within the period of the selected
    insatser (the förbund's own costs left out, shown apart) / fye used and participants of
    every episode of those insatser (participant filters and grupp do not apply)."""
    from metrics.periods import half_year_period

    fr = frames(
        episodes=[open_episode(participant_id="a", start_date=date(2022, 1, 1), grupp="A"),
                  open_episode(participant_id="b", start_date=date(2023, 1, 1), sex="Man"),
                  open_episode(participant_id="c", insats="Annan", start_date=date(2023, 1, 1))],
        budget_lines=[
            # cumulative Utfall per report: 120 000 by June, 300 000 by December
            budget_line("Lönekostnader", 400_000, 120_000, period=date(2023, 6, 30)),
            budget_line("Lönekostnader", 400_000, 300_000, period=date(2023, 12, 31)),
            budget_line("Lönekostnader", 90_000, 80_000, insats="Annan"),
            budget_line("Övriga kostnader", 100_000, 20_000, insats="", period=date(2023, 6, 30)),
            budget_line("Övriga kostnader", 100_000, 50_000, insats=""),
        ])
    h2 = selection(date_from=half_year_period(2023, 2)[0], date_to=date(2023, 12, 31),
                   insatser=("Steget",))
    r = compute_kpis(fr, h2)
    days = (date(2023, 12, 31) - date(2023, 7, 1)).days + 1
    # 300 000 − 120 000 spent in H2 on Steget; two Steget participants all of H2
    assert r.meta["cost_spent_in_period"] == 180_000
    assert r.values["cost_per_fye"] == pytest.approx(180_000 / (2 * days / days))
    assert r.values["cost_per_participant"] == 90_000
    # the förbund's own costs in H2 (50 000 − 20 000), whatever insatser are selected
    assert r.meta["forbund_costs_spent_in_period"] == 30_000
    # a participant filter or a grupp does not change the costs: the base stays everyone
    for narrowed in (dataclasses.replace(h2, kon=("Man",)), dataclasses.replace(h2, grupp="A")):
        got = compute_kpis(fr, narrowed)
        assert got.values["cost_per_participant"] == 90_000
        assert got.values["participants_in_period"] == 1
    men = compute_kpis(fr, dataclasses.replace(h2, kon=("Man",)))
    assert men.ignored_filters["cost_per_fye"] == ("kon",)  # the page says so
    # every insats: both insatser's Utfall over all three participants, own costs still apart
    both = compute_kpis(fr, dataclasses.replace(h2, insatser=()))
    assert both.values["cost_per_participant"] == pytest.approx((180_000 + 80_000) / 3)


def test_fye_capacity_by_gives_each_unit_what_fye_capacity_gives_it():
    ins = frame("insatser", [
        insats(insats="Hela", capacity_fye=10.0),
        insats(insats="Halva", capacity_fye=4.0, start_date=date(2023, 7, 1)),
        insats(insats="Utan", capacity_fye=None),
        insats(forbund="B", insats="Hela", capacity_fye=2.0, end_date=date(2023, 3, 31))])
    by_insats = fye_capacity_by(ins, selection(insatser=("Hela", "Halva", "Utan")), "insats")
    assert by_insats == {"Hela": 10.0, "Halva": 4 * 184 / 365}  # Utan: no Årsplatser
    by_forbund = fye_capacity_by(ins, selection(forbund=("Testförbundet", "B", "C")), "forbund")
    assert by_forbund == {"Testförbundet": (10 * 365 + 4 * 184) / 365, "B": 2 * 90 / 365}
    for name, value in by_insats.items():
        assert fye_capacity(ins, selection(insatser=(name,))) == value
    for name, value in by_forbund.items():
        assert fye_capacity(ins, selection(forbund=(name,))) == value
    assert fye_capacity(ins, selection(forbund=("C",))) is None
