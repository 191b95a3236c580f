"""Write a validated upload to the database as one transaction, keeping history for undo.

Rows are upserted by the contract key. Each inserted or changed row leaves a `row_history`
record with the values it replaced, so `history.undo` can put them back. Nothing is written
when the upload has errors, is a file already imported, or changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import polars as pl
from sqlalchemy import Connection, Engine, and_, bindparam, insert, select, text, update
from sqlalchemy.exc import OperationalError

from loaders.bulk import bulk_insert
from loaders.columns import NOTES, UPLOAD_ID, stored_columns
from loaders.contract import SHEETS, SHEETS_BY_TABLE
from loaders.db import DATA_TABLES, row_history, uploads
from loaders.parse import ParseResult
from loaders.privacy import masked_text

Status = Literal["committed", "dry_run", "duplicate", "no_change", "rejected"]
#: Serialises concurrent imports on PostgreSQL (SQLite: BEGIN IMMEDIATE, see `lock_imports`).
IMPORT_LOCK_ID = 740_2003
#: Shown when SQLite stays locked by another upload longer than the driver waits.
BUSY_MESSAGE = "Databasen är upptagen av en annan uppladdning. Försök igen om en stund."


class ImportBusy(Exception):
    """Another upload holds the database (SQLite: "database is locked"); nothing was written."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)


@contextmanager
def busy_as_import_busy() -> Iterator[None]:
    """Turn SQLite's lock timeout into `ImportBusy`; the transaction is already rolled back."""
    try:
        yield
    except OperationalError as err:
        if "database is locked" in str(err.orig) or "database table is locked" in str(err.orig):
            raise ImportBusy() from err
        raise


@dataclass
class TableChanges:
    """What one upload does to one table."""

    added: pl.DataFrame
    updated_old: pl.DataFrame  # earlier values of updated rows, same order as updated_new
    updated_new: pl.DataFrame
    unchanged: int

    @property
    def counts(self) -> dict[str, int]:
        """Rows added / updated / unchanged."""
        return {"added": self.added.height, "updated": self.updated_new.height,
                "unchanged": self.unchanged}


@dataclass
class ImportReport:
    """The outcome of an import: status, the upload id, and per-table changes."""

    status: Status
    upload_id: int | None = None
    duplicate_of: int | None = None
    changes: dict[str, TableChanges] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Per sheet name: rows added / updated / unchanged."""
        return {SHEETS_BY_TABLE[t].name: c.counts for t, c in self.changes.items()}

    def total(self, what: str) -> int:
        """Sum of one count (`added`, `updated`, `unchanged`) over all sheets."""
        return sum(c.counts[what] for c in self.changes.values())


def import_upload(engine: Engine, parsed: ParseResult, *, user: str,
                  dry_run: bool = False, now: datetime | None = None) -> ImportReport:
    """Import a parsed upload; all or nothing."""
    if parsed.has_errors:
        return ImportReport("rejected")
    with busy_as_import_busy(), engine.begin() as conn:
        lock_imports(conn)
        earlier = conn.execute(
            select(uploads.c.id).where(uploads.c.sha256 == parsed.sha256,
                                       uploads.c.status == "committed")
        ).scalar()
        if earlier is not None:
            return ImportReport("duplicate", duplicate_of=earlier)
        changes = {t: diff_table(conn, t, frame) for t, frame in _in_order(parsed.frames)}
        report = ImportReport("dry_run", changes=changes)
        nothing = all(c.added.is_empty() and c.updated_new.is_empty() for c in changes.values())
        if dry_run or nothing:
            report.status = "dry_run" if dry_run else "no_change"
            conn.rollback()
            return report
        report.upload_id = _record_upload(conn, parsed, user, report, now or datetime.now())
        for table, change in changes.items():
            _write(conn, table, change, report.upload_id)
        report.status = "committed"
    return report


def lock_imports(conn: Connection) -> None:
    """Serialise imports and undos: the second waits, then reads what the first wrote."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})
    elif conn.dialect.name == "sqlite" and not conn.connection.driver_connection.in_transaction:
        # pysqlite opens the transaction only at the first write, so two imports could both
        # diff against the same rows and the later one would write a stale diff (duplicate
        # keys, wrong history). BEGIN IMMEDIATE takes the write lock before anything is read;
        # the other import waits for it up to the driver's busy timeout ("database is locked"
        # after that, which becomes ImportBusy).
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _in_order(frames: dict[str, pl.DataFrame]):
    """Tables in contract order, so referenced rows (Insatser) are written first."""
    return [(s.table, frames[s.table]) for s in SHEETS if s.table in frames]


def existing_rows(conn: Connection, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The stored rows that could share a key with `frame` (same förbund), as a typed frame."""
    sheet = SHEETS_BY_TABLE[table]
    tbl = DATA_TABLES[table]
    cols = [*stored_columns(sheet), NOTES, UPLOAD_ID]
    query = select(*(tbl.c[c] for c in cols))
    if "forbund" in sheet.key and frame.height:
        query = query.where(tbl.c.forbund.in_(frame["forbund"].unique().to_list()))
    rows = conn.execute(query).all()
    schema = {c: frame.schema.get(c, pl.String) for c in cols}
    schema[UPLOAD_ID] = pl.Int64
    return pl.DataFrame(rows, schema=schema, orient="row")


def diff_table(conn: Connection, table: str, frame: pl.DataFrame) -> TableChanges:
    """Classify the upload's rows as added, updated (with old values) or unchanged."""
    sheet = SHEETS_BY_TABLE[table]
    key = list(sheet.key)
    value_cols = [c for c in [*stored_columns(sheet), NOTES] if c not in key]
    old = existing_rows(conn, table, frame).with_columns(__stored=pl.lit(True))
    joined = frame.join(old, on=key, how="left", suffix="__old", nulls_equal=True)
    is_new = pl.col("__stored").is_null()
    differs = pl.any_horizontal(
        [pl.col(c).ne_missing(pl.col(f"{c}__old")) for c in value_cols]
    ) if value_cols else pl.lit(False)
    joined = joined.with_columns(__new=is_new, __differs=differs)
    added = joined.filter(pl.col("__new")).select(frame.columns)
    changed = joined.filter(~pl.col("__new") & pl.col("__differs"))
    updated_new = changed.select(frame.columns)
    updated_old = changed.select(
        *key, *(pl.col(f"{c}__old").alias(c) for c in value_cols),
        pl.col(UPLOAD_ID),
    )
    unchanged = joined.filter(~pl.col("__new") & ~pl.col("__differs")).height
    return TableChanges(added, updated_old, updated_new, unchanged)


def _record_upload(conn: Connection, parsed: ParseResult, user: str, report: ImportReport,
                   now: datetime) -> int:
    return conn.execute(
        insert(uploads).values(
            created_at=now.replace(microsecond=0), username=user,
            # a file name is shown in Historik: no personnummer or e-mail address in it
            file_names=[masked_text(n) for n in parsed.file_names], sha256=parsed.sha256,
            rows_added=report.total("added"), rows_updated=report.total("updated"),
            rows_unchanged=report.total("unchanged"), counts=report.counts,
            status="committed",
        ).returning(uploads.c.id)
    ).scalar_one()


def _write(conn: Connection, table: str, change: TableChanges, upload_id: int) -> None:
    sheet = SHEETS_BY_TABLE[table]
    tbl = DATA_TABLES[table]
    key = list(sheet.key)
    stamp = pl.lit(upload_id, dtype=pl.Int64).alias(UPLOAD_ID)
    bulk_insert(conn, tbl, change.added.with_columns(stamp))
    if change.updated_new.height:
        value_cols = [c for c in change.updated_new.columns if c not in key]
        stmt = (
            update(tbl)
            .where(and_(*(tbl.c[k] == bindparam(f"k_{k}") for k in key)))
            .values({c: bindparam(f"v_{c}") for c in [*value_cols, UPLOAD_ID]})
        )
        params = [
            {**{f"k_{k}": r[k] for k in key}, **{f"v_{c}": r[c] for c in value_cols},
             f"v_{UPLOAD_ID}": upload_id}
            for r in change.updated_new.to_dicts()
        ]
        conn.execute(stmt, params)
    history = pl.concat([
        _history(change.added, None, key, "insert"),
        _history(change.updated_new, change.updated_old, key, "update"),
    ]).with_columns(pl.lit(upload_id, dtype=pl.Int64).alias("upload_id"),
                    pl.lit(table).alias("table_name"))
    bulk_insert(conn, row_history, history)


def _history(new: pl.DataFrame, old: pl.DataFrame | None, key: list[str],
             action: str) -> pl.DataFrame:
    """History rows: key and values as JSON text, built column-wise for speed."""
    frame = new.select(
        row_key_expr(key),
        pl.lit(action).alias("action"),
        pl.struct(new.columns).struct.json_encode().alias("new_values"),
    )
    old_values = (old.select(pl.struct(old.columns).struct.json_encode()).to_series()
                  if old is not None else pl.repeat(None, new.height, dtype=pl.String, eager=True))
    return frame.with_columns(old_values.alias("old_values"))


def row_key_expr(key: list[str]) -> pl.Expr:
    """A row's key as canonical JSON text, the same for every upload of that row."""
    return pl.struct(key).struct.json_encode().alias("row_key")


def load_bulk(engine: Engine, frames: dict[str, pl.DataFrame], *, user: str, label: str,
              now: datetime | None = None) -> int:
    """Insert frames into empty tables without row history (the large benchmark demo).

    Such an upload cannot be undone row by row; `history.undo` refuses it.
    """
    with engine.begin() as conn:
        lock_imports(conn)
        counts = {SHEETS_BY_TABLE[t].name: {"added": f.height, "updated": 0, "unchanged": 0}
                  for t, f in frames.items()}
        upload_id = conn.execute(
            insert(uploads).values(
                created_at=(now or datetime.now()).replace(microsecond=0), username=user,
                file_names=[label], sha256=label, counts=counts, status="committed",
                rows_added=sum(f.height for f in frames.values()), rows_updated=0,
                rows_unchanged=0,
            ).returning(uploads.c.id)
        ).scalar_one()
        stamp = pl.lit(upload_id, dtype=pl.Int64).alias(UPLOAD_ID)
        for table, frame in _in_order(frames):
            bulk_insert(conn, DATA_TABLES[table], frame.with_columns(stamp))
    return upload_id
