"""What the data would look like after an upload, for the preview before commit.

Pure frame work on the importer's diff: the KPIs before and after can then be computed by
the metrics layer without writing anything.
"""

from __future__ import annotations

import polars as pl

from loaders.contract import SHEETS_BY_TABLE
from loaders.importer import TableChanges


def apply_changes(frames: dict[str, pl.DataFrame],
                  changes: dict[str, TableChanges]) -> dict[str, pl.DataFrame]:
    """`frames` with the upload's added and updated rows in place (keys from the contract)."""
    out = dict(frames)
    for table, change in changes.items():
        incoming = pl.concat([change.added, change.updated_new], how="vertical_relaxed")
        if incoming.is_empty():
            continue
        key = list(SHEETS_BY_TABLE[table].key)
        current = frames.get(table)
        if current is None:
            out[table] = incoming
            continue
        incoming = incoming.select(current.columns).cast(current.schema, strict=False)
        kept = current.join(incoming.select(key).cast({k: current.schema[k] for k in key}),
                            on=key, how="anti", nulls_equal=True)
        out[table] = pl.concat([kept, incoming], how="vertical_relaxed")
    return out


def changed_values(table: str, change: TableChanges) -> pl.DataFrame:
    """Long table of updates: key, column (Swedish header), old → new, changed cells only."""
    sheet = SHEETS_BY_TABLE[table]
    key = sheet.key
    headers = {c.name: c.header for c in sheet.columns} | {"notes": "Kommentar"}
    rows = []
    value_cols = [c for c in change.updated_new.columns if c not in key]
    for old, new in zip(change.updated_old.iter_rows(named=True),
                        change.updated_new.iter_rows(named=True), strict=True):
        for col in value_cols:
            if old.get(col) != new.get(col):
                rows.append({"nyckel": " / ".join(str(new[k]) for k in key),
                             "kolumn": headers.get(col, col), "före": _text(old.get(col)),
                             "efter": _text(new.get(col))})
    return pl.DataFrame(rows, schema={"nyckel": pl.String, "kolumn": pl.String,
                                      "före": pl.String, "efter": pl.String})


def _text(value) -> str:
    return "" if value is None else str(value)
