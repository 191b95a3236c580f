"""Volumes for structural insatser (KPI.md "Volumes"): Σ Antal per Mått in the period.

A row counts when its Period (`2023`, `2023H1`, `2023-Q2` or a date) lies wholly inside the
selected period: a yearly figure is not split into quarters. Per row key the `Samtliga` row
is used, else Kvinnor + Män (never both, which would double count).
"""

from __future__ import annotations

import polars as pl

from metrics.periods import contained
from metrics.selection import Selection, insats_predicate


def selected_rows(volumes: pl.DataFrame, sel: Selection) -> pl.DataFrame:
    """Rows of the selection inside the period, one sex level per key."""
    rows = volumes.filter(insats_predicate(sel))
    if rows.is_empty():
        return rows
    inside = [t for t in rows["period"].unique().to_list() if contained(t, *sel.period)]
    key = ["forbund", "insats", "period", "measure"]
    return (rows.filter(pl.col("period").is_in(inside))
            .with_columns(_t=(pl.col("sex") == "Samtliga").any().over(key))
            .filter(pl.when(pl.col("_t")).then(pl.col("sex") == "Samtliga")
                    .otherwise(pl.col("sex").is_in(["Kvinnor", "Män"])))
            .drop("_t"))


def volume_by_measure(volumes: pl.DataFrame, sel: Selection) -> dict[str, int] | None:
    """`{Mått: Σ Antal}` sorted by Mått, or None when the selection has no volume rows."""
    rows = selected_rows(volumes, sel)
    if rows.is_empty():
        return None
    sums = rows.group_by("measure").agg(pl.col("count").sum()).sort("measure")
    return {m: int(c) for m, c in sums.iter_rows()}
