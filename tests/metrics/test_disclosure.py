"""Disclosure control: small counts, shares over too few, secondary suppression."""

from datetime import date

import polars as pl
import pytest

from metrics.disclosure import (
    Shown,
    label,
    suppress_kpis,
    suppress_table,
    suppress_value,
    too_few,
)
from metrics.engine import compute_kpis
from tests.metrics.factories import episode, frames, selection, socio, volume


@pytest.mark.parametrize(("key", "value", "base", "expected"), [
    ("started", 0, 0, (0, Shown.SHOWN)),
    ("started", 1, 1, (None, Shown.SMALL)),
    ("started", 4, 4, (None, Shown.SMALL)),
    ("started", 5, 5, (5, Shown.SHOWN)),
    ("share_work", 0.25, 4, (None, Shown.TOO_FEW)),
    ("share_work", 0.25, 5, (0.25, Shown.SHOWN)),
    ("throughput_months_median", 7.5, 3, (None, Shown.TOO_FEW)),
    ("share_work", None, 0, (None, Shown.MISSING)),
    ("budget", 100.0, None, (100.0, Shown.SHOWN)),
])
def test_suppress_value(key, value, base, expected):
    assert suppress_value(key, value, base) == expected


def test_threshold_is_configurable_and_zero_is_off():
    assert suppress_value("started", 7, 7, threshold=10) == (None, Shown.SMALL)
    assert suppress_value("started", 2, 2, threshold=0) == (2, Shown.SHOWN)
    assert label(Shown.SMALL, 10) == "<10" and label(Shown.TOO_FEW) == "för få"
    assert label(Shown.SHOWN) is None


def test_too_few():
    assert too_few(4) and too_few(0) and not too_few(5) and not too_few(None)
    assert not too_few(1, threshold=0)


def test_suppress_kpis_hides_small_counts_and_shares_over_few():
    eps = [episode(participant_id=f"w{i}") for i in range(6)]
    eps += [episode(participant_id=f"d{i}", exit_reason="Avbrott – flytt") for i in range(3)]
    eps += [episode(participant_id="s", start_date=date(2022, 1, 1), step_start=None)]
    r = suppress_kpis(compute_kpis(frames(episodes=eps), selection()))
    v = r.values
    assert v["ended"] == 10 and v["started"] == 9
    assert v["dropped_out"] is None and r.disclosure["dropped_out"] == "small"
    # completed = ended − dropped_out would reveal it: hidden too
    assert v["completed"] is None and r.disclosure["completed"] == "secondary"
    # share_dropout × ended = 3: shown as an upper bound, 5 / 10 = 50 %
    assert v["share_dropout"] is None and r.disclosure["share_dropout"] == "upper_bound"
    assert r.upper_bounds == {"share_dropout": 0.5}
    # share_work = 1.0 over the hidden completed would give it back (work = 7 = 0,7 × 10
    # ended), so the share and the work count beside it are hidden as well
    assert v["share_work"] is None and r.disclosure["share_work"] == "secondary"
    assert r.disclosure["share_work_incl_dropouts"] == "secondary"
    assert v["share_other"] == 0.0  # a share of nobody gives nothing away
    assert "dropped_out" in r.suppressed and "completed" in r.suppressed
    assert r.base_n["dropped_out"] is None  # no small base count leaks either
    assert r.base_n["share_work"] is None  # nor a hidden one


def test_fewer_than_threshold_episodes_hides_every_episode_kpi():
    eps = [episode(participant_id=f"p{i}") for i in range(4)]
    r = suppress_kpis(compute_kpis(frames(episodes=eps, socioeconomic=[
        socio("Samhället", 10.0, cost=20.0, participants=40)]), selection()))
    assert too_few(compute_kpis(frames(episodes=eps), selection()).episodes_n)
    assert all(r.values[k] is None for k in ("started", "share_work", "participant_days",
                                             "fye_used", "throughput_months_mean"))
    assert r.values["payback_months"] == {"Samhället": 24.0}  # not participant-level


def test_per_actor_over_few_participants_and_volume_counts():
    fr = frames(socioeconomic=[socio("Samhället", 10.0, cost=20.0, participants=3)],
                volumes=[volume("SIP-beslut", 3), volume("Konsultationer", 40)])
    r = suppress_kpis(compute_kpis(fr, selection()))
    assert r.values["payback_months"] is None and r.disclosure["payback_months"] == "too_few"
    assert r.values["volume"] == {"Konsultationer": 40, "SIP-beslut": None}
    assert r.disclosure["volume[SIP-beslut]"] == "small"


def test_threshold_zero_returns_the_result_unchanged():
    r = compute_kpis(frames(episodes=[episode()]), selection())
    assert suppress_kpis(r, 0) is r


def test_json_lists_suppressed_keys():
    eps = [episode(participant_id=f"p{i}") for i in range(3)]
    out = suppress_kpis(compute_kpis(frames(episodes=eps), selection())).to_json()
    assert out["kpis"]["started"] is None and "started" in out["suppressed"]


def breakdown_table():
    return pl.DataFrame({"kon": ["Kvinna", "Man", "Annat/ej angivet"],
                         "ended": [20, 9, 2], "share_work": [0.5, 0.3, 0.5]})


def test_suppress_table_hides_a_second_cell_so_the_first_cannot_be_recovered():
    got = suppress_table(breakdown_table(), ["ended"], ["share_work"], "ended")
    assert got["ended"].to_list() == [20, None, None]
    assert got["ended_status"].to_list() == ["shown", "secondary", "small"]
    # a share over a hidden base is hidden with it: its exact value would give the base back
    assert got["share_work"].to_list() == [0.5, None, None]
    assert got["share_work_status"].to_list() == ["shown", "secondary", "too_few"]


def test_secondary_prefers_the_smallest_non_zero_cell():
    df = pl.DataFrame({"g": list("abcd"), "n": [0, 3, 50, 7]})
    got = suppress_table(df, ["n"], [], None)
    assert got["n"].to_list() == [0, None, 50, None]


def test_two_small_cells_need_no_secondary_and_no_total_means_none():
    df = pl.DataFrame({"g": list("abc"), "n": [2, 3, 50]})
    assert suppress_table(df, ["n"], [], None)["n"].to_list() == [None, None, 50]
    one = pl.DataFrame({"g": list("ab"), "n": [2, 50]})
    assert suppress_table(one, ["n"], [], None, total_shown=False)["n"].to_list() == [None, 50]


def test_row_identity_protects_dropouts():
    df = pl.DataFrame({"g": ["a", "b"], "ended": [30, 40], "completed": [27, 40],
                       "dropped_out": [3, 0]})
    got = suppress_table(df, ["ended", "completed", "dropped_out"], [], None)
    hidden = {c: got[f"{c}_status"].to_list() for c in ("ended", "completed", "dropped_out")}
    assert hidden["dropped_out"][0] == "small" and hidden["completed"][0] == "secondary"
    # column sums must not give them away either: one more cell in each such column
    assert sum(s != "shown" for s in hidden["completed"]) >= 2
    assert sum(s != "shown" for s in hidden["dropped_out"]) >= 2


def test_share_of_a_hidden_count_is_hidden():
    df = pl.DataFrame({"category": list("abc"), "count": [3, 40, 57],
                       "share": [0.03, 0.4, 0.57]})
    got = suppress_table(df, ["count"], ["share"], None, share_of={"share": "count"})
    assert got["share"].to_list() == [None, None, 0.57]
    # 3 of 100 as a share would print the count: an upper bound, 5 / 100 = 5 %
    assert got["share_status"].to_list() == ["upper_bound", "secondary", "shown"]
    assert got["share_upper_bound"].to_list() == [0.05, None, None]
