"""PayOff-style evaluation per actor, with the seed 001 worked example."""

import pytest

from metrics.engine import compute_kpis
from metrics.socioeconomic import derive, evaluation, evaluations_by
from tests.metrics.factories import frame, frames, selection, socio

PAYOFF_SOT_2017 = [socio("Samhället", 1_600_000, profit_1y=-7_600_000, period="2017",
                         participants=57),
                   socio("Staten", 1_300_000, profit_1y=-4_200_000, period="2017",
                         participants=57),
                   socio("Kommunen", 91_000, profit_1y=-1_700_000, period="2017",
                         participants=57)]


def test_payoff_sot_2017_payback_per_actor():
    r = compute_kpis(frames(socioeconomic=PAYOFF_SOT_2017), selection(2017))
    v = r.values
    assert v["cost"]["Samhället"] == pytest.approx(9_200_000)
    assert v["payback_months"]["Samhället"] == pytest.approx(69.0)  # PayOff prints 70
    assert v["profit_5y"]["Samhället"] == pytest.approx(-1_200_000)
    assert v["cost"]["Staten"] == pytest.approx(5_500_000)
    assert v["payback_months"]["Staten"] == pytest.approx(50.77, abs=0.01)  # printed 53
    assert v["profit_5y"]["Staten"] == pytest.approx(1_000_000)  # printed +0,8
    assert round(v["payback_months"]["Kommunen"]) == 236
    assert v["revenue_per_participant"]["Samhället"] == pytest.approx(1_600_000 / 57)
    assert v["profit_1y"]["Staten"] == pytest.approx(-4_200_000)
    assert r.meta["socioeconomic_source"] == "evaluation"
    assert list(v["payback_months"]) == ["Samhället", "Kommunen", "Staten"]  # contract order


def test_given_cost_wins_over_profit():
    v = compute_kpis(frames(socioeconomic=[socio("Samhället", 100, cost=600, profit_1y=-1)]),
                     selection()).values
    assert v["cost"]["Samhället"] == 600 and v["payback_months"]["Samhället"] == 72


def test_payback_not_reached_when_revenue_is_not_positive():
    r = compute_kpis(frames(socioeconomic=[socio("Regionen", -5_000, cost=100_000),
                                           socio("Staten", 0, cost=100_000)]), selection())
    assert r.values["payback_months"] == {"Regionen": None, "Staten": None}
    assert r.meta["payback_not_reached"] == ("Regionen", "Staten")
    assert r.values["profit_5y"]["Regionen"] == -125_000


def test_latest_evaluation_inside_the_period_and_insatser_add_up():
    rows = [socio("Samhället", 100, cost=1000, period="2023H1", participants=4),
            socio("Samhället", 300, cost=1200, period="2023", participants=5),
            socio("Samhället", 999, cost=1, period="2022"),
            socio("Samhället", 200, cost=800, insats="Vägen", period="2023H2", participants=3)]
    r = compute_kpis(frames(socioeconomic=rows), selection())
    assert r.values["revenue_per_year"] == {"Samhället": 500}
    assert r.values["cost"] == {"Samhället": 2000}
    assert r.values["revenue_per_participant"] == {"Samhället": 500 / 8}
    assert r.base_n["payback_months"] == 8


def test_missing_cost_and_profit_leaves_derived_values_none():
    v = compute_kpis(frames(socioeconomic=[socio("Deltagarna", 150_000)]), selection()).values
    assert v["revenue_per_year"] == {"Deltagarna": 150_000}
    assert v["profit_1y"] == {"Deltagarna": None} and v["payback_months"] == {"Deltagarna": None}


def test_derive_doc_example():
    values, not_reached = derive({"A": 10.0, "B": -1.0}, {"A": 20.0, "B": 5.0}, {"A": 2})
    assert values["payback_months"] == {"A": 24.0, "B": None} and not_reached == ("B",)
    assert values["revenue_per_participant"] == {"A": 5.0, "B": None}


def test_no_evaluation_and_no_unit_costs_gives_none():
    v = compute_kpis(frames(), selection()).values
    assert v["payback_months"] is None and v["revenue_per_year"] is None


def test_evaluations_by_gives_each_unit_what_evaluation_gives_it():
    table = frame("socioeconomic", [
        socio("Samhället", 100.0, cost=200.0, insats="X"),
        socio("Samhället", 50.0, cost=100.0, insats="Y", participants=5),
        socio("Samhället", 999.0, cost=1.0, insats="Y", period="2022"),  # outside 2023
        socio("Samhället", 80.0, profit_1y=-40.0, forbund="B", period="2023H2"),
        socio("Kommunen", -10.0, cost=30.0, forbund="B", period="2023H2"),
    ])
    got = evaluations_by(table, selection(forbund=("Testförbundet", "B", "C")), "forbund")
    assert set(got) == {"Testförbundet", "B"}
    own = got["Testförbundet"]
    assert own.values["payback_months"] == {"Samhället": 300.0 / 150.0 * 12}
    assert (own.participants, own.periods) == (15, ("2023",))
    b = got["B"]
    assert b.values["cost"] == {"Samhället": 120.0, "Kommunen": 30.0}
    assert b.not_reached == ("Kommunen",) and b.periods == ("2023H2",)
    for name, want in got.items():
        assert evaluation(table, selection(forbund=(name,))) == want
    assert evaluation(table, selection(forbund=("C",))) is None
    by_insats = evaluations_by(table, selection(insatser=("X", "Y")), "insats")
    assert by_insats["Y"].values["revenue_per_year"] == {"Samhället": 50.0}
    for name, want in by_insats.items():
        assert evaluation(table, selection(insatser=(name,))) == want
    assert evaluations_by(table, selection(1990, forbund=("B",)), "forbund") == {}
