"""The input frames the metrics layer expects, with the contract's dtypes.

`table(frames, name)` is the one way metric code reads a frame: a missing table becomes
an empty frame with the right columns, so every KPI can answer "no data" (None) instead of
crashing, and episodes without `outcome_group` get it derived from `exit_reason`.

Text columns may be String or Categorical: every metric gives the same result for both.
`prepare(frames)` is the optional one-time step for an app that calls the metrics many
times on the same frames (the dashboard caches them per data version): it completes every
table once and makes the large tables' low-cardinality text columns Categorical, so each
filter and group-by compares integers instead of strings.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from loaders.columns import frame_schema
from loaders.contract import EXIT_REASONS, SHEETS

#: table -> column -> dtype, as the loaders deliver them.
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    s.table: frame_schema(s, with_notes=False) for s in SHEETS
}
#: Optional text key parts stored as '' when blank (DATA_CONTRACT: Insats blank = förbund).
_BLANK_AS_EMPTY = {"targets": ("insats",), "budget_lines": ("insats",), "indicators": ("insats",)}


#: Low-cardinality text columns `prepare` makes Categorical (the large tables only).
CATEGORICAL: dict[str, tuple[str, ...]] = {
    "episodes": ("forbund", "insats", "grupp", "sex", "referrer", "income_before", "education",
                 "exit_reason", "income_after", "outcome_group"),
    "followups": ("forbund", "insats", "months_after", "status", "income"),
}


def is_text(dtype: pl.DataType) -> bool:
    """String, Categorical or Enum: a column metric code may compare with text."""
    return dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))


def _compatible(have: pl.DataType, want: pl.DataType) -> bool:
    """Whether a column of dtype `have` can stand for the schema's `want` as it is.

    Text may come as String or as Categorical/Enum (e.g. from `metrics.prepare`): polars
    compares both with string literals alike, and casting a million rows on every call
    would cost more than it could save.
    """
    return have == want or (want == pl.String and is_text(have))


def empty(name: str) -> pl.DataFrame:
    """An empty frame with the table's schema."""
    return pl.DataFrame(schema=SCHEMAS[name])


def table(frames: Mapping[str, pl.DataFrame], name: str) -> pl.DataFrame:
    """The frame `name`, completed to the contract schema (missing table -> empty frame).

    Missing columns are added as nulls; `months_after` is made text; blank optional Insats
    becomes ''; episodes lacking `outcome_group` get it from `exit_reason`.
    """
    schema = SCHEMAS[name]
    df = frames.get(name)
    if df is None:
        return empty(name)
    if name == "episodes" and "outcome_group" not in df.columns and "exit_reason" in df.columns:
        df = df.with_columns(
            pl.col("exit_reason").replace_strict(EXIT_REASONS, default=None,
                                                 return_dtype=pl.String).alias("outcome_group"))
    missing = [pl.lit(None, dtype=t).alias(c) for c, t in schema.items() if c not in df.columns]
    if missing:
        df = df.with_columns(missing)
    have = df.schema  # built anew on every access: read it once
    casts = {c: t for c, t in schema.items() if not _compatible(have[c], t)}
    if casts:
        df = df.with_columns(pl.col(c).cast(t) for c, t in casts.items())
    for col in _BLANK_AS_EMPTY.get(name, ()):
        if df[col].null_count():
            df = df.with_columns(pl.col(col).fill_null(""))
    return df


def prepare(frames: Mapping[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The frames made ready for many metric calls; every result stays the same.

    Each contract table is completed once as `table` would on every call, and the
    `CATEGORICAL` columns of episodes and follow-ups become `pl.Categorical`. Other entries
    pass through unchanged. Meant for frames cached once and queried often (the dashboard);
    a single `compute_kpis` call gains nothing from it.
    """
    out = dict(frames)
    for name in SCHEMAS:
        if name not in frames:
            continue
        df = table(frames, name)
        cols = [c for c in CATEGORICAL.get(name, ()) if df.schema[c] == pl.String]
        out[name] = df.with_columns(pl.col(cols).cast(pl.Categorical)) if cols else df
    return out
