"""Text columns as Categorical (`metrics.prepare`) and the faster code paths give the same
results as the plain String frames and the one-pass expressions."""

import dataclasses
from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics import (
    breakdown,
    compute_kpis,
    distributions,
    filter_episodes,
    income_flow,
    participants,
    prepare,
    trend,
)
from metrics.expressions import overlaps
from metrics.followup import ended_with_followups, followup_table
from metrics.frames import CATEGORICAL, SCHEMAS, table
from metrics.selection import Selection, org_predicate, participant_predicate
from tests.metrics.factories import (
    FORBUND,
    episode,
    followup,
    frame,
    frames,
    random_episodes,
    selection,
    target,
)
from tests.metrics.golden_io import cases, load_frames, load_selection

KEYS = ["started", "share_work", "fye_used", "throughput_months_median", "followed_up_6m",
        "share_work_6m", "followup_coverage_6m", "step_up_share"]


def all_categorical(fr: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every text column of every table as Categorical (more than `prepare` does)."""
    return {name: df.with_columns(pl.col(c).cast(pl.Categorical)
                                  for c, t in df.schema.items() if t == pl.String)
            for name, df in fr.items()}


def random_frames(n: int = 400, seed: int = 7) -> dict[str, pl.DataFrame]:
    eps = random_episodes(n, seed=seed)
    ended = eps.filter(pl.col("end_date").is_not_null())
    fus = pl.concat([
        ended.gather_every(2).select("forbund", "insats", "participant_id", "start_date",
                                     months_after=pl.lit("6"), status=pl.lit("Arbete")),
        ended.gather_every(3).select("forbund", "insats", "participant_id", "start_date",
                                     months_after=pl.lit("12"), status=pl.lit("Studier")),
    ])
    out = frames()
    out["episodes"] = eps
    out["followups"] = fus.with_columns(income=pl.lit(None, pl.String)).select(
        list(SCHEMAS["followups"]))
    names = sorted(eps["forbund"].unique().to_list())
    out["targets"] = frame("targets", [
        target("share_work", 0.3, forbund=names[0], insats="Insats 1", year=2022),
        target("share_work_6m", 0.2, forbund=names[0], insats="Insats 2", year=2022),
        target("started", 40, forbund=names[1], insats="", year=2022),
    ])
    return out


def selections(fr: dict[str, pl.DataFrame]) -> list[Selection]:
    names = tuple(sorted(fr["episodes"]["forbund"].unique().to_list()))
    year = {"date_from": date(2022, 1, 1), "date_to": date(2022, 12, 31)}
    return [
        Selection(forbund=names[:1], **year),
        Selection(forbund=names, **year),
        Selection(forbund=names, **year, kon=("Kvinna",), aldersgrupp=("30-44",)),
        Selection(forbund=names[:2], insatser=("Insats 1", "Insats 2"), **year),
        Selection(forbund=names[:1], date_from=date(2019, 4, 1), date_to=date(2021, 6, 30),
                  remittent=("Försäkringskassan", "Kommun")),
    ]


def same_result(a, b) -> None:
    assert a.values == b.values
    assert a.base_n == b.base_n
    assert a.target_status == b.target_status
    assert a.missing_targets == b.missing_targets
    assert a.ignored_filters == b.ignored_filters
    assert repr(a.meta) == repr(b.meta)


@pytest.mark.parametrize("case", cases())
@pytest.mark.parametrize("convert", [prepare, all_categorical], ids=["prepare", "categorical"])
def test_golden_cases_are_the_same_on_categorical_frames(case, convert):
    fr, sel = load_frames(case), load_selection(case)
    same_result(compute_kpis(convert(fr), sel), compute_kpis(fr, sel))


@pytest.mark.parametrize("convert", [prepare, all_categorical], ids=["prepare", "categorical"])
def test_every_view_is_the_same_on_categorical_frames(convert):
    fr = random_frames()
    cat = convert(fr)
    for sel in selections(fr):
        same_result(compute_kpis(cat, sel), compute_kpis(fr, sel))
        for by in ("kon", "remittent", "aldersgrupp", "insats", "grupp", "forsorjning_fore"):
            assert_frame_equal(breakdown(cat, sel, KEYS, by), breakdown(fr, sel, KEYS, by))
        assert_frame_equal(trend(cat, sel, KEYS, "quarter"), trend(fr, sel, KEYS, "quarter"))
        got, want = distributions(cat, sel), distributions(fr, sel)
        assert got.keys() == want.keys()
        for name in want:
            assert_frame_equal(got[name], want[name])
        assert_frame_equal(income_flow(cat, sel), income_flow(fr, sel))


def test_prepare_makes_the_large_tables_categorical_and_completes_every_table():
    fr = random_frames()
    fr["episodes"] = fr["episodes"].drop("outcome_group", "notes", strict=False)
    out = prepare(fr)
    for name, cols in CATEGORICAL.items():
        assert all(out[name].schema[c] == pl.Categorical for c in cols)
    assert out["episodes"]["outcome_group"].cast(pl.String).to_list() == \
        table(fr, "episodes")["outcome_group"].to_list()
    assert out["episodes"]["participant_id"].dtype == pl.String
    assert out["targets"].equals(fr["targets"])
    assert table(out, "episodes") is out["episodes"]  # nothing left to do per call
    assert "unknown" not in out and prepare({"x": fr["episodes"]})["x"] is fr["episodes"]


def test_outcome_group_is_derived_from_a_categorical_exit_reason():
    eps = frame("episodes", [episode(participant_id="a"),
                             episode(participant_id="b", exit_reason="Tidigt avhopp")])
    cat = eps.drop("outcome_group").with_columns(pl.col("exit_reason").cast(pl.Categorical))
    got = compute_kpis({"episodes": cat}, selection())
    assert got.values == compute_kpis({"episodes": eps}, selection()).values
    assert got.values["dropped_out"] == 1


@pytest.mark.parametrize("which", ["episodes", "followups"])
def test_follow_up_joins_string_and_categorical_keys(which):
    fr = frames(episodes=[episode(participant_id="a"), episode(participant_id="b")],
                followups=[followup("a", 6, "Arbete"), followup("b", 6, "Studier"),
                           followup("b", 12, "Arbete")])
    mixed = {**fr, which: all_categorical(fr)[which]}
    assert compute_kpis(mixed, selection()).values == compute_kpis(fr, selection()).values


def test_follow_up_join_matches_the_whole_episode_key():
    # the same participant in two insatser and twice in one: only exact keys match
    eps = [episode(participant_id="p", insats="A"), episode(participant_id="p", insats="B"),
           episode(participant_id="p", insats="A", start_date=date(2022, 1, 1))]
    fus = [followup("p", 6, "Arbete", insats="A"),
           followup("p", 6, "Studier", insats="A", start_date=date(2022, 1, 1)),
           followup("p", 12, "Arbete", insats="C"),
           followup("p", 6, "Arbete", forbund="Annat förbund", insats="B")]
    e, f = frame("episodes", eps), frame("followups", fus)
    frm, to = date(2023, 1, 1), date(2023, 12, 31)
    joined = ended_with_followups(e, f, frm, to)
    assert sorted(joined.select("insats", "start_date", "months_after", "status").rows()) == [
        ("A", date(2022, 1, 1), "6", "Studier"), ("A", date(2023, 2, 1), "6", "Arbete")]
    full_key = (e.filter(pl.col("end_date").is_between(frm, to))
                .select("forbund", "insats", "participant_id", "start_date", "outcome_group")
                .join(f.select("forbund", "insats", "participant_id", "start_date",
                               "months_after", "status"),
                      on=["forbund", "insats", "participant_id", "start_date"]))
    assert_frame_equal(joined, full_key, check_row_order=False)
    assert followup_table(e, f, frm, to)["followed_up_6m"].item() == 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_step_aggregate_equals_the_one_pass_expressions(seed):
    eps = random_episodes(300, seed=seed)
    for frm, to in [(date(2021, 1, 1), date(2021, 12, 31)), (date(2019, 7, 1), date(2019, 9, 30)),
                    (date(2030, 1, 1), date(2030, 12, 31))]:
        exprs = participants.exprs(frm, to)
        assert_frame_equal(participants.aggregate(eps, frm, to), eps.select(**exprs))
        by = ["forbund", "insats"]
        assert_frame_equal(participants.aggregate(eps, frm, to, by).sort(by),
                           eps.group_by(by).agg(**exprs).sort(by))
        keys = ["share_rehab", "fye_used", "completed"]
        assert_frame_equal(participants.aggregate(eps, frm, to, keys=keys),
                           eps.select(**{k: exprs[k] for k in keys}))
    empty = eps.clear()
    assert_frame_equal(participants.aggregate(empty, frm, to),
                       empty.select(**participants.exprs(frm, to)))


def test_exprs_hands_out_a_fresh_dict():
    frm, to = date(2023, 1, 1), date(2023, 12, 31)
    participants.exprs(frm, to).clear()
    assert "started" in participants.exprs(frm, to)


@pytest.mark.parametrize("sel_kw", [
    {}, {"kon": ("Man",)}, {"insatser": ("Insats 1",)}, {"grupp": "G"},
    {"forbund": ("Förbund 0", "Förbund 2"), "utbildningsniva": ("Gymnasial",)},
])
def test_filter_episodes_keeps_the_rows_of_the_whole_predicate(sel_kw):
    eps = random_episodes(500, seed=5).with_columns(
        grupp=pl.when(pl.col("participant_id").str.ends_with("1")).then(pl.lit("G")))
    sel = dataclasses.replace(selection(2021, forbund=("Förbund 1",)), **sel_kw)
    pred = org_predicate(sel) & overlaps(sel.date_from, sel.date_to)
    if (pp := participant_predicate(sel)) is not None:
        pred = pred & pp
    assert_frame_equal(filter_episodes(eps, sel), eps.filter(pred))
    assert_frame_equal(filter_episodes(eps, sel, period=False, participant_filters=False),
                       eps.filter(org_predicate(sel)))


def test_targets_weigh_insatser_the_same_whatever_the_number_of_forbund():
    fr = random_frames(800, seed=11)
    names = tuple(sorted(fr["episodes"]["forbund"].unique().to_list()))
    rows = [target("share_work", 0.1 * (i + 1), forbund=f, insats=f"Insats {i}", year=2022)
            for f in names for i in range(3)]
    fr["targets"] = frame("targets", rows + [target("started", 10, forbund=FORBUND)])
    sel = Selection(forbund=names, date_from=date(2022, 1, 1), date_to=date(2022, 12, 31))
    got = compute_kpis(fr, sel)
    # by hand: weights are each insats' completed episodes in the period
    per = participants.participant_table(filter_episodes(fr["episodes"], sel),
                                         fr["followups"], *sel.period, by=["forbund", "insats"])
    w = {(f, i): c for f, i, c in per.select("forbund", "insats", "completed").iter_rows()}
    given = {(r["forbund"], r["insats"]): r["target_value"] for r in rows}
    expected = sum(w[u] * v for u, v in given.items()) / sum(w[u] for u in given)
    assert got.values["share_work_target"] == pytest.approx(expected)
    assert got.missing_targets["share_work"] == tuple(
        f"{f}: Insats 3" for f in names if (f, "Insats 3") in w)
