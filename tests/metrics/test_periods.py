from datetime import date

import pytest

from metrics.periods import (
    days_in_year,
    half_year_period,
    parse_period,
    period_days,
    period_label,
    periods_between,
    quarter_period,
    year_period,
)


def test_period_helpers():
    assert year_period(2023) == (date(2023, 1, 1), date(2023, 12, 31))
    assert half_year_period(2023, 2) == (date(2023, 7, 1), date(2023, 12, 31))
    assert quarter_period(2024, 1) == (date(2024, 1, 1), date(2024, 3, 31))
    assert quarter_period(2023, 4) == (date(2023, 10, 1), date(2023, 12, 31))
    assert days_in_year(2024) == 366 and days_in_year(2023) == 365
    assert period_days(*quarter_period(2024, 1)) == 91


@pytest.mark.parametrize("bad", [lambda: half_year_period(2023, 3),
                                 lambda: quarter_period(2023, 0)])
def test_period_helpers_reject_bad_numbers(bad):
    with pytest.raises(ValueError):
        bad()


def test_periods_between_and_labels():
    quarters = periods_between(date(2023, 2, 10), date(2023, 8, 1), "quarter")
    assert [period_label(f, "quarter") for f, _ in quarters] == ["2023-Q1", "2023-Q2", "2023-Q3"]
    halves = periods_between(date(2022, 12, 31), date(2023, 1, 1), "half")
    assert [period_label(f, "half") for f, _ in halves] == ["2022H2", "2023H1"]
    assert [period_label(f, "year") for f, _ in periods_between(
        date(2021, 5, 1), date(2023, 1, 1), "year")] == ["2021", "2022", "2023"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2023", (date(2023, 1, 1), date(2023, 12, 31))),
    ("2017H2", (date(2017, 7, 1), date(2017, 12, 31))),
    ("2023-h1", (date(2023, 1, 1), date(2023, 6, 30))),
    ("2023-Q2", (date(2023, 4, 1), date(2023, 6, 30))),
    ("2023q4", (date(2023, 10, 1), date(2023, 12, 31))),
    ("2023-03-31", (date(2023, 3, 31), date(2023, 3, 31))),
    ("2022-11-01–2023-10-31", (date(2022, 11, 1), date(2023, 10, 31))),
    ("2022-11-01 - 2023-10-31", (date(2022, 11, 1), date(2023, 10, 31))),
    ("höst 2023", None), ("2023-02-30", None), ("", None), (None, None),
])
def test_parse_period(text, expected):
    assert parse_period(text) == expected
