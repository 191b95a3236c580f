"""Follow-up after exit (KPI.md "Follow-up after exit").

Among episodes ended in the period that have a follow-up row at a horizon (6/12/18/24
months), the share with status work/studies/rehab. Coverage = followed-up completed
episodes / completed, so it never exceeds 1.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date

import polars as pl

from metrics.expressions import count, ended_in, outcome_is, share
from metrics.frames import is_text
from metrics.registry import FOLLOWUP_HORIZONS

EPISODE_KEY = ("forbund", "insats", "participant_id", "start_date")
STATUS = {"work": "Arbete", "studies": "Studier",
          "rehab": "Fortsatt arbetslivsinriktad rehabilitering"}
KEYS = tuple(k for m in FOLLOWUP_HORIZONS for k in (
    *(f"share_{g}_{m}m" for g in STATUS), f"followup_coverage_{m}m", f"followed_up_{m}m"))


def completed_followed(m: int) -> str:
    """Helper column: completed episodes with a follow-up at `m` months."""
    return f"_followed_completed_{m}m"


@functools.cache
def _exprs() -> dict[str, pl.Expr]:
    # built once: the expressions are immutable and the callers only unpack them
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


def ended_with_followups(episodes: pl.DataFrame, followups: pl.DataFrame, frm: date, to: date,
                         extra: Sequence[str] = ()) -> pl.DataFrame:
    """Episodes ended in `[frm, to]` joined with their follow-up rows (one row per follow-up).

    Columns: the episode key, `extra` episode columns, `outcome_group`, `months_after` (text:
    String, or Categorical as given) and `status`. Joined on `participant_id` first, then
    the rest of the key compared: the same rows as an inner join on the whole key, but one
    column is hashed, and String and Categorical key columns may meet.
    """
    extra = [c for c in extra if c not in EPISODE_KEY]
    ended = episodes.filter(ended_in(frm, to)).select(*EPISODE_KEY, *extra, "outcome_group")
    months = pl.col("months_after")
    if not is_text(followups.schema["months_after"]):
        months = months.cast(pl.String)
    rows = followups.select(*EPISODE_KEY, months, "status")
    if ended.schema["participant_id"] != rows.schema["participant_id"]:
        ended = ended.with_columns(pl.col("participant_id").cast(pl.String))
        rows = rows.with_columns(pl.col("participant_id").cast(pl.String))
    rest = [c for c in EPISODE_KEY if c != "participant_id"]
    joined = ended.join(rows.rename({c: f"_fu_{c}" for c in rest}), on="participant_id",
                        how="inner")
    same = pl.all_horizontal(pl.col(c) == pl.col(f"_fu_{c}") for c in rest)
    return joined.filter(same).drop(f"_fu_{c}" for c in rest)


def aggregate(joined: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Follow-up counts and shares of `ended_with_followups` rows, one row or one per group."""
    if by:
        return joined.group_by(list(by)).agg(**_exprs())
    return joined.select(**_exprs())


def followup_table(episodes: pl.DataFrame, followups: pl.DataFrame, frm: date, to: date,
                   by: Sequence[str] = ()) -> pl.DataFrame:
    """Follow-up counts and shares, one row (or one per `by` group present)."""
    return aggregate(ended_with_followups(episodes, followups, frm, to, by), by)


def coverage(completed: pl.Expr) -> dict[str, pl.Expr]:
    """`followup_coverage_{m}m` from the helper columns and the completed count."""
    return {f"followup_coverage_{m}m": share(pl.col(completed_followed(m)), completed)
            for m in FOLLOWUP_HORIZONS}


BASES = {k: (f"followed_up_{k.rsplit('_', 1)[1]}" if k.startswith("share_") else
             "completed" if k.startswith("followup_coverage") else k) for k in KEYS}
