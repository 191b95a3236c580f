"""Which columns each table stores and their polars dtypes (pure: no database, no I/O).

Shared by the parser, the database tables, the frames loader, the demo and the metrics
layer, so every frame in the project has one schema per table.
"""

from __future__ import annotations

import polars as pl

from loaders.contract import Kind, Sheet

#: Columns every data table has besides the contract's.
NOTES = "notes"  # JSON text {column: original text} for cells kept as text
UPLOAD_ID = "upload_id"
#: Columns derived during parsing, stored beside the contract's.
DERIVED: dict[str, list[tuple[str, Kind]]] = {"episodes": [("outcome_group", Kind.CODE)]}
#: Contract columns that only steer parsing and are not stored.
NOT_STORED = {"unit"}

POLARS_TYPES: dict[Kind, pl.DataType] = {
    Kind.TEXT: pl.String, Kind.CODE: pl.String, Kind.DATE: pl.Date, Kind.INT: pl.Int64,
    Kind.YEAR: pl.Int64, Kind.NUMBER: pl.Float64, Kind.AMOUNT: pl.Float64,
    Kind.PERCENT: pl.Float64, Kind.LONG_TEXT: pl.String, Kind.PERIOD: pl.String,
}


def stored_columns(sheet: Sheet) -> list[str]:
    """The data columns of a sheet's table, in order (without id/notes/upload_id)."""
    names = [c.name for c in sheet.columns if c.name not in NOT_STORED]
    return names + [name for name, _ in DERIVED.get(sheet.table, [])]


def frame_schema(sheet: Sheet, *, with_notes: bool = True) -> dict[str, pl.DataType]:
    """Column -> dtype of a table's frame, in stored order."""
    kinds = {c.name: c.kind for c in sheet.columns}
    kinds.update(dict(DERIVED.get(sheet.table, [])))
    schema = {c: POLARS_TYPES[kinds[c]] for c in stored_columns(sheet)}
    if with_notes:
        schema[NOTES] = pl.String
    return schema
