"""No count 1–4 and no share over fewer than 5 ever leaves the public display functions."""

from datetime import date

import polars as pl
import pytest

from metrics.public import (
    public_breakdown,
    public_distributions,
    public_income_flow,
    public_kpis,
    public_trend,
)
from metrics.registry import BY_KEY, Unit
from metrics.views import breakdown
from tests.metrics.factories import frames, random_episodes, selection

SHARES = ["share_work", "share_dropout", "throughput_months_median", "step_up_share",
          "public_support_years_mean"]
COUNTS = ["started", "ended", "completed", "dropped_out"]


def data(n=60, seed=3):
    fr = frames()
    fr["episodes"] = random_episodes(n, seed=seed, forbund=1, first=date(2022, 1, 1), days=700)
    return fr


def assert_no_small_counts(df: pl.DataFrame):
    for col in df.columns:
        if col.endswith("_status") or df.schema[col] not in (pl.Int64, pl.UInt32):
            continue
        small = df.filter(pl.col(col).is_between(1, 4))
        assert small.is_empty(), (col, small)


@pytest.mark.parametrize("seed", range(8))
def test_public_kpis_never_show_small_counts_or_shares_over_few(seed):
    r = public_kpis(data(40, seed), selection(2022, forbund=("Förbund 0",)))
    for key, value in r.values.items():
        kpi = BY_KEY.get(key)
        if kpi is None or value is None or kpi.per_actor:
            continue
        if kpi.unit is Unit.COUNT and not isinstance(value, dict):
            assert not 1 <= value <= 4, key
    for key, n in r.base_n.items():
        assert n is None or not 1 <= n <= 4, key


@pytest.mark.parametrize("by", ["kon", "remittent", "aldersgrupp", "insats", "forsorjning_fore"])
@pytest.mark.parametrize("seed", range(4))
def test_public_breakdown_is_safe(by, seed):
    fr, sel = data(50, seed), selection(2022, forbund=("Förbund 0",))
    t = public_breakdown(fr, sel, COUNTS + SHARES, by)
    raw = breakdown(fr, sel, COUNTS + SHARES, by)
    assert_no_small_counts(t)
    bases = {"share_work": "completed", "share_dropout": "ended", "step_up_share":
             "ended_with_steps", "throughput_months_median": "ended",
             "public_support_years_mean": "started_with_support_years"}
    for share, base in bases.items():
        over_few = raw[base].is_between(1, 4)
        assert t.filter(over_few & t[share].is_not_null()).is_empty(), share
    kpis = public_kpis(fr, sel)
    for col in COUNTS:
        hidden = (t[f"{col}_status"] != "shown") & (t[f"{col}_status"] != "missing")
        # a lone hidden cell is safe only when the KPI set beside it hides the total too
        assert hidden.sum() != 1 or col in kpis.suppressed, \
            f"{col}: a lone hidden cell is recoverable from the total"


def test_public_trend_distributions_and_income_flow_are_safe():
    fr, sel = data(80), selection(2022, forbund=("Förbund 0",))
    assert_no_small_counts(public_trend(fr, sel, COUNTS + SHARES, "quarter"))
    for name, df in public_distributions(fr, sel).items():
        assert_no_small_counts(df)
        tied = df.filter(pl.col("count").is_null() & pl.col("share").is_not_null())
        assert tied.is_empty(), name
        assert (df["count_status"].is_in(["small", "secondary"])).sum() != 1, name
    assert_no_small_counts(public_income_flow(fr, sel))


def test_pages_cannot_turn_disclosure_off():
    with pytest.raises(ValueError, match="kommandoraden"):
        public_kpis(data(), selection(), threshold=0)
