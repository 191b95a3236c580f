"""Read the database into polars frames with the contract's dtypes.

This is the one way pages, the command line and benchmarks get data: the metrics layer
receives these frames and never touches the database.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Engine, String, select

from loaders.columns import frame_schema
from loaders.contract import SHEETS, Sheet
from loaders.db import DATA_TABLES


def empty_frame(sheet: Sheet) -> pl.DataFrame:
    """A frame with no rows and the table's schema."""
    return pl.DataFrame(schema=frame_schema(sheet))


def load_frames(engine: Engine, tables: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """Every data table as a typed frame (dates as dates on SQLite and PostgreSQL alike)."""
    frames = {}
    with engine.connect() as conn:
        for sheet in SHEETS:
            if tables is not None and sheet.table not in tables:
                continue
            schema = frame_schema(sheet)
            table = DATA_TABLES[sheet.table]
            # Dates are read as text and parsed by polars: SQLite stores them as text and
            # per-row Python date objects would dominate the load time for a million rows.
            query = select(*(
                table.c[c].cast(String).label(c) if t == pl.Date else table.c[c]
                for c, t in schema.items()
            )).order_by(table.c.id)
            raw_schema = {c: (pl.String if t == pl.Date else t) for c, t in schema.items()}
            frame = pl.read_database(query, conn, schema_overrides=raw_schema,
                                     infer_schema_length=None)
            if frame.is_empty():
                frame = pl.DataFrame(schema=raw_schema)
            frames[sheet.table] = frame.with_columns(
                pl.col(c).str.to_date("%Y-%m-%d") for c, t in schema.items() if t == pl.Date
            )
    return frames

