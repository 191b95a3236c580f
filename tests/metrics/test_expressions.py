from datetime import date

import polars as pl
import pytest

from metrics.expressions import (
    DAYS_PER_MONTH,
    active_at,
    count,
    ended_in,
    overlap_days,
    overlaps,
    share,
    started_in,
)

Y23 = (date(2023, 1, 1), date(2023, 12, 31))


def spans(*pairs):
    return pl.DataFrame({"start_date": [p[0] for p in pairs], "end_date": [p[1] for p in pairs]},
                        schema={"start_date": pl.Date, "end_date": pl.Date})


@pytest.mark.parametrize(("start", "end", "days"), [
    (date(2023, 1, 1), date(2023, 12, 31), 365),  # exactly the year
    (date(2022, 6, 1), None, 365),  # open episode runs to the period's end
    (date(2023, 7, 1), date(2023, 12, 31), 184),
    (date(2023, 12, 31), None, 1),  # starts on the last day
    (date(2022, 1, 1), date(2023, 1, 1), 1),  # ends on the first day
    (date(2022, 1, 1), date(2022, 12, 31), 0),  # before the period
    (date(2024, 1, 1), None, 0),  # after the period
    (date(2023, 3, 5), date(2023, 3, 5), 1),  # one-day episode
])
def test_overlap_days_edges(start, end, days):
    assert spans((start, end)).select(overlap_days("start_date", "end_date", *Y23)).item() == days


def test_overlap_days_leap_year_has_366_days():
    frm, to = date(2024, 1, 1), date(2024, 12, 31)
    assert spans((date(2020, 1, 1), None)).select(
        overlap_days("start_date", "end_date", frm, to)).item() == 366


def test_share_is_null_on_empty_denominator_never_zero():
    df = pl.DataFrame({"x": [1, 0]})
    assert df.select(share(pl.col("x").sum(), pl.lit(0))).item() is None
    assert df.select(share(pl.col("x").sum(), pl.lit(None, pl.Int64))).item() is None
    assert df.select(share(pl.col("x").sum(), pl.len())).item() == 0.5


def test_predicates_on_period_edges():
    df = spans((date(2023, 1, 1), date(2023, 12, 31)), (date(2022, 5, 1), date(2023, 1, 1)),
               (date(2023, 12, 31), None), (date(2022, 1, 1), date(2022, 12, 31)))
    got = df.select(
        started=count(started_in(*Y23)), ended=count(ended_in(*Y23)),
        overlapping=count(overlaps(*Y23)), active=count(active_at(Y23[1])))
    assert got.row(0, named=True) == {"started": 2, "ended": 2, "overlapping": 3, "active": 1}


def test_months_constant_is_a_julian_month():
    assert DAYS_PER_MONTH * 12 == 365.25
