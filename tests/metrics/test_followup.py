from datetime import date

import pytest

from metrics.engine import compute_kpis
from tests.metrics.factories import episode, followup, frames, selection

REHAB = "Fortsatt arbetslivsinriktad rehabilitering"


def test_followup_shares_and_coverage():
    start = date(2023, 2, 1)
    eps = [episode(participant_id=p, exit_reason=r) for p, r in
           [("a", "Arbete"), ("b", "Studier"), ("c", REHAB), ("d", "Avbrott – ohälsa"),
            ("e", "Arbete")]]
    fus = [followup("a", 6, "Arbete", start_date=start), followup("b", 6, "Arbete"),
           followup("c", 6, REHAB), followup("d", 6, "Studier"), followup("a", 12, "Okänd"),
           followup("zz", 6, "Arbete")]  # no such episode: ignored
    v = compute_kpis(frames(episodes=eps, followups=fus), selection()).values
    assert v["followed_up_6m"] == 4
    assert v["share_work_6m"] == pytest.approx(2 / 4)
    assert v["share_studies_6m"] == pytest.approx(1 / 4)
    assert v["share_rehab_6m"] == pytest.approx(1 / 4)
    assert v["followup_coverage_6m"] == pytest.approx(3 / 4)  # a, b, c of 4 completed
    assert v["followed_up_12m"] == 1 and v["share_work_12m"] == 0.0
    assert v["followed_up_24m"] == 0 and v["share_work_24m"] is None
    assert v["followup_coverage_24m"] == 0.0


def test_followups_of_episodes_ended_in_other_periods_do_not_count():
    eps = [episode(participant_id="old", end_date=date(2022, 12, 31),
                   start_date=date(2022, 1, 1))]
    fus = [followup("old", 6, "Arbete", start_date=date(2022, 1, 1))]
    v = compute_kpis(frames(episodes=eps, followups=fus), selection()).values
    assert v["followed_up_6m"] == 0 and v["share_work_6m"] is None
