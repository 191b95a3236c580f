"""Comparison over förbund and insatser: statistics, ranks, disclosure, and the same values
as `suppress_kpis(compute_kpis(...))` for each unit."""

import dataclasses
import importlib
import math
import random
import statistics
from datetime import date

import polars as pl
import pytest

from loaders.frames import load_frames
from loaders.schema import make_engine
from metrics import compute_kpis, prepare, suppress_kpis
from metrics.compare import (
    Comparison,
    compare,
    compare_each,
    default_units,
    shared_values,
    summarise,
    unit_results,
    unit_selection,
)
from metrics.registry import BY_KEY, KPIS, Family
from tests.metrics.factories import episode, frames, selection, socio

#: förbund -> (episodes to work, to studies); counts of 1-4 would be hidden, so 0 or >= 5.
OUTCOMES = {"A": (5, 5), "B": (10, 0), "C": (0, 5), "D": (10, 10), "E": (5, 15),
            "F": (2, 0)}
#: förbund -> (Samhället revenue per year, cost): payback = cost / revenue × 12 months.
SOCIO = {"A": (100.0, 200.0), "B": (100.0, 100.0), "C": (300.0, 150.0), "D": (50.0, 200.0),
         "E": (100.0, 400.0)}


def _frames():
    eps = []
    for f, (work, studies) in OUTCOMES.items():
        reasons = ["Arbete"] * work + ["Studier"] * studies
        eps += [episode(forbund=f, participant_id=f"{f}{i}", exit_reason=r)
                for i, r in enumerate(reasons)]
    rows = [socio("Samhället", rev, cost=cost, forbund=f) for f, (rev, cost) in SOCIO.items()]
    rows.append(socio("Kommunen", 10.0, cost=20.0, forbund="A"))
    return frames(episodes=eps, socioeconomic=rows)


FRAMES = _frames()


def plain(values: list[float], own: float | None) -> dict:
    """The statistics as the statistics module gives them, and the rank of `own`."""
    q = statistics.quantiles(values, n=4, method="inclusive")
    return {"n": len(values), "mean": statistics.mean(values),
            "median": statistics.median(values), "min": min(values), "max": max(values),
            "p25": q[0], "p75": q[2],
            "rank": None if own is None else 1 + sum(v > own for v in values)}


def stats_of(c) -> dict:
    return {k: getattr(c, k) for k in ("n", "mean", "median", "min", "max", "p25", "p75",
                                       "rank")}


@pytest.mark.parametrize("values", [
    [1, 2, 3, 4, 5],
    [0.1, 0.15, 0.2, 0.21, 0.25, 0.3],
    [7, 7, 7, 7, 7],
    [-3.5, 10.0, 2.25, 2.25, 100.0, 0.0, 8.0],
    [round(random.Random(seed).uniform(-50, 50), 3) for seed in range(23)],
])
def test_statistics_equal_the_statistics_module(values):
    per_unit = {f"u{i}": v for i, v in enumerate(values)}
    c = summarise("share_work", per_unit, "u2", 1)
    assert stats_of(c) == pytest.approx(plain(values, values[2]))
    assert [v for _, v in c.values] == sorted(values)


def test_ties_rank_alike_and_the_next_rank_skips():
    per_unit = {"a": 9, "b": 9, "c": 7, "d": 5}
    assert [summarise("k", per_unit, u, 1).rank for u in "abcd"] == [1, 1, 3, 4]


def test_missing_and_nan_take_no_part():
    c = summarise("k", {"a": 1.0, "b": None, "c": math.nan, "d": 3.0}, "b", 1)
    assert (c.n, c.mean, c.value, c.rank) == (2, 2.0, None, None)


def test_a_single_value_is_its_own_quartiles():
    c = summarise("k", {"a": 4.0}, "a", 1)
    assert (c.p25, c.median, c.p75, c.rank) == (4.0, 4.0, 4.0, 1)


def test_forbund_comparison_is_the_plain_computation_over_shown_values():
    c = compare(FRAMES, selection(forbund=("D",)), min_units=5)
    assert c.own == "D" and c.units == ("A", "B", "C", "D", "E", "F")
    # F has 2 episodes: below the threshold every episode KPI is hidden, so F takes no part
    shares = {"A": 0.5, "B": 1.0, "C": 0.0, "D": 0.5, "E": 0.25}
    work = c.kpis["share_work"]
    assert stats_of(work) == pytest.approx(plain(list(shares.values()), 0.5))
    assert work.value == 0.5 and work.rank == 2 and work.direction == "higher"
    assert work.values == (("C", 0.0), ("E", 0.25), ("A", 0.5), ("D", 0.5), ("B", 1.0))
    assert work.hidden == (("F", "too_few"),) and work.disclosure is None
    ended = c.kpis["ended"]  # D and E both have the most (20): both rank 1, A and B 3
    assert stats_of(ended) == pytest.approx(plain([10, 10, 5, 20, 20], 20))
    assert ended.rank == 1 and ended.direction == "neutral"
    assert compare(FRAMES, selection(forbund=("A",))).kpis["ended"].rank == 3
    assert c.kpis["share_dropout"].direction == "lower"


def test_the_own_unit_hidden_still_gets_the_statistics_of_the_others():
    c = compare(FRAMES, selection(forbund=("F",)), min_units=5)
    work = c.kpis["share_work"]
    assert (work.value, work.rank, work.disclosure, work.n) == (None, None, "too_few", 5)
    assert work.mean == pytest.approx(statistics.mean([0.5, 1.0, 0.0, 0.5, 0.25]))


def test_threshold_zero_lets_every_unit_take_part():
    c = compare(FRAMES, selection(forbund=("F",)), threshold=0, min_units=5)
    assert c.kpis["share_work"].n == 6 and c.kpis["share_work"].value == 1.0
    assert c.kpis["ended"].hidden == ()


def test_below_min_units_only_n_and_the_own_value_remain():
    c = compare(FRAMES, selection(forbund=("D",)), min_units=6)
    work = c.kpis["share_work"]
    assert (work.n, work.value) == (5, 0.5)
    assert stats_of(work) == {"n": 5, "mean": None, "median": None, "min": None, "max": None,
                              "p25": None, "p75": None, "rank": None}
    assert work.values == ()


def test_per_actor_kpis_are_compared_per_actor():
    c = compare(FRAMES, selection(forbund=("A",)), min_units=5)
    payback = c.kpis["payback_months.Samhället"]
    months = [cost / rev * 12 for rev, cost in SOCIO.values()]
    assert stats_of(payback) == pytest.approx(plain(months, 24.0))
    assert payback.value == 24.0 and payback.direction == "lower"
    assert c.kpis["payback_months.Kommunen"].n == 1  # only A has Kommunen
    assert c.kpis["payback_months.Kommunen"].mean is None
    assert "payback_months" not in c.kpis and "volume" not in c.kpis
    assert not any(k.endswith("_target") for k in c.kpis)


def test_every_scalar_registry_kpi_is_compared_with_its_direction():
    c = compare(FRAMES, selection(forbund=("A",)))
    scalar = [k.key for k in KPIS if not k.per_actor and k.family is not Family.VOLUME]
    assert [k for k in c.kpis if "." not in k] == scalar
    assert all(c.kpis[k].direction == str(BY_KEY[k.split(".")[0]].direction) for k in c.kpis)


def test_grupp_is_dropped_it_belongs_to_one_insats():
    sel = selection(forbund=("A",))
    assert unit_selection(selection(forbund=("A",), grupp="X"), "forbund", "B") == \
        unit_selection(sel, "forbund", "B")
    assert compare(FRAMES, selection(forbund=("A",), grupp="X")) == compare(FRAMES, sel)


def test_units_limit_the_forbund_compared():
    c = compare(FRAMES, selection(forbund=("A",)), units=["A", "B", "C"], min_units=1)
    assert c.units == ("A", "B", "C") and c.kpis["ended"].n == 3


def test_insats_comparison_names_each_insats_and_has_no_own_value():
    eps = [episode(insats=i, participant_id=f"{i}{n}", exit_reason=r)
           for i, reasons in {"Steget": ["Arbete"] * 6, "Vägen": ["Studier"] * 5,
                              "Litet": ["Arbete"] * 2}.items()
           for n, r in enumerate(reasons)]
    fr = frames(episodes=eps + [episode(forbund="Annat", participant_id="x")])
    c = compare(fr, selection(), "insats", min_units=10)
    assert c.by == "insats" and c.own is None and c.units == ("Litet", "Steget", "Vägen")
    ended = c.kpis["ended"]
    assert ended.value is None and ended.rank is None
    assert ended.n == 2 and ended.mean == 5.5  # min_units does not hide insatser
    assert ended.values == (("Vägen", 5), ("Steget", 6))
    assert ended.hidden == (("Litet", "too_few"),)  # 2 episodes: below the threshold
    assert compare(fr, selection(insatser=("Steget",)), "insats").units == ("Steget",)


def test_to_json_names_units_only_when_asked_or_for_insatser():
    c = compare(FRAMES, selection(forbund=("D",)))
    out = c.to_json()
    assert set(out) == {"by", "n_units", "kpis", "values"}
    assert (out["by"], out["n_units"]) == ("forbund", 6)
    assert set(out["kpis"]["share_work"]) == {"value", "n", "mean", "median", "min", "max",
                                              "p25", "p75", "rank", "direction"}
    assert out["values"]["share_work"] == [0.0, 0.25, 0.5, 0.5, 1.0]
    assert out["values"]["payback_months.Samhället"] == sorted(
        cost / rev * 12 for rev, cost in SOCIO.values())
    named = c.to_json(names=True)["values"]["share_work"]
    assert named[0] == {"unit": "C", "value": 0.0}
    ins = Comparison("insats", None, ("X",), 5, {"k": summarise("k", {"X": 1.0}, None, 1)})
    assert ins.to_json()["values"] == {"k": [{"unit": "X", "value": 1.0}]}


def test_unknown_comparison_is_refused():
    with pytest.raises(ValueError, match="Okänd jämförelse"):
        compare(FRAMES, selection(forbund=("A",)), "grupp")


# The demo database: every unit's value is what `finsam kpi` computes for it ---------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from dashboard.cli import main

    url = f"sqlite:///{tmp_path_factory.mktemp('compare') / 'demo.db'}"
    assert main(["--db", url, "demo"]) == 0
    engine = make_engine(url)
    try:
        yield load_frames(engine)
    finally:
        engine.dispose()


def _same(got, want) -> bool:
    if isinstance(want, float) and isinstance(got, float):
        return math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12)
    return got == want


def _assert_same_as_compute_kpis(frames, sel, by, threshold=5):
    results = unit_results(frames, sel, by, threshold=threshold)
    assert list(results) == list(default_units(frames, sel, by)) and results
    comparison = compare(frames, sel, by, threshold=threshold, min_units=1)
    for unit, got in results.items():
        want = suppress_kpis(compute_kpis(frames, unit_selection(sel, by, unit)), threshold)
        for kpi in KPIS:
            if kpi.family is Family.VOLUME:
                continue
            assert _same(got.values[kpi.key], want.values[kpi.key]), (unit, kpi.key)
            if kpi.per_actor:
                for actor, v in (want.values[kpi.key] or {}).items():
                    shown = dict(comparison.kpis[f"{kpi.key}.{actor}"].values)
                    assert _same(shown.get(unit), v), (unit, kpi.key, actor)
            else:
                assert _same(dict(comparison.kpis[kpi.key].values).get(unit),
                             want.values[kpi.key]), (unit, kpi.key)
        assert _scalar(got.disclosure) == _scalar(want.disclosure), unit
        # what was used (periods, as-of dates, sources); the targets add their own
        assert got.meta == {k: want.meta.get(k) for k in got.meta}, unit


def _scalar(disclosure: dict) -> dict:
    return {k: v for k, v in disclosure.items() if not k.startswith("volume")}


def _demo_forbund(frames) -> str:
    return sorted(frames["episodes"]["forbund"].unique())[0]


@pytest.mark.parametrize(("period", "filters", "by"), [
    ((date(2024, 1, 1), date(2024, 12, 31)), {}, "forbund"),
    ((date(2023, 1, 1), date(2023, 12, 31)), {"kon": ("Kvinna",)}, "forbund"),
    ((date(2024, 1, 1), date(2024, 6, 30)),
     {"remittent": ("Försäkringskassan",), "aldersgrupp": ("30-44",)}, "forbund"),
    ((date(2024, 1, 1), date(2024, 12, 31)), {}, "insats"),
    ((date(2023, 7, 1), date(2024, 6, 30)), {"kon": ("Man",)}, "insats"),
])
def test_each_unit_equals_compute_kpis_on_the_demo(demo, period, filters, by):
    sel = selection(forbund=(_demo_forbund(demo),), date_from=period[0], date_to=period[1],
                    **filters)
    _assert_same_as_compute_kpis(demo, sel, by)


def test_prepared_frames_and_no_threshold_give_the_same(demo):
    sel = selection(forbund=(_demo_forbund(demo),), year=2024, kon=("Kvinna",))
    _assert_same_as_compute_kpis(prepare(demo), sel, "forbund", threshold=0)


def test_a_forbund_without_episodes_in_the_period_gets_what_compute_kpis_gives(demo):
    # 1990 has no episodes: counts are 0 for förbund with episodes, as `finsam kpi` says
    sel = selection(forbund=(_demo_forbund(demo),), year=1990)
    _assert_same_as_compute_kpis(demo, sel, "forbund")
    extra = dict(demo, insatser=pl.concat([demo["insatser"], demo["insatser"].head(1)
                                           .with_columns(forbund=pl.lit("Tomt förbund"))]))
    sel = selection(forbund=("Tomt förbund",), year=2024)
    _assert_same_as_compute_kpis(extra, sel, "forbund")
    assert compare(extra, sel).kpis["started"].value is None


def test_compare_each_equals_compare_of_each_and_shares_the_small_tables(demo, monkeypatch):
    # the module: `metrics.compare` is also the function the package exports
    compare_module = importlib.import_module("metrics.compare")
    own = _demo_forbund(demo)
    total = selection(forbund=(own,), year=2024, remittent=("Försäkringskassan",))
    sels = [total, dataclasses.replace(total, kon=("Kvinna",)),
            dataclasses.replace(total, kon=("Man",)),
            selection(forbund=(own,), year=2023)]  # another period shares nothing
    one_by_one = [compare(demo, s) for s in sels]
    calls = []
    small_values = compare_module._small_values
    monkeypatch.setattr(compare_module, "_small_values",
                        lambda frames, sel, *a: calls.append(sel) or small_values(frames, sel, *a))
    together = compare_each(demo, sels)
    assert together == one_by_one
    # Kvinnor and Män reuse Totalt's small tables, read without participant filters
    assert calls == [sels[0].without_participant_filters(), sels[3]]
    for comparison, sel in zip(together, sels, strict=True):
        assert comparison.own_result == unit_results(demo, sel)[own]
    # NNS is read per Kön (its Kvinnor/Män rows), not shared
    nns = {c.own_result.meta["nns_sex"] for c in together[:3]}
    assert nns == {"Samtliga", "Kvinnor", "Män"}


def test_shared_values_kept_from_an_earlier_call_give_the_same_comparison(demo, monkeypatch):
    own = _demo_forbund(demo)
    earlier = selection(forbund=(own,), year=2024, remittent=("Försäkringskassan",))
    kept = shared_values(demo, earlier)
    other_year = shared_values(demo, selection(forbund=(own,), year=2023))
    insatser = shared_values(demo, earlier, "insats")
    now = [dataclasses.replace(earlier, remittent=("Kommun",), kon=k)
           for k in ((), ("Kvinna",))]
    expected = [compare(demo, s) for s in now]
    compare_module = importlib.import_module("metrics.compare")
    monkeypatch.setattr(compare_module, "_small_values", None)  # must not be needed
    assert compare_each(demo, now, shared=[other_year, kept]) == expected
    assert kept.fits(now[1], "forbund", kept.units)
    assert not other_year.fits(now[1], "forbund", kept.units)
    # over förbund the own one plays no part; over insatser it does (its insatser)
    another = next(u for u in kept.units if u != own)
    assert kept.fits(dataclasses.replace(now[1], forbund=(another,)), "forbund", kept.units)
    assert insatser.fits(now[1], "insats", insatser.units)
    assert not insatser.fits(dataclasses.replace(now[1], forbund=(another,)), "insats",
                             insatser.units)
