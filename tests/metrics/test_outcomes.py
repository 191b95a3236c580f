"""Outcome shares, including the KPI.md worked example (Samordningsteam Västerås 2017)."""

from datetime import date

import pytest

from metrics.engine import compute_kpis
from tests.metrics.factories import episode, frames, selection, target

SOT = {"Arbete utan anställningsstöd": 4, "Arbete med anställningsstöd": 2, "Studier": 2,
       "Fortsatt arbetslivsinriktad rehabilitering": 43, "Avbrott – ohälsa": 39,
       "Avbrott – flytt": 3, "Avbrott – annat": 2}


def sot_2017():
    rows, i = [], 0
    for reason, n in SOT.items():
        for _ in range(n):
            i += 1
            rows.append(episode(forbund="Samordningsförbundet Västerås",
                                insats="Samordningsteam Västerås", participant_id=f"S{i}",
                                start_date=date(2016, 9, 1), end_date=date(2017, 3, 1 + i % 28),
                                exit_reason=reason))
    targets = [target(k, v, forbund="Samordningsförbundet Västerås",
                      insats="Samordningsteam Västerås", year=2017)
               for k, v in (("share_work", 0.25), ("share_studies", 0.20),
                            ("share_rehab", 0.55))]
    return frames(episodes=rows, targets=targets)


def test_sot_vasteras_2017_worked_example():
    r = compute_kpis(sot_2017(), selection(2017, forbund=("Samordningsförbundet Västerås",)))
    v = r.values
    assert (v["ended"], v["completed"], v["dropped_out"]) == (95, 51, 44)
    assert v["share_work"] == pytest.approx(6 / 51)  # 11,8 %
    assert v["share_studies"] == pytest.approx(2 / 51)  # 3,9 %
    assert v["share_rehab"] == pytest.approx(43 / 51)  # 84,3 %
    assert v["share_work_incl_dropouts"] == pytest.approx(6 / 95)  # 6,3 % (report prints 8 %)
    assert v["share_studies_incl_dropouts"] == pytest.approx(2 / 95)
    assert v["share_rehab_incl_dropouts"] == pytest.approx(43 / 95)
    assert v["share_dropout"] == pytest.approx(44 / 95)  # 46,3 %
    assert round(v["share_work"], 3) == 0.118 and round(v["share_dropout"], 3) == 0.463
    assert (v["share_work_target"], v["share_studies_target"], v["share_rehab_target"]) == (
        0.25, 0.20, 0.55)
    assert r.target_status == {"share_work": "not_met", "share_studies": "not_met",
                               "share_rehab": "met"}


def test_combined_shares():
    v = compute_kpis(frames(episodes=[
        episode(participant_id="w", exit_reason="Arbete"),
        episode(participant_id="s", exit_reason="Studier"),
        episode(participant_id="r", exit_reason="Fortsatt arbetslivsinriktad rehabilitering"),
        episode(participant_id="o", exit_reason="Föräldraledighet"),
        episode(participant_id="d", exit_reason="Tidigt avhopp"),
    ]), selection()).values
    assert v["share_work_or_studies"] == 0.5 and v["share_towards_work"] == 0.75
    assert v["share_other"] == 0.25 and v["share_dropout"] == 0.2


def test_only_dropouts_leaves_completed_shares_missing():
    v = compute_kpis(frames(episodes=[episode(exit_reason="Avbrott – flytt")]),
                     selection()).values
    assert v["completed"] == 0 and v["share_work"] is None and v["share_dropout"] == 1.0
