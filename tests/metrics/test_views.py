"""Breakdowns and trends."""

from datetime import date

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from metrics.engine import compute_kpis
from metrics.views import breakdown, trend
from tests.metrics.factories import (
    budget_line,
    episode,
    frames,
    insats,
    open_episode,
    random_episodes,
    selection,
)


def small():
    return frames(episodes=[
        episode(participant_id="a", sex="Kvinna", age_at_start=25),
        episode(participant_id="b", sex="Kvinna", exit_reason="Avbrott – ohälsa", age_at_start=50),
        episode(participant_id="c", sex="Man", exit_reason="Studier", age_at_start=None),
        open_episode(participant_id="d", sex="Man", insats="Vägen", start_date=date(2022, 5, 1)),
    ], insatser=[insats(capacity_fye=2.0), insats(insats="Vägen", capacity_fye=1.0)],
        budget_lines=[budget_line("A", 100, 80), budget_line("A", 50, 10, insats="Vägen")])


def test_breakdown_by_kon_has_kpis_and_denominators():
    got = breakdown(small(), selection(), ["started", "share_work", "share_dropout"], "kon")
    expected = pl.DataFrame({"kon": ["Kvinna", "Man"], "started": [2, 1],
                             "share_work": [1.0, 0.0], "share_dropout": [0.5, 0.0],
                             "completed": [1, 1], "ended": [2, 1]})
    assert_frame_equal(got, expected)


def test_breakdown_by_aldersgrupp_keeps_unknown_age_last():
    got = breakdown(small(), selection(), ["participants_in_period"], "aldersgrupp")
    assert got.rows() == [("16-29", 1), ("30-44", 1), ("45-59", 1), (None, 1)]


def test_breakdown_by_insats_allows_capacity_and_budget():
    got = breakdown(small(), selection(), ["fye_used", "occupancy", "utilisation"], "insats")
    assert got["insats"].to_list() == ["Steget", "Vägen"]
    assert got["occupancy"].to_list() == pytest.approx([(242 + 242 + 242) / 365 / 2, 1.0])
    assert got["utilisation"].to_list() == pytest.approx([0.8, 0.2])


def test_breakdown_rejects_what_cannot_be_split():
    with pytest.raises(ValueError, match="per kon"):
        breakdown(small(), selection(), ["budget"], "kon")
    with pytest.raises(ValueError, match="Okända"):
        breakdown(small(), selection(), ["nope"], "kon")


def test_breakdown_groups_add_up_to_the_total():
    fr = frames()
    fr["episodes"] = random_episodes(400, forbund=1)
    sel = selection(2020, forbund=("Förbund 0",))
    total = compute_kpis(fr, sel).values
    for by in ("kon", "remittent", "aldersgrupp", "insats", "forsorjning_fore", "grupp"):
        t = breakdown(fr, sel, ["started", "ended", "participant_days"], by)
        assert t["started"].sum() == total["started"], by
        assert t["participant_days"].sum() == total["participant_days"], by


def test_trend_quarters_sum_to_the_year_and_cover_history():
    fr = frames()
    fr["episodes"] = random_episodes(300, forbund=1, first=date(2021, 3, 1), days=900)
    sel = selection(2022, forbund=("Förbund 0",))
    q = trend(fr, sel, ["participant_days", "started", "share_work"], "quarter")
    y = trend(fr, sel, ["participant_days", "started"], "year")
    assert q["period"].to_list()[0] == "2021-Q1" and q["period"].to_list()[-1] == "2022-Q4"
    assert y["period"].to_list() == ["2021", "2022"]
    in_2022 = q.filter(pl.col("date_from") >= date(2022, 1, 1))
    assert in_2022["participant_days"].sum() == y.filter(period="2022")["participant_days"].item()
    assert in_2022["started"].sum() == compute_kpis(fr, sel).values["started"]
    assert q.columns == ["period", "date_from", "date_to", "participant_days", "started",
                         "share_work", "participants_in_period", "completed"]


def test_trend_with_followup_keys():
    fr = small()
    t = trend(fr, selection(), ["followup_coverage_6m", "share_work_6m"], "half")
    assert t["period"].to_list() == ["2022H1", "2022H2", "2023H1", "2023H2"]
    assert t["followup_coverage_6m"].to_list() == [None, None, None, 0.0]  # ended 2023-09-30
