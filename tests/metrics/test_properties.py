"""Invariants that must hold for any data (hypothesis)."""

from datetime import date, timedelta

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.contract import EXIT_REASONS, SEX
from metrics.disclosure import suppress_table
from metrics.engine import compute_kpis
from metrics.participants import participant_table
from metrics.periods import quarter_period, year_period
from metrics.selection import filter_episodes
from metrics.views import breakdown
from tests.metrics.factories import episode, frame, frames, selection

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FIRST = date(2022, 1, 1)

spans = st.lists(st.tuples(
    st.integers(0, 1100),  # start, days after 2022-01-01
    st.one_of(st.none(), st.integers(0, 500)),  # length, None = still open
    st.sampled_from(list(EXIT_REASONS)),
    st.sampled_from(SEX),
), max_size=30)


def build(rows) -> dict[str, pl.DataFrame]:
    eps = []
    for i, (offset, length, reason, sex) in enumerate(rows):
        start = FIRST + timedelta(days=offset)
        end = None if length is None else start + timedelta(days=length)
        eps.append(episode(participant_id=f"p{i}", start_date=start, end_date=end, sex=sex,
                           exit_reason=reason if end else None))
    out = frames()
    out["episodes"] = frame("episodes", eps)
    return out


@FAST
@given(spans)
def test_outcome_shares_of_completed_sum_to_one(rows):
    v = compute_kpis(build(rows), selection(2023)).values
    parts = [v["share_work"], v["share_studies"], v["share_rehab"], v["share_other"]]
    if not v["completed"]:
        assert all(p is None for p in parts)
    else:
        assert sum(parts) == pytest.approx(1.0)
        incl = (v["share_work_incl_dropouts"] + v["share_studies_incl_dropouts"]
                + v["share_rehab_incl_dropouts"] + v["share_dropout"])
        assert incl + v["share_other"] * v["completed"] / v["ended"] == pytest.approx(1.0)


def days(eps: pl.DataFrame, frm: date, to: date) -> int:
    return participant_table(eps, frame("followups"), frm, to)["participant_days"].item()


@FAST
@given(spans, st.sampled_from([2022, 2023, 2024]))
def test_quarters_participant_days_sum_to_the_year(rows, year):
    eps = build(rows)["episodes"]
    quarters = [days(eps, *quarter_period(year, q)) for q in (1, 2, 3, 4)]
    assert sum(quarters) == days(eps, *year_period(year))


@settings(FAST, max_examples=25)
@given(spans)
def test_kon_groups_add_up_to_all(rows):
    fr, sel = build(rows), selection(2023)
    total = compute_kpis(fr, sel).values
    by_sex = breakdown(fr, sel, ["started", "ended", "participants_in_period"], "kon")
    for key in ("started", "ended", "participants_in_period"):
        assert by_sex[key].sum() == (total[key] or 0)
    for key in ("started", "ended", "participants_in_period"):
        filtered = sum(participant_table(filter_episodes(fr["episodes"], selection(
            2023, kon=(s,))), fr["followups"], *sel.period)[key].item() for s in SEX)
        assert filtered == (total[key] or 0)


@FAST
@given(st.lists(st.integers(0, 60), min_size=1, max_size=12), st.integers(1, 10))
def test_suppressed_tables_show_no_small_count_and_no_lone_hidden_cell(counts, threshold):
    df = pl.DataFrame({"g": [str(i) for i in range(len(counts))], "n": counts})
    got = suppress_table(df, ["n"], [], None, threshold)
    shown = [n for n in got["n"].to_list() if n is not None]
    assert all(n == 0 or n >= threshold for n in shown)
    hidden = sum(s in ("small", "secondary") for s in got["n_status"].to_list())
    assert hidden != 1 or len(counts) == 1
