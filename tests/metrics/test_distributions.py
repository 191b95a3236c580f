from datetime import date

import polars as pl
from polars.testing import assert_frame_equal

from metrics.distributions import MISSING, distributions, income_flow
from tests.metrics.factories import episode, frames, open_episode, selection


def data():
    return frames(episodes=[
        episode(participant_id="a", age_at_start=22, public_support_years=0.5,
                start_date=date(2023, 1, 1), end_date=date(2023, 3, 31)),  # 90 days
        episode(participant_id="b", age_at_start=35, public_support_years=12.0,
                start_date=date(2022, 1, 1), end_date=date(2023, 1, 31), exit_reason="Studier",
                income_after="Studiemedel"),
        open_episode(participant_id="c", age_at_start=None, education=None,
                     public_support_years=None, income_before=None),
    ])


def test_distributions_have_every_category_in_order():
    d = distributions(data(), selection())
    assert d["aldersgrupp"].rows() == [("16-29", 1, 1 / 3), ("30-44", 1, 1 / 3),
                                       ("45-59", 0, 0.0), ("60+", 0, 0.0), (MISSING, 1, 1 / 3)]
    assert d["offentlig_forsorjning"]["count"].to_list() == [1, 0, 0, 0, 1, 1]
    assert d["tid_i_insats"].rows() == [("0–3 mån", 1, 0.5), ("3–6 mån", 0, 0.0),
                                        ("6–12 mån", 0, 0.0), ("12–24 mån", 1, 0.5),
                                        ("24+ mån", 0, 0.0)]
    reasons = d["avslutsorsak"].filter(pl.col("count") > 0)
    assert reasons.rows() == [("Arbete", 1, 0.5), ("Studier", 1, 0.5)]
    assert d["utbildningsniva"].filter(category=MISSING)["count"].item() == 1


def test_empty_selection_gives_zero_counts_and_null_shares():
    d = distributions(frames(), selection())
    assert d["aldersgrupp"]["count"].sum() == 0
    assert d["aldersgrupp"]["share"].null_count() == 4


def test_income_flow_for_ended_episodes():
    got = income_flow(data(), selection())
    expected = pl.DataFrame({
        "income_before": ["Sjukpenning/rehabiliteringspenning"] * 2,
        "income_after": ["Lön", "Studiemedel"], "count": [1, 1]})
    assert_frame_equal(got, expected)
