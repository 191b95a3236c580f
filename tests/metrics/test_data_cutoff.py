"""The data's cut-off: the end of the quarter of the latest episode date up to today."""

from datetime import date

import pytest

from metrics.periods import data_cutoff, partly_reported
from tests.metrics.factories import episode, frame, open_episode

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(("start", "end", "today", "cutoff"), [
    # The latest date's quarter is over: reported through its end.
    (date(2026, 2, 3), date(2026, 8, 14), TODAY, date(2026, 9, 30)),
    (date(2026, 9, 30), None, TODAY, date(2026, 9, 30)),  # a start counts as much as an end
    (date(2025, 3, 1), date(2025, 12, 31), TODAY, date(2025, 12, 31)),
    (date(2026, 7, 1), date(2026, 7, 1), date(2026, 10, 1), date(2026, 9, 30)),
    # Its quarter is still running: the latest date itself.
    (date(2026, 2, 3), date(2026, 11, 2), TODAY, date(2026, 11, 2)),
    (date(2026, 2, 3), date(2026, 9, 29), date(2026, 9, 29), date(2026, 9, 29)),
    # A date after today (a planned Slutdatum) is not reported yet.
    (date(2026, 2, 3), date(2026, 12, 31), TODAY, date(2026, 3, 31)),
    (date(2026, 10, 3), date(2027, 3, 31), TODAY, date(2026, 10, 3)),
])
def test_cutoff_is_the_quarter_end_of_the_latest_date_up_to_today(start, end, today, cutoff):
    row = open_episode(start_date=start) if end is None else episode(start_date=start,
                                                                      end_date=end)
    eps = frame("episodes", [episode(start_date=date(2024, 5, 5), end_date=date(2024, 6, 1)),
                             row])
    assert data_cutoff(eps, today) == cutoff


def test_no_reported_date_means_no_cutoff():
    assert data_cutoff(frame("episodes"), TODAY) is None
    future = frame("episodes", [episode(start_date=date(2027, 1, 4), end_date=date(2027, 2, 1))])
    assert data_cutoff(future, TODAY) is None


@pytest.mark.parametrize(("frm", "to", "cutoff", "partly"), [
    (date(2026, 1, 1), date(2026, 12, 31), date(2026, 9, 30), True),
    (date(2026, 7, 1), date(2026, 12, 31), date(2026, 9, 30), True),
    (date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 30), False),  # ends on the cut-off
    (date(2026, 10, 1), date(2026, 12, 31), date(2026, 9, 30), False),  # wholly after it
    (date(2025, 1, 1), date(2025, 12, 31), date(2026, 9, 30), False),
    (date(2026, 1, 1), date(2026, 12, 31), date(2026, 12, 31), False),  # a whole year
    (date(2026, 1, 1), date(2026, 12, 31), None, False),
])
def test_partly_reported(frm, to, cutoff, partly):
    assert partly_reported(frm, to, cutoff) is partly
