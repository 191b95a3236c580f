"""Read the database into polars frames with the contract's dtypes.

This is the one way pages, the command line and benchmarks get data: the metrics layer
receives these frames and never touches the database.

Speed (a million episodes must load in seconds): rows are fetched with the driver's own
cursor in batches and turned into typed polars columns directly, skipping SQLAlchemy's
per-row result processing; dates are read as ISO text and parsed by polars in one
vectorised step (per-row Python date objects would dominate the load time). The same code
runs on SQLite and PostgreSQL and gives identical frames.

All tables are read in one transaction that sees one state of the database
(`consistent_read`), so an upload committed meanwhile is either wholly in the frames or not
at all. `loaders.snapshot` keeps these frames on disk per data version.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import polars as pl
from sqlalchemy import ColumnElement, Connection, Engine, Select, String, select

from loaders.columns import UPLOAD_ID, frame_schema
from loaders.contract import SHEETS, SHEETS_BY_TABLE, Sheet
from loaders.db import DATA_TABLES

#: Rows fetched per batch. Small batches are turned into columns while their freshly made
#: Python objects are still in the CPU cache (5k–20k rows measured fastest) and bound the
#: memory the row tuples take.
BATCH_ROWS = 10_000
#: Extra columns `read_table(..., with_ids=True)` adds: the row's primary key and the upload
#: that last wrote it (what `loaders.snapshot` needs to update a snapshot row by row).
ROW_ID, ROW_UPLOAD = "__row_id", "__upload_id"


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
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    params = compiled.params
    if compiled.positional:  # SQLite's `?`: values in the order they appear
        params = tuple(params[name] for name in compiled.positiontup or ())
    names = list(schema)
    cursor = conn.connection.cursor()
    parts = []
    try:
        cursor.execute(str(compiled), params or ())
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


@contextmanager
def consistent_read(engine: Engine) -> Iterator[Connection]:
    """A connection whose reads all see the same committed state, until the block ends.

    PostgreSQL: a REPEATABLE READ transaction. SQLite (WAL): an explicit deferred BEGIN, so
    the read snapshot taken by the first SELECT holds for every later one (pysqlite would
    otherwise run each SELECT in its own implicit snapshot).
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN")
        try:
            yield conn
        finally:
            conn.rollback()


def read_table(conn: Connection, table: str, *, with_ids: bool = False,
               where: ColumnElement[bool] | None = None) -> pl.DataFrame:
    """One data table as a typed frame in id order (dates as dates on every database).

    `with_ids` adds `ROW_ID` and `ROW_UPLOAD` as the last columns; `where` narrows the rows
    (a condition on `loaders.db.DATA_TABLES[table]`).
    """
    sheet = SHEETS_BY_TABLE[table]
    schema = frame_schema(sheet)
    tbl = DATA_TABLES[table]
    # Dates are read as ISO text (what SQLite stores) and parsed by polars.
    columns = [tbl.c[c].cast(String).label(c) if t == pl.Date else tbl.c[c]
               for c, t in schema.items()]
    raw_schema = {c: (pl.String if t == pl.Date else t) for c, t in schema.items()}
    if with_ids:
        columns += [tbl.c.id.label(ROW_ID), tbl.c[UPLOAD_ID].label(ROW_UPLOAD)]
        raw_schema |= {ROW_ID: pl.Int64, ROW_UPLOAD: pl.Int64}
    query = select(*columns).order_by(tbl.c.id)
    if where is not None:
        query = query.where(where)
    frame = _read(conn, query, raw_schema)
    return frame.with_columns(
        pl.col(c).str.to_date("%Y-%m-%d") for c, t in schema.items() if t == pl.Date
    )


def load_frames(engine: Engine, tables: list[str] | None = None) -> dict[str, pl.DataFrame]:
    """Every data table as a typed frame (dates as dates on SQLite and PostgreSQL alike)."""
    with consistent_read(engine) as conn:
        return {sheet.table: read_table(conn, sheet.table) for sheet in SHEETS
                if tables is None or sheet.table in tables}
