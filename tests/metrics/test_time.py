from datetime import date

import pytest

from metrics.engine import compute_kpis
from tests.metrics.factories import episode, frames, open_episode, selection


def test_throughput_counts_first_and_last_day():
    v = compute_kpis(frames(episodes=[
        episode(participant_id="a", start_date=date(2023, 1, 1), end_date=date(2023, 1, 30)),
        episode(participant_id="b", start_date=date(2022, 12, 1), end_date=date(2023, 3, 1)),
        episode(participant_id="c", start_date=date(2023, 1, 1), end_date=date(2023, 12, 31)),
        open_episode(participant_id="open", start_date=date(2023, 1, 1)),
    ]), selection()).values
    days = [30, 91, 365]
    assert v["throughput_months_mean"] == pytest.approx(sum(days) / 3 / 30.4375)
    assert v["throughput_months_median"] == pytest.approx(91 / 30.4375)


def test_public_support_mean_over_started_with_value():
    v = compute_kpis(frames(episodes=[
        episode(participant_id="a", public_support_years=2.0),
        episode(participant_id="b", public_support_years=5.0),
        episode(participant_id="c", public_support_years=None),
        episode(participant_id="old", public_support_years=40.0, start_date=date(2022, 1, 1)),
    ]), selection()).values
    assert v["public_support_years_mean"] == 3.5


def test_step_up_share_needs_both_steps():
    v = compute_kpis(frames(episodes=[
        episode(participant_id="up", step_start=2, step_end=5),
        episode(participant_id="same", step_start=3, step_end=3),
        episode(participant_id="down", step_start=4, step_end=2),
        episode(participant_id="unknown", step_start=None, step_end=6),
        open_episode(participant_id="open", step_start=1),
    ]), selection()).values
    assert v["ended_with_steps"] == 3 and v["step_up_share"] == pytest.approx(1 / 3)


def test_no_steps_gives_none():
    v = compute_kpis(frames(episodes=[episode(step_start=None, step_end=None)]),
                     selection()).values
    assert v["ended_with_steps"] == 0 and v["step_up_share"] is None
