"""A straightforward pandas implementation of the core KPIs, for the side-by-side benchmark.

Written the way an analyst would in a notebook: boolean masks and `.sum()`/`.mean()` over a
pandas frame. It covers flow, outcome shares, full-year equivalents and throughput only.
"""

from __future__ import annotations

from datetime import date

import pandas as pd


def core_kpis(episodes: pd.DataFrame, forbund: list[str] | None, frm: date, to: date,
              kon: list[str] | None = None, remittent: list[str] | None = None) -> dict:
    """Flow, outcome shares, fye_used and mean/median throughput for one selection."""
    start, end = pd.Timestamp(frm), pd.Timestamp(to)
    df = episodes
    mask = pd.Series(True, index=df.index)
    if forbund:
        mask &= df["forbund"].isin(forbund)
    if kon:
        mask &= df["sex"].isin(kon)
    if remittent:
        mask &= df["referrer"].isin(remittent)
    df = df[mask]
    started = df["start_date"].between(start, end)
    ended_mask = df["end_date"].between(start, end)
    ended = df[ended_mask]
    dropped = int((ended["outcome_group"] == "dropout").sum())
    completed = len(ended) - dropped

    def share(group: str, base: int) -> float | None:
        return int((ended["outcome_group"] == group).sum()) / base if base else None

    overlap_start = df["start_date"].clip(lower=start)
    overlap_end = df["end_date"].fillna(end).clip(upper=end)
    days = ((overlap_end - overlap_start).dt.days + 1).clip(lower=0)
    period_days = (end - start).days + 1
    months = ((ended["end_date"] - ended["start_date"]).dt.days + 1) / 30.4375
    return {
        "started": int(started.sum()),
        "ended": len(ended),
        "dropped_out": dropped,
        "completed": completed,
        "share_work": share("work", completed),
        "share_studies": share("studies", completed),
        "share_rehab": share("rehab", completed),
        "share_dropout": share("dropout", len(ended)),
        "participant_days": int(days.sum()),
        "fye_used": float(days.sum()) / period_days,
        "throughput_months_mean": float(months.mean()) if len(months) else None,
        "throughput_months_median": float(months.median()) if len(months) else None,
    }
