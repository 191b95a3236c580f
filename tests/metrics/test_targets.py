"""Targets: weighting across insatser, missing insatser, status and direction."""

from datetime import date

import pytest

from metrics.engine import compute_kpis
from metrics.targets import Status, Target, status
from tests.metrics.factories import FORBUND, episode, frames, selection, socio, target


def eps(insats, work, other):
    rows = [episode(insats=insats, participant_id=f"{insats}-w{i}") for i in range(work)]
    return rows + [episode(insats=insats, participant_id=f"{insats}-o{i}",
                           exit_reason="Annat avslut") for i in range(other)]


@pytest.mark.parametrize(("value", "target", "direction", "expected"), [
    (0.30, 0.25, "minst", Status.MET), (0.25, 0.25, "minst", Status.MET),
    (0.23, 0.25, "minst", Status.NEAR), (0.225, 0.25, "minst", Status.NEAR),
    (0.20, 0.25, "minst", Status.NOT_MET),
    (30, 34, "högst", Status.MET), (37, 34, "högst", Status.NEAR),
    (38, 34, "högst", Status.NOT_MET),
])
def test_status_respects_direction_and_ten_percent(value, target, direction, expected):
    assert status(value, Target(target, direction)) is expected


def test_status_is_none_without_value():
    assert status(None, Target(1, "minst")) is None


def test_several_insatser_weighted_by_denominator_and_missing_named():
    fr = frames(episodes=eps("A", 1, 3) + eps("B", 3, 3) + eps("C", 2, 0),
                targets=[target("share_work", 0.2, insats="A"),
                         target("share_work", 0.5, insats="B")])
    r = compute_kpis(fr, selection())
    # completed: A 4, B 6 -> (0.2 * 4 + 0.5 * 6) / 10; C has no target and is named
    assert r.values["share_work_target"] == pytest.approx(0.38)
    assert r.missing_targets == {"share_work": ("C",)}
    assert r.values["share_work"] == pytest.approx(6 / 12)
    assert r.target_status["share_work"] == "met"


def test_forbund_wide_target_applies_when_all_insatser_are_selected():
    fr = frames(episodes=eps("A", 1, 1) + eps("B", 1, 1),
                targets=[target("share_work", 0.6, insats=""),
                         target("share_work", 0.1, insats="A")])
    assert compute_kpis(fr, selection()).values["share_work_target"] == 0.6
    assert compute_kpis(fr, selection(insatser=("A",))).values["share_work_target"] == 0.1
    assert compute_kpis(fr, selection(insatser=("B",))).values.get("share_work_target") is None


def test_counts_add_their_targets_and_labels_and_years_are_respected():
    fr = frames(episodes=eps("A", 2, 0) + eps("B", 1, 0),
                targets=[target("Nya deltagare", 5, insats="A"), target("started", 7, insats="B"),
                         target("started", 100, insats="A", year=2022)])
    r = compute_kpis(fr, selection())
    assert r.values["started_target"] == 12 and r.target_status["started"] == "not_met"


def test_count_targets_do_not_apply_to_a_filtered_subgroup():
    fr = frames(episodes=eps("A", 2, 0), targets=[target("started", 2, insats="A"),
                                                  target("share_work", 0.5, insats="A")])
    r = compute_kpis(fr, selection(kon=("Kvinna",)))
    assert "started_target" not in r.values and r.values["share_work_target"] == 0.5


def test_direction_defaults_from_registry_and_per_actor_compares_samhallet():
    fr = frames(socioeconomic=[socio("Samhället", 100_000, cost=250_000)],
                targets=[target("payback_months", 34, insats="", direction=None)])
    r = compute_kpis(fr, selection())
    assert r.values["payback_months"]["Samhället"] == 30
    assert r.values["payback_months_target"] == 34 and r.target_status["payback_months"] == "met"


def test_unknown_kpi_in_mal_is_ignored():
    fr = frames(episodes=eps("A", 1, 0), targets=[target("nonsense", 1, insats="A")])
    r = compute_kpis(fr, selection())
    assert r.target_status == {} and not any(k.endswith("_target") for k in r.values)


def test_target_year_is_the_year_of_to():
    fr = frames(episodes=eps("A", 1, 0) + [episode(insats="A", participant_id="x",
                                                   start_date=date(2024, 1, 5),
                                                   end_date=date(2024, 2, 1))],
                targets=[target("share_work", 0.3, insats="A", year=2024)])
    r = compute_kpis(fr, selection(date_to=date(2024, 3, 31)))
    assert r.values["share_work_target"] == 0.3


def test_yearly_count_target_is_scaled_to_a_shorter_period():
    fr = frames(episodes=[episode(insats="A", participant_id=f"p{i}",
                                  start_date=date(2024, 2, 1), end_date=None)
                          for i in range(30)],
                targets=[target("started", 100, insats="A", year=2024),
                         target("share_work", 0.3, insats="A", year=2024)])
    q1 = compute_kpis(fr, selection(date_from=date(2024, 1, 1), date_to=date(2024, 3, 31)))
    year = compute_kpis(fr, selection(2024))

    assert q1.values["started_target"] == pytest.approx(100 * 91 / 366)
    assert q1.target_status["started"] == "met"  # 30 started ≥ 24,9
    assert q1.values["share_work_target"] == 0.3  # shares are never scaled
    assert year.values["started_target"] == 100
    assert year.target_status["started"] == "not_met"


def test_volume_target_is_scaled_but_a_yearly_stock_is_not():
    fr = frames(volumes=[{"forbund": FORBUND, "insats": "S", "period": "2024-Q2",
                          "measure": "Konsultationer", "sex": "Samtliga", "count": 30}],
                episodes=[episode(insats="S", start_date=date(2024, 1, 1), end_date=None)],
                targets=[target("volume[Konsultationer]", 100, insats="S", year=2024),
                         target("fye_used", 10, insats="S", year=2024)])
    q2 = compute_kpis(fr, selection(date_from=date(2024, 4, 1), date_to=date(2024, 6, 30)))

    assert q2.values["volume"] == {"Konsultationer": 30}
    assert q2.values["volume_target"] == {"Konsultationer": pytest.approx(100 * 91 / 366)}
    assert q2.target_status["volume[Konsultationer]"] == "met"
    assert q2.values["fye_used"] == 1 and q2.values["fye_used_target"] == 10
