"""Fast inserts of polars frames: COPY on PostgreSQL, DB-API executemany on SQLite.

SQLAlchemy's per-row dict handling costs more than the database itself for the
hundred-thousand-row sheets a förbund uploads and the million-row benchmark demo.
"""

from __future__ import annotations

import polars as pl
from sqlalchemy import Connection, Table


def bulk_insert(conn: Connection, table: Table, frame: pl.DataFrame) -> None:
    """Insert every row of `frame` (columns named like the table's) inside `conn`'s transaction."""
    if frame.is_empty():
        return
    columns = frame.columns
    # Dates as ISO text: SQLite stores them so, and PostgreSQL's COPY parses them.
    frame = frame.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d"))
    dbapi = conn.connection.driver_connection
    quoted = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        with dbapi.cursor() as cursor, cursor.copy(
            f'COPY "{table.name}" ({quoted}) FROM STDIN'
        ) as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
        return
    placeholders = ", ".join("?" for _ in columns)
    cursor = dbapi.cursor()
    try:
        cursor.executemany(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({placeholders})',
                           frame.iter_rows())
    finally:
        cursor.close()
