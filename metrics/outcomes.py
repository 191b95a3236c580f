"""Outcome shares (KPI.md "Outcome shares"), on both bases: completed and ended."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.expressions import Col, count, ended_in, inline, outcome_is, share

TOWARDS_WORK = ("work", "studies", "rehab")
GROUPS = (*TOWARDS_WORK, "other")
KEYS = (
    *(f"share_{g}" for g in GROUPS),
    *(f"share_{g}_incl_dropouts" for g in TOWARDS_WORK),
    "share_dropout", "share_work_or_studies", "share_towards_work",
)


def _n(group: str) -> str:
    return f"_ended_{group}"


def parts(frm: date, to: date) -> dict[str, pl.Expr]:
    """Ended episodes, in all and per outcome group (aggregations over the episodes)."""
    ended = ended_in(frm, to)
    return {"ended": count(ended), "dropped_out": count(ended & outcome_is("dropout")),
            **{_n(g): count(ended & outcome_is(g)) for g in GROUPS}}


def finish(c: Col, frm: date | None = None, to: date | None = None) -> dict[str, pl.Expr]:
    """Every outcome share from the parts; null when the base is empty.

    An episode has one outcome group, so the episodes in several groups are the sum of
    each group's.
    """
    ended = c("ended")
    completed = ended - c("dropped_out")

    def n(*groups: str) -> pl.Expr:
        out = c(_n(groups[0]))
        for g in groups[1:]:
            out = out + c(_n(g))
        return out

    out = {f"share_{g}": share(n(g), completed) for g in GROUPS}
    out |= {f"share_{g}_incl_dropouts": share(n(g), ended) for g in TOWARDS_WORK}
    out["share_dropout"] = share(c("dropped_out"), ended)
    out["share_work_or_studies"] = share(n("work", "studies"), completed)
    out["share_towards_work"] = share(n(*TOWARDS_WORK), completed)
    return out


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """Aggregate expressions for every outcome share; null when the base is empty."""
    return inline(parts(frm, to), finish)


BASES = {k: ("ended" if "incl_dropouts" in k or k == "share_dropout" else "completed")
         for k in KEYS}
