"""Capacity: participant-days, full-year equivalents (årsplatser), occupancy and costs."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.expressions import Col, inline, overlap_days
from metrics.periods import period_days
from metrics.selection import Selection

KEYS = ("participant_days", "fye_used", "fye_capacity", "occupancy", "cost_per_fye",
        "cost_per_participant")
PARTICIPANT_KEYS = ("participant_days", "fye_used")


def parts(frm: date, to: date) -> dict[str, pl.Expr]:
    """Participant-days over the period (a sum over the episodes)."""
    return {"participant_days": overlap_days("start_date", "end_date", frm, to).sum()
            .cast(pl.Int64)}


def finish(c: Col, frm: date, to: date) -> dict[str, pl.Expr]:
    """Participant-days and used full-year equivalents over the period.

    One participant all of 2023 and one from 1 July give 365 + 184 = 549 days, 1.50 fye.
    """
    days = c("participant_days")
    return {"participant_days": days, "fye_used": days / period_days(frm, to)}


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """Aggregate expressions for participant-days and used full-year equivalents."""
    return inline(parts(frm, to), lambda c: finish(c, frm, to))


BASES = {"participant_days": "participants_in_period", "fye_used": "participants_in_period",
         "occupancy": "participants_in_period", "cost_per_fye": "participants_in_period",
         "cost_per_participant": "participants_in_period"}


def fye_capacity(insatser: pl.DataFrame, sel: Selection) -> float | None:
    """Σ Årsplatser of the selected insatser, each weighted by the share of the period it ran.

    An insats without Startdatum/Slutdatum runs the whole period; insatser without
    Årsplatser are left out; None when no selected insats has Årsplatser.
    """
    rows = insatser.filter(_with_capacity(sel))
    if rows.is_empty():
        return None
    return float(rows.select(_capacity_days(sel)).item()) / sel.days


def fye_capacity_by(insatser: pl.DataFrame, sel: Selection, by: str) -> dict[str, float]:
    """`fye_capacity` of every unit (value of `by`) of `sel` at once; None left out."""
    rows = insatser.filter(_with_capacity(sel)).group_by(by).agg(_capacity_days(sel))
    return {str(u): float(v) / sel.days for u, v in rows.iter_rows()}


def _with_capacity(sel: Selection) -> pl.Expr:
    pred = pl.col("forbund").is_in(list(sel.forbund)) & pl.col("capacity_fye").is_not_null()
    if sel.insatser:
        pred = pred & pl.col("insats").is_in(list(sel.insatser))
    return pred


def _capacity_days(sel: Selection) -> pl.Expr:
    """Σ Årsplatser × the days of the period each insats ran."""
    frm, to = sel.period
    ran = overlap_days(pl.col("start_date").fill_null(pl.lit(frm)), "end_date", frm, to)
    return (pl.col("capacity_fye") * ran).sum()


def _div(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


def derived(capacity: float | None, spent: float | None, fye_all: float | None,
            participants_all: int | None) -> dict[str, float | None]:
    """Occupancy and costs of the whole insatser.

    A capacity or a cost cannot be split by participant: a board that filters on women must
    not see a full insats as a failing one. Occupancy and costs divide by the unfiltered
    fye and participant counts (`*_all`); `fye_used` of the filtered participants is
    shown on its own.
    """
    return {
        "fye_capacity": capacity,
        "occupancy": _div(fye_all, capacity),
        "cost_per_fye": _div(spent, fye_all),
        "cost_per_participant": _div(spent, participants_all),
    }
