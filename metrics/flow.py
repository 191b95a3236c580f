"""Participant flow (KPI.md "Participant flow"): counts of episodes in the period."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.expressions import active_at, count, ended_in, outcome_is, overlaps, started_in

KEYS = ("started", "ended", "dropped_out", "completed", "active_at_end",
        "participants_in_period")


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """Aggregate expressions for every flow KPI; a count is the base it rests on itself.

    `completed` = ended − dropped_out, so an ended episode without a valid exit reason counts
    as completed in no outcome group.
    """
    ended = ended_in(frm, to)
    dropped = count(ended & outcome_is("dropout"))
    return {
        "started": count(started_in(frm, to)),
        "ended": count(ended),
        "dropped_out": dropped,
        "completed": count(ended) - dropped,
        "active_at_end": count(active_at(to)),
        "participants_in_period": count(overlaps(frm, to)),
    }


#: KPI -> the count its disclosure rests on (counts rest on themselves).
BASES = {k: k for k in KEYS}
