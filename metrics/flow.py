"""Participant flow (KPI.md "Participant flow"): counts of episodes in the period."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.expressions import (
    Col,
    active_at,
    count,
    ended_in,
    inline,
    outcome_is,
    overlaps,
    started_in,
)

KEYS = ("started", "ended", "dropped_out", "completed", "active_at_end",
        "participants_in_period")


def parts(frm: date, to: date) -> dict[str, pl.Expr]:
    """The counts the flow KPIs are made of (aggregations over the episodes)."""
    ended = ended_in(frm, to)
    return {
        "started": count(started_in(frm, to)),
        "ended": count(ended),
        "dropped_out": count(ended & outcome_is("dropout")),
        "active_at_end": count(active_at(to)),
        "participants_in_period": count(overlaps(frm, to)),
    }


def finish(c: Col, frm: date | None = None, to: date | None = None) -> dict[str, pl.Expr]:
    """Every flow KPI from the parts; a count is the base it rests on itself.

    `completed` = ended − dropped_out, so an ended episode without a valid exit reason counts
    as completed in no outcome group.
    """
    return {
        "started": c("started"),
        "ended": c("ended"),
        "dropped_out": c("dropped_out"),
        "completed": c("ended") - c("dropped_out"),
        "active_at_end": c("active_at_end"),
        "participants_in_period": c("participants_in_period"),
    }


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """Aggregate expressions for every flow KPI."""
    return inline(parts(frm, to), finish)


#: KPI -> the count its disclosure rests on (counts rest on themselves).
BASES = {k: k for k in KEYS}
