"""Follow-up after exit (KPI.md "Follow-up after exit").

Among episodes ended in the period that have a follow-up row at a horizon (6/12/18/24
months), the share with status work/studies/rehab. Coverage = followed-up completed
episodes / completed, so it never exceeds 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from metrics.expressions import count, ended_in, outcome_is, share
from metrics.registry import FOLLOWUP_HORIZONS

EPISODE_KEY = ("forbund", "insats", "participant_id", "start_date")
STATUS = {"work": "Arbete", "studies": "Studier",
          "rehab": "Fortsatt arbetslivsinriktad rehabilitering"}
KEYS = tuple(k for m in FOLLOWUP_HORIZONS for k in (
    *(f"share_{g}_{m}m" for g in STATUS), f"followup_coverage_{m}m", f"followed_up_{m}m"))


def completed_followed(m: int) -> str:
    """Helper column: completed episodes with a follow-up at `m` months."""
    return f"_followed_completed_{m}m"


def _exprs() -> dict[str, pl.Expr]:
    out: dict[str, pl.Expr] = {}
    months, status = pl.col("months_after"), pl.col("status")
    for m in FOLLOWUP_HORIZONS:
        at = months == str(m)
        n = count(at)
        out[f"followed_up_{m}m"] = n
        out[completed_followed(m)] = count(at & ~outcome_is("dropout"))
        for g, s in STATUS.items():
            out[f"share_{g}_{m}m"] = share(count(at & (status == s)), n)
    return out


def followup_table(episodes: pl.DataFrame, followups: pl.DataFrame, frm: date, to: date,
                   by: Sequence[str] = ()) -> pl.DataFrame:
    """Follow-up counts and shares, one row (or one per `by` group present)."""
    extra = [c for c in by if c not in EPISODE_KEY]
    ended = episodes.filter(ended_in(frm, to)).select(*EPISODE_KEY, *extra, "outcome_group")
    rows = followups.select(*EPISODE_KEY, pl.col("months_after").cast(pl.String), "status")
    joined = ended.join(rows, on=list(EPISODE_KEY), how="inner")
    if by:
        return joined.group_by(list(by)).agg(**_exprs())
    return joined.select(**_exprs())


def coverage(completed: pl.Expr) -> dict[str, pl.Expr]:
    """`followup_coverage_{m}m` from the helper columns and the completed count."""
    return {f"followup_coverage_{m}m": share(pl.col(completed_followed(m)), completed)
            for m in FOLLOWUP_HORIZONS}


BASES = {k: (f"followed_up_{k.rsplit('_', 1)[1]}" if k.startswith("share_") else
             "completed" if k.startswith("followup_coverage") else k) for k in KEYS}
