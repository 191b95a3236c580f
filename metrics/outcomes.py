"""Outcome shares (KPI.md "Outcome shares"), on both bases: completed and ended."""

from __future__ import annotations

from datetime import date

import polars as pl

from metrics.expressions import count, ended_in, outcome_is, share

TOWARDS_WORK = ("work", "studies", "rehab")
KEYS = (
    *(f"share_{g}" for g in (*TOWARDS_WORK, "other")),
    *(f"share_{g}_incl_dropouts" for g in TOWARDS_WORK),
    "share_dropout", "share_work_or_studies", "share_towards_work",
)


def exprs(frm: date, to: date) -> dict[str, pl.Expr]:
    """Aggregate expressions for every outcome share; null when the base is empty."""
    ended_pred = ended_in(frm, to)
    ended = count(ended_pred)
    completed = ended - count(ended_pred & outcome_is("dropout"))

    def n(*groups: str) -> pl.Expr:
        return count(ended_pred & outcome_is(*groups))

    out = {f"share_{g}": share(n(g), completed) for g in (*TOWARDS_WORK, "other")}
    out |= {f"share_{g}_incl_dropouts": share(n(g), ended) for g in TOWARDS_WORK}
    out["share_dropout"] = share(n("dropout"), ended)
    out["share_work_or_studies"] = share(n("work", "studies"), completed)
    out["share_towards_work"] = share(n(*TOWARDS_WORK), completed)
    return out


BASES = {k: ("ended" if "incl_dropouts" in k or k == "share_dropout" else "completed")
         for k in KEYS}
