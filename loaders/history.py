"""Upload history: list uploads, the rows an upload brought, and undo."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl
from sqlalchemy import Engine, and_, delete, desc, select, update

from loaders.columns import UPLOAD_ID
from loaders.contract import SHEETS_BY_TABLE, Kind
from loaders.db import DATA_TABLES, row_history, uploads
from loaders.importer import busy_as_import_busy, lock_imports
from loaders.privacy import masked_text


class UndoRefused(Exception):
    """An upload cannot be undone; the message is Swedish and says why."""


@dataclass(frozen=True)
class UndoResult:
    """What an undo restored."""

    upload_id: int
    rows_deleted: int
    rows_restored: int


def list_uploads(engine: Engine, forbund: set[str] | None = None) -> list[dict]:
    """Uploads newest first; with `forbund`, only those that touched one of them.

    File names are masked again (`privacy.masked_text`) for uploads stored before the
    importer masked them.
    """
    with engine.connect() as conn:
        query = select(uploads).order_by(desc(uploads.c.id))
        rows = [{**r._mapping, "file_names": [masked_text(n) for n in r.file_names]}
                for r in conn.execute(query)]
        if forbund is not None:
            touched = _forbund_per_upload(conn)
            rows = [r for r in rows if touched.get(r["id"], set()) & forbund]
    return rows


def _forbund_per_upload(conn, upload_id: int | None = None) -> dict[int, set[str]]:
    query = select(row_history.c.upload_id, row_history.c.new_values)
    if upload_id is not None:
        query = query.where(row_history.c.upload_id == upload_id)
    found: dict[int, set[str]] = {}
    for uid, values in conn.execute(query):
        if "forbund" in values:
            found.setdefault(uid, set()).add(values["forbund"])
    return found


def upload_forbund(engine: Engine, upload_id: int) -> set[str]:
    """The förbund whose rows an upload touched (decides who may undo it)."""
    with engine.connect() as conn:
        return _forbund_per_upload(conn, upload_id).get(upload_id, set())


def data_version(engine: Engine) -> str:
    """Changes whenever an upload is committed or undone; keys every cache of data frames."""
    with engine.connect() as conn:
        rows = conn.execute(select(uploads.c.id, uploads.c.status)).all()
    return f"{len(rows)}:{max((r.id for r in rows), default=0)}:" \
           f"{sum(r.status == 'undone' for r in rows)}"


def upload_rows(engine: Engine, upload_id: int,
                forbund: set[str] | None = None) -> dict[str, pl.DataFrame]:
    """The exact rows an upload brought (its new values), per sheet name, Swedish headers.

    With `forbund`, only rows of those förbund: an upload can span several, and a samordnare
    must not download another förbund's rows.
    """
    with engine.connect() as conn:
        found = conn.execute(
            select(row_history.c.table_name, row_history.c.new_values)
            .where(row_history.c.upload_id == upload_id).order_by(row_history.c.id)
        ).all()
    per_table: dict[str, list[dict]] = {}
    for table, values in found:
        if forbund is None or values.get("forbund") in forbund:
            per_table.setdefault(table, []).append(values)
    out = {}
    for table, found_rows in per_table.items():
        sheet = SHEETS_BY_TABLE[table]
        headers = {c.name: c.header for c in sheet.columns}
        frame = pl.DataFrame(found_rows, infer_schema_length=None)
        out[sheet.name] = frame.rename({c: headers[c] for c in frame.columns if c in headers})
    return out


def undo(engine: Engine, upload_id: int, *, user: str,
         now: datetime | None = None) -> UndoResult:
    """Restore every row an upload touched to its earlier values, in one transaction."""
    with busy_as_import_busy(), engine.begin() as conn:
        lock_imports(conn)
        upload = conn.execute(select(uploads).where(uploads.c.id == upload_id)).first()
        if upload is None:
            raise UndoRefused(f"Uppladdning {upload_id} finns inte.")
        if upload.status != "committed":
            raise UndoRefused(f"Uppladdning {upload_id} är redan ångrad.")
        entries = conn.execute(
            select(row_history).where(row_history.c.upload_id == upload_id)
            .order_by(desc(row_history.c.id))
        ).all()
        if not entries and upload.rows_added:
            raise UndoRefused(f"Uppladdning {upload_id} laddades i bulk utan historik och kan "
                              "inte ångras. Skapa en ny databas i stället.")
        later = _later_uploads_touching(conn, upload_id)
        if later:
            ids = ", ".join(str(i) for i in later)
            raise UndoRefused(
                f"Uppladdning {upload_id} kan inte ångras eftersom senare uppladdningar "
                f"({ids}) ändrade samma rader. Ångra dem först, den senaste först."
            )
        deleted = restored = 0
        for entry in entries:
            table = DATA_TABLES[entry.table_name]
            sheet = SHEETS_BY_TABLE[entry.table_name]
            key_values = json.loads(entry.row_key)
            where = and_(*(table.c[k] == _typed(sheet, k, key_values[k]) for k in sheet.key))
            if entry.action == "insert":
                conn.execute(delete(table).where(where))
                deleted += 1
            else:
                old = {k: _typed(sheet, k, v) for k, v in entry.old_values.items()
                       if k not in sheet.key}
                conn.execute(update(table).where(where).values(old))
                restored += 1
        conn.execute(update(uploads).where(uploads.c.id == upload_id).values(
            status="undone", undone_at=(now or datetime.now()).replace(microsecond=0),
            undone_by=user))
    return UndoResult(upload_id, deleted, restored)


def _later_uploads_touching(conn, upload_id: int) -> list[int]:
    mine = row_history.alias("mine")
    later = row_history.alias("later")
    query = (
        select(later.c.upload_id).distinct()
        .join(mine, and_(mine.c.table_name == later.c.table_name,
                         mine.c.row_key == later.c.row_key))
        .join(uploads, uploads.c.id == later.c.upload_id)
        .where(mine.c.upload_id == upload_id, later.c.upload_id > upload_id,
               uploads.c.status == "committed")
    )
    return sorted(conn.execute(query).scalars())


def _typed(sheet, column: str, value):
    """JSON history values back to database values (dates come back as text)."""
    if value is None or column == UPLOAD_ID:
        return value
    kind = next((c.kind for c in sheet.columns if c.name == column), None)
    if kind is Kind.DATE and isinstance(value, str):
        return date.fromisoformat(value)
    return value
