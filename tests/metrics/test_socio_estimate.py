"""The built-in estimate: every assumption beside the result, and a what-if."""

from datetime import date

import pytest

from metrics.engine import compute_kpis
from metrics.socio_estimate import (
    DEFAULT_SPLIT,
    default_assumptions,
    estimate,
    estimate_for,
    split_from_funding,
    transitions,
)
from tests.metrics.factories import (
    budget_line,
    episode,
    frame,
    frames,
    funding,
    selection,
    unit_cost,
)

EB, SJ = "Ekonomiskt bistånd", "Sjukpenning/rehabiliteringspenning"


def data(**extra):
    return frames(
        episodes=[episode(participant_id="a", income_before=EB, income_after="Lön"),
                  episode(participant_id="b", income_before=SJ, income_after=SJ),
                  episode(participant_id="c", income_before=SJ, income_after="Okänd"),
                  episode(participant_id="d", income_before=None, income_after="Lön")],
        unit_costs=[unit_cost(EB, "Kommunen", 120_000), unit_cost(SJ, "Staten", 250_000),
                    unit_cost("Arbete heltid", "Kommunen", -90_000),
                    unit_cost("Arbete heltid", "Staten", -80_000)],
        budget_lines=[budget_line("Lönekostnader", 500_000, 420_000)], **extra)


def test_estimate_revenue_cost_and_assumptions():
    r = compute_kpis(data(), selection())
    v = r.values
    # a: EB -> Lön (Arbete heltid): Kommunen 120 000 + 90 000, Staten 0 + 80 000; b: no change
    # Regionen finances a share but has no unit costs: its revenue is unknown, not 0
    assert v["revenue_per_year"] == {"Samhället": 290_000, "Kommunen": 210_000,
                                     "Regionen": None, "Staten": 80_000}
    assert v["cost"] == {"Samhället": 420_000, "Staten": 210_000, "Regionen": 105_000,
                         "Kommunen": 105_000}
    assert v["payback_months"]["Samhället"] == pytest.approx(420_000 / 290_000 * 12)
    assert v["revenue_per_participant"]["Kommunen"] == 105_000  # 2 episodes used
    assert r.meta["socioeconomic_source"] == "estimate"
    assert r.meta["socioeconomic_excluded"] == 1  # c: Okänd has no unit cost
    a = r.meta["socioeconomic_assumptions"]
    assert a.split == DEFAULT_SPLIT and a.split_source == "Standardfördelning 50/25/25"
    assert a.insats_cost == 420_000 and a.cost_source == "Utfall i perioden"
    assert a.unit_costs[EB] == {"Kommunen": 120_000}


def test_what_if_with_edited_assumptions():
    fr, sel = data(), selection()
    base = default_assumptions(fr, sel)
    what_if = base.with_unit_cost(EB, "Kommunen", 200_000).with_split(Staten=0.6, Kommunen=0.15)
    r = estimate_for(fr, sel, what_if)
    assert r.values["revenue_per_year"]["Kommunen"] == 290_000
    assert r.values["cost"]["Staten"] == pytest.approx(252_000)
    assert r.assumptions.split_source == "Ändrad"
    assert base.unit_costs[EB]["Kommunen"] == 120_000  # the original is untouched
    cheaper = compute_kpis(fr, sel, assumptions=base.with_insats_cost(100_000))
    assert cheaper.values["cost"]["Samhället"] == 100_000


def test_split_from_funding_members():
    rows = frame("funding", [funding("Staten", 2_000_000), funding("Region Västmanland", 1_000_000),
                             funding("Västerås stad", 600_000), funding("Kommun", 400_000)])
    split, source = split_from_funding(rows, ("Testförbundet",), 2023)
    assert split == {"Staten": 0.5, "Regionen": 0.25, "Kommunen": 0.25}
    assert source == "Finansiering 2023"
    assert split_from_funding(rows, ("Testförbundet",), 2022)[0] == DEFAULT_SPLIT


def test_granted_amount_when_no_budget():
    from tests.metrics.factories import insats

    fr = data(insatser=[insats(granted_amount=800_000.0)])
    fr["budget_lines"] = frame("budget_lines")
    a = default_assumptions(fr, selection())
    assert a.insats_cost == 800_000 and a.cost_source == "Beviljat belopp"


def test_nothing_usable_gives_none():
    eps = frame("episodes", [episode(income_before="Okänd", income_after="Okänd")])
    a = default_assumptions(data(), selection())
    assert estimate(transitions(eps, date(2023, 1, 1), date(2023, 12, 31)), a) is None
    assert estimate(transitions(eps, date(2023, 1, 1), date(2023, 12, 31)),
                    a.__class__({})) is None
