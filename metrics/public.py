"""What pages may show: every display function passes through disclosure control.

These are the only entry points a page should call. The threshold must be at least 1;
turning disclosure off (threshold 0) is possible only from the command line, which calls
`compute_kpis` and `suppress_kpis` directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from metrics import nns, participants
from metrics.capacity import BASES as CAPACITY_BASES
from metrics.disclosure import DEFAULT_THRESHOLD, suppress_kpis, suppress_table
from metrics.distributions import distributions, income_flow
from metrics.engine import compute_kpis
from metrics.registry import BY_KEY, Unit
from metrics.result import KpiResult
from metrics.selection import Selection
from metrics.socio_estimate import Assumptions
from metrics.views import By, bases_for, breakdown, trend


def _check(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("Röjandekontrollen kan bara stängas av från kommandoraden.")


def _is_count(col: str) -> bool:
    kpi = BY_KEY.get(col)
    return kpi.unit is Unit.COUNT if kpi else True  # helper bases are episode counts


def _safe(table: pl.DataFrame, keys: Sequence[str], threshold: int,
          total_shown: bool) -> pl.DataFrame:
    columns = [*keys, *bases_for(keys)]
    counts = [c for c in columns if _is_count(c)]
    bases = {k: participants.BASES.get(k) or CAPACITY_BASES.get(k) for k in keys}
    shares = [k for k in keys if k not in counts and bases[k]]
    return suppress_table(table, counts, shares, {k: b for k, b in bases.items() if b},
                          threshold, total_shown=total_shown)


def public_kpis(frames: Mapping[str, pl.DataFrame], sel: Selection,
                threshold: int = DEFAULT_THRESHOLD, *,
                assumptions: Assumptions | None = None) -> KpiResult:
    """`compute_kpis` with disclosure control applied."""
    _check(threshold)
    return suppress_kpis(compute_kpis(frames, sel, assumptions=assumptions), threshold)


def public_breakdown(frames: Mapping[str, pl.DataFrame], sel: Selection,
                     kpi_keys: Sequence[str], by: By,
                     threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`breakdown` with small cells hidden and secondary suppression (the total is shown)."""
    _check(threshold)
    return _safe(breakdown(frames, sel, kpi_keys, by), list(kpi_keys), threshold, True)


def public_trend(frames: Mapping[str, pl.DataFrame], sel: Selection,
                 kpi_keys: Sequence[str], freq: str,
                 threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`trend` with small cells hidden (periods are not parts of a shown total)."""
    _check(threshold)
    return _safe(trend(frames, sel, kpi_keys, freq), list(kpi_keys), threshold,  # type: ignore[arg-type]
                 False)


def public_distributions(frames: Mapping[str, pl.DataFrame], sel: Selection,
                         threshold: int = DEFAULT_THRESHOLD) -> dict[str, pl.DataFrame]:
    """`distributions` with small counts (and their shares) hidden, secondary included."""
    _check(threshold)
    return {name: suppress_table(df, ["count"], ["share"], None, threshold,
                                 share_of={"share": "count"})
            for name, df in distributions(frames, sel).items()}


def public_income_flow(frames: Mapping[str, pl.DataFrame], sel: Selection,
                       threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`income_flow` with flows of 1..threshold−1 hidden, secondary included."""
    _check(threshold)
    return suppress_table(income_flow(frames, sel), ["count"], [], None, threshold)


#: NNS shares hidden together with the answer count they rest on.
NNS_SHARES = ("nns_positive", "nns_clearly_positive", "nns_negative", "nns_neutral",
              "nns_response_rate", "nns_positive_change")


def public_nns_table(indicators: pl.DataFrame, sel: Selection,
                     threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`nns.nns_table` plus `nns_neutral` (1 − positive − negative), disclosure-controlled.

    Within a question and respondent group Kvinnor + Män = Samtliga, so answer counts are
    suppressed per such group with secondary suppression, and every share is hidden with
    its count. Sorted by indicator, question, respondent group and sex.
    """
    _check(threshold)
    table = nns.nns_table(indicators, sel).with_columns(
        nns_neutral=(1 - pl.col("nns_positive") - pl.col("nns_negative")).clip(0, 1))
    keys = ["indicator", "question", "respondent_group"]
    parts = [suppress_table(part, ["nns_n"], list(NNS_SHARES), "nns_n", threshold,
                            total_shown=True, share_of=dict.fromkeys(NNS_SHARES, "nns_n"))
             for _, part in table.group_by(keys)]
    out = pl.concat(parts) if parts else suppress_table(table, ["nns_n"], list(NNS_SHARES),
                                                          "nns_n", threshold)
    return out.sort(*keys, "sex")
