from datetime import date

import pytest

from metrics.engine import compute_kpis
from tests.metrics.factories import episode, frames, open_episode, selection


def kpis(*rows, **sel):
    return compute_kpis(frames(episodes=list(rows)), selection(**sel)).values


def test_flow_counts_exactly():
    v = kpis(
        episode(participant_id="a", start_date=date(2023, 1, 1), end_date=date(2023, 12, 31)),
        episode(participant_id="b", start_date=date(2022, 5, 1), end_date=date(2023, 3, 1),
                exit_reason="Avbrott – ohälsa"),
        open_episode(participant_id="c", start_date=date(2023, 12, 31)),
        open_episode(participant_id="d", start_date=date(2021, 1, 1)),
        episode(participant_id="e", start_date=date(2023, 6, 1), end_date=date(2024, 1, 10)),
        episode(participant_id="f", start_date=date(2022, 1, 1), end_date=date(2022, 12, 31)),
    )
    assert {k: v[k] for k in ("started", "ended", "dropped_out", "completed", "active_at_end",
                              "participants_in_period")} == {
        "started": 3, "ended": 2, "dropped_out": 1, "completed": 1, "active_at_end": 3,
        "participants_in_period": 5}


def test_episode_ending_on_the_last_day_is_not_active_at_end():
    v = kpis(episode(start_date=date(2023, 2, 1), end_date=date(2023, 12, 31)))
    assert v["ended"] == 1 and v["active_at_end"] == 0


def test_ended_without_valid_reason_counts_as_completed_in_no_group():
    v = kpis(episode(exit_reason=None, outcome_group=None))
    assert v["completed"] == 1 and v["share_work"] == 0.0 and v["share_other"] == 0.0


def test_participants_are_counted_once_per_episode():
    v = kpis(*(episode(participant_id="same", start_date=date(2023, m, 1),
                       end_date=date(2023, m, 20)) for m in (2, 5)))
    assert v["participants_in_period"] == 2


@pytest.mark.parametrize("key", ["started", "ended", "dropped_out", "completed", "active_at_end",
                                 "participants_in_period"])
def test_no_episode_data_at_all_gives_none_not_zero(key):
    assert kpis()[key] is None


def test_data_but_nothing_in_the_period_gives_zero_counts_and_none_shares():
    v = kpis(episode(start_date=date(2020, 1, 1), end_date=date(2020, 5, 1)))
    assert v["started"] == 0 and v["participants_in_period"] == 0
    assert v["share_work"] is None and v["throughput_months_mean"] is None
