"""Read the database into polars frames with the contract's dtypes.

This is the one way pages, the command line and benchmarks get data: the metrics layer
receives these frames and never touches the database.

Speed (a million episodes must load in seconds): rows are fetched with the driver's own
cursor in batches and turned into typed polars columns directly, skipping SQLAlchemy's
per-row result processing; dates are read as ISO text and parsed by polars in one
vectorised step (per-row Python date objects would dominate the load time). The same code
runs on SQLite and PostgreSQL and gives identical frames.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from sqlalchemy import Connection, Engine, Select, String, select

from loaders.columns import frame_schema
from loaders.contract import SHEETS, Sheet
from loaders.db import DATA_TABLES

#: Rows fetched per batch. Small batches are turned into columns while their freshly made
#: Python objects are still in the CPU cache (5k–20k rows measured fastest) and bound the
#: memory the row tuples take.
BATCH_ROWS = 10_000


def empty_frame(sheet: Sheet) -> pl.DataFrame:
    """A frame with no rows and the table's schema."""
    return pl.DataFrame(schema=frame_schema(sheet))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of row tuples are created.

    The fetched tuples hold only strings and numbers (no reference cycles), but each one
    counts towards the collector's thresholds, so it would otherwise rescan the growing
    heap again and again; reference counting still frees every batch.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(conn: Connection, query: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run `query` on the raw DBAPI cursor and build a frame with exactly `schema`."""
    compiled = query.compile(dialect=conn.dialect)
    names = list(schema)
    cursor = conn.connection.cursor()
    parts = []
    try:
        cursor.execute(str(compiled), compiled.params or ())
        with _no_cyclic_gc():
            while rows := cursor.fetchmany(BATCH_ROWS):
                columns = list(zip(*rows, strict=True))
                del rows
                parts.append(pl.DataFrame([pl.Series(c, v, dtype=schema[c])
                                           for c, v in zip(names, columns, strict=True)]))
                del columns
    finally:
        cursor.close()
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts, rechunk=True) if len(parts) > 1 else parts[0]


def load_frames(engine: Engine, tables: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """Every data table as a typed frame (dates as dates on SQLite and PostgreSQL alike)."""
    frames = {}
    with engine.connect() as conn:
        for sheet in SHEETS:
            if tables is not None and sheet.table not in tables:
                continue
            schema = frame_schema(sheet)
            table = DATA_TABLES[sheet.table]
            # Dates are read as ISO text (what SQLite stores) and parsed by polars.
            query = select(*(
                table.c[c].cast(String).label(c) if t == pl.Date else table.c[c]
                for c, t in schema.items()
            )).order_by(table.c.id)
            raw_schema = {c: (pl.String if t == pl.Date else t) for c, t in schema.items()}
            frame = _read(conn, query, raw_schema)
            frames[sheet.table] = frame.with_columns(
                pl.col(c).str.to_date("%Y-%m-%d") for c, t in schema.items() if t == pl.Date
            )
    return frames
