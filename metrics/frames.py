"""The input frames the metrics layer expects, with the contract's dtypes.

`table(frames, name)` is the one way metric code reads a frame: a missing table becomes
an empty frame with the right columns, so every KPI can answer "no data" (None) instead of
crashing, and episodes without `outcome_group` get it derived from `exit_reason`.
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
    casts = {c: t for c, t in schema.items() if df.schema[c] != t}
    if casts:
        df = df.with_columns(pl.col(c).cast(t) for c, t in casts.items())
    for col in _BLANK_AS_EMPTY.get(name, ()):
        if df[col].null_count():
            df = df.with_columns(pl.col(col).fill_null(""))
    return df
