"""Who the participants are and how episodes ended: category counts for charts.

Every frame has `category`, `count` and `share` (of the frame's total; null when the total
is 0), in the category's natural order with every category present (0 when empty) and
`Uppgift saknas` last when some rows lack the value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import polars as pl

from loaders.contract import EDUCATION, EXIT_REASONS
from metrics.expressions import DAYS_PER_MONTH, ended_in, episode_days
from metrics.frames import table
from metrics.selection import AGE_GROUPS, Selection, age_group, filter_episodes

MISSING = "Uppgift saknas"
SUPPORT_BANDS = ("Under 1 år", "1–2 år", "2–5 år", "5–10 år", "10 år eller mer")
MONTH_BANDS = ("0–3 mån", "3–6 mån", "6–12 mån", "12–24 mån", "24+ mån")


def _bands(values: pl.Expr, edges: Sequence[float], labels: Sequence[str]) -> pl.Expr:
    """Label of the band `[edge_i, edge_i+1)` a value falls in; null stays null."""
    expr = pl.when(values.is_null()).then(None)
    for edge, label in zip(edges, labels[:-1], strict=True):
        expr = expr.when(values < edge).then(pl.lit(label))
    return expr.otherwise(pl.lit(labels[-1]))


def counts(categories: pl.Series, order: Sequence[str]) -> pl.DataFrame:
    """`category, count, share` over `order`, then unlisted values, then Uppgift saknas."""
    got = dict(categories.fill_null(MISSING).value_counts().iter_rows())
    names = [*order, *sorted(set(got) - set(order) - {MISSING})]
    names += [MISSING] if MISSING in got else []
    n = [int(got.get(c, 0)) for c in names]
    total = sum(n)
    return pl.DataFrame({
        "category": pl.Series(names, dtype=pl.String),
        "count": pl.Series(n, dtype=pl.Int64),
        "share": pl.Series([c / total if total else None for c in n], dtype=pl.Float64),
    })


def distributions(frames: Mapping[str, pl.DataFrame], sel: Selection) -> dict[str, pl.DataFrame]:
    """Category counts of the selection's episodes.

    `aldersgrupp`, `utbildningsniva`, `offentlig_forsorjning` count participants in the
    period; `tid_i_insats` (months in the insats) and `avslutsorsak` count episodes ended
    in it.
    """
    eps = filter_episodes(table(frames, "episodes"), sel)
    ended = eps.filter(ended_in(*sel.period))
    support = _bands(pl.col("public_support_years"), (1, 2, 5, 10), SUPPORT_BANDS)
    months = _bands(episode_days() / DAYS_PER_MONTH, (3, 6, 12, 24), MONTH_BANDS)
    return {
        "aldersgrupp": counts(eps.select(age_group()).to_series(), AGE_GROUPS),
        "utbildningsniva": counts(eps["education"], EDUCATION),
        "offentlig_forsorjning": counts(eps.select(support).to_series(), SUPPORT_BANDS),
        "tid_i_insats": counts(ended.select(months).to_series(), MONTH_BANDS),
        "avslutsorsak": counts(ended["exit_reason"], tuple(EXIT_REASONS)),
    }


def income_flow(frames: Mapping[str, pl.DataFrame], sel: Selection) -> pl.DataFrame:
    """Försörjning före -> efter for episodes ended in the period, for a Sankey.

    Columns `income_before`, `income_after`, `count`, sorted; a missing income is
    `Uppgift saknas`.
    """
    eps = filter_episodes(table(frames, "episodes"), sel)
    return (eps.filter(ended_in(*sel.period))
            .select(pl.col("income_before", "income_after").cast(pl.String).fill_null(MISSING))
            .group_by("income_before", "income_after").agg(count=pl.len().cast(pl.Int64))
            .sort("income_before", "income_after"))
