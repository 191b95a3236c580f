"""Time and progression (KPI.md "Time and progression")."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.expressions import (
    DAYS_PER_MONTH,
    Col,
    count,
    ended_in,
    episode_days,
    inline,
    mean_over,
    median_over,
    share,
    started_in,
)

KEYS = ("throughput_months_mean", "throughput_months_median", "public_support_years_mean",
        "step_up_share", "ended_with_steps")
#: Helper counts computed beside the KPIs, used as disclosure bases.
N_PUBLIC_SUPPORT = "started_with_support_years"
_STEPPED_UP = "_stepped_up"


def parts(frm: date, to: date) -> dict[str, pl.Expr]:
    """Means, medians and counts over the episodes the time KPIs are made of.

    Throughput counts both the first and the last day (Slutdatum − Startdatum + 1) and
    converts with 30.4375 days per month. Public-support years average the episodes started
    in the period that report it; step-up compares stages where both are given.
    """
    ended = ended_in(frm, to)
    months = episode_days() / DAYS_PER_MONTH
    support = pl.col("public_support_years")
    started_with_support = started_in(frm, to) & support.is_not_null()
    with_steps = ended & pl.col("step_start").is_not_null() & pl.col("step_end").is_not_null()
    return {
        "throughput_months_mean": mean_over(months, ended),
        "throughput_months_median": median_over(months, ended),
        "public_support_years_mean": mean_over(support, started_with_support),
        N_PUBLIC_SUPPORT: count(started_with_support),
        _STEPPED_UP: count(with_steps & (pl.col("step_end") > pl.col("step_start"))),
        "ended_with_steps": count(with_steps),
    }


def finish(c: Col, frm: date | None = None, to: date | None = None) -> dict[str, pl.Expr]:
    """The time KPIs from the parts."""
    return {
        "throughput_months_mean": c("throughput_months_mean"),
        "throughput_months_median": c("throughput_months_median"),
        "public_support_years_mean": c("public_support_years_mean"),
        N_PUBLIC_SUPPORT: c(N_PUBLIC_SUPPORT),
        "step_up_share": share(c(_STEPPED_UP), c("ended_with_steps")),
        "ended_with_steps": c("ended_with_steps"),
    }


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """Aggregate expressions for the time KPIs."""
    return inline(parts(frm, to), finish)


BASES = {
    "throughput_months_mean": "ended",
    "throughput_months_median": "ended",
    "public_support_years_mean": N_PUBLIC_SUPPORT,
    "step_up_share": "ended_with_steps",
    "ended_with_steps": "ended_with_steps",
}
