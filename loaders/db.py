"""Database tables, built from the data contract, plus upload bookkeeping.

Every contract sheet becomes one table with the sheet's key as a unique constraint. Blank
optional key parts (e.g. `Insats` on a förbund-wide budget line) are stored as '' so the
constraint works the same in SQLite and PostgreSQL. Each row remembers the upload that last
wrote it; `row_history` keeps the values an upload replaced so it can be undone.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from loaders.columns import DERIVED, NOT_STORED, NOTES, UPLOAD_ID
from loaders.contract import SHEETS, Kind, Sheet

metadata = MetaData()

_TYPES = {
    Kind.TEXT: lambda: String(300),
    Kind.CODE: lambda: String(120),
    Kind.DATE: Date,
    Kind.INT: Integer,
    Kind.YEAR: Integer,
    Kind.NUMBER: Float,
    Kind.AMOUNT: Float,
    Kind.PERCENT: Float,
    Kind.LONG_TEXT: Text,  # up to Excel's 32 767 characters per cell
    Kind.PERIOD: lambda: String(60),
}

def _data_table(sheet: Sheet) -> Table:
    cols = [Column("id", Integer, primary_key=True, autoincrement=True)]
    for c in sheet.columns:
        if c.name in NOT_STORED:
            continue
        in_key = c.name in sheet.key
        cols.append(Column(c.name, _TYPES[c.kind](), nullable=not (in_key or c.required)))
    for name, kind in DERIVED.get(sheet.table, []):
        cols.append(Column(name, _TYPES[kind](), nullable=True))
    cols.append(Column(NOTES, Text, nullable=True))
    cols.append(Column(UPLOAD_ID, Integer, nullable=True))
    return Table(sheet.table, metadata, *cols,
                 UniqueConstraint(*sheet.key, name=f"uq_{sheet.table}_key"))


DATA_TABLES: dict[str, Table] = {s.table: _data_table(s) for s in SHEETS}

uploads = Table(
    "uploads", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=False), nullable=False),
    Column("username", String(120), nullable=False),
    Column("file_names", JSON, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows_added", Integer, nullable=False, default=0),
    Column("rows_updated", Integer, nullable=False, default=0),
    Column("rows_unchanged", Integer, nullable=False, default=0),
    Column("counts", JSON, nullable=False),  # {sheet: {added, updated, unchanged}}
    Column("status", String(20), nullable=False),  # committed | undone
    Column("undone_at", DateTime(timezone=False), nullable=True),
    Column("undone_by", String(120), nullable=True),
)

row_history = Table(
    "row_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False),
    Column("table_name", String(60), nullable=False),
    Column("row_key", Text, nullable=False),  # JSON list of key values
    Column("action", String(10), nullable=False),  # insert | update
    Column("old_values", JSON, nullable=True),
    Column("new_values", JSON, nullable=False),
    Index("ix_row_history_upload", "upload_id"),
    Index("ix_row_history_key", "table_name", "row_key"),
)
