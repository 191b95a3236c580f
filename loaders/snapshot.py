"""The frames of one data version on disk (Arrow IPC), so no viewer waits for SQL rows.

Reading a million episodes row by row from the database takes seconds; reading the same
frames from Arrow IPC files takes a fraction of one. A snapshot is a folder of one
`<table>.arrow` per data table plus `meta.json`, named by its key: a hash of every upload's
id, status, sha256 and time (what changes on each import and undo), the file format and the
frames' layout. The database stays the source of truth:

- `load` reads the database's current uploads and each table's largest id (cheap queries)
  and serves the snapshot of exactly that key; a missing, stale or unreadable snapshot is
  rebuilt first, never served.
- A rebuild starts from the newest earlier snapshot when it can: only rows that an upload
  since then wrote (or an undo restored) are read again from the database, by the
  `upload_id` every row carries. Otherwise every table is read (`frames.read_table`). All
  reads of one rebuild see one committed state (`frames.consistent_read`); the row count
  and largest id of every table are checked against the database before writing.
- One builder at a time per folder (`flock` on `.lock`, across processes); the snapshot is
  written into a temporary folder and renamed into place, so a reader sees a complete
  snapshot or none. Superseded snapshots are removed, the previous one is kept for readers
  that are still on it.

`prepare` (the caller's row-wise finishing step, e.g. `metrics.prepare`) is applied before
writing, so the files hold what the app uses. It must treat each row on its own: a rebuild
applies it to the changed rows only.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.ipc as ipc
from sqlalchemy import Connection, Engine, func, make_url, select

from loaders.columns import frame_schema
from loaders.contract import SHEETS
from loaders.db import DATA_TABLES, uploads
from loaders.frames import ROW_ID, ROW_UPLOAD, consistent_read, read_table
from loaders.schema import ROOT

Frames = dict[str, pl.DataFrame]
Prepare = Callable[[Mapping[str, pl.DataFrame]], Mapping[str, pl.DataFrame]]

#: Bump when the files' layout changes: every older snapshot is then rebuilt.
FORMAT = 1
META = "meta.json"
DEFAULT_CACHE_DIR = ROOT / "data" / "snapshots"
LOCK = ".lock"
#: Above this many changed rows in one table, reading the whole table is simpler and faster
#: than asking for the rows by id.
MAX_CHANGED_ROWS = 200_000
ID_CHUNK = 900  # ids per `IN (...)`: below every database's parameter limit
#: New rows are appended as chunks; a table in more pieces than this is joined into one.
MAX_CHUNKS = 16


#: What reading or writing a damaged or unwritable snapshot raises.
BROKEN = (OSError, pa.ArrowException, pl.exceptions.PolarsError)


def _unchanged(frames: Mapping[str, pl.DataFrame]) -> Mapping[str, pl.DataFrame]:
    return frames


def _ipc(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    """An Arrow IPC file as a frame, memory-mapped.

    Arrow maps the file and polars takes its buffers without copying where the types allow
    (numbers, dates, the view-typed strings polars writes), so reading is a fraction of
    `pl.read_ipc`'s time and the pages are shared with the OS file cache.
    """
    table = ipc.open_file(pa.memory_map(str(path))).read_all()
    return pl.from_arrow(table.select(columns) if columns else table)


@dataclass(frozen=True)
class State:
    """What identifies the database's data now: its uploads and each table's extent."""

    uploads: tuple[tuple[int, str, str, str], ...]  # (id, status, sha256, created_at)
    tables: dict[str, int]  # table -> largest id (from the primary key's index: cheap)

    def key(self, layout: str) -> str:
        """The snapshot folder's name for this state and layout."""
        text = json.dumps([FORMAT, layout, self.uploads], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:24]


def read_state(conn: Connection) -> State:
    """The uploads and every table's largest id, as `conn` sees them."""
    rows = conn.execute(select(uploads.c.id, uploads.c.status, uploads.c.sha256,
                               uploads.c.created_at).order_by(uploads.c.id)).all()
    tables = {s.table: conn.execute(select(func.max(DATA_TABLES[s.table].c.id))).scalar() or 0
              for s in SHEETS}
    return State(tuple((r.id, r.status, r.sha256, _iso(r.created_at)) for r in rows), tables)


def _row_counts(conn: Connection) -> dict[str, int]:
    """Every table's row count (a full scan: only when a snapshot is built)."""
    return {s.table: conn.execute(select(func.count()).select_from(DATA_TABLES[s.table]))
            .scalar_one() for s in SHEETS}


def _iso(value) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def layout(prepare: Prepare = _unchanged) -> str:
    """A fingerprint of the frames' columns and dtypes after `prepare`.

    Part of every key: a new column, dtype or Categorical choice in the code makes every
    snapshot written before it stale.
    """
    empty = {s.table: pl.DataFrame(schema=frame_schema(s)) for s in SHEETS}
    shown = {t: [(c, str(d)) for c, d in f.schema.items()] for t, f in prepare(empty).items()}
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode()).hexdigest()[:16]


def directory_for(url: str, cache_dir: Path | None = None) -> Path | None:
    """Where `url`'s snapshots live, or None when nowhere (an in-memory SQLite database).

    A SQLite file keeps them beside it (`finsam.db` → `finsam.db.frames/`) unless
    `cache_dir` is given; other databases get a folder in `cache_dir` (default
    `data/snapshots/`) named by a hash of the URL without its password.
    """
    parsed = make_url(url)
    label = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return None
        path = Path(parsed.database).resolve()
        if cache_dir is None:
            return path.with_name(path.name + ".frames")
        label = str(path)
    name = hashlib.sha256(label.encode()).hexdigest()[:16]
    return Path(cache_dir or DEFAULT_CACHE_DIR) / f"{parsed.get_backend_name()}-{name}"


def load(engine: Engine, directory: Path | None, prepare: Prepare = _unchanged) -> Frames:
    """The database's current frames, `prepare`d: from the current snapshot, built if needed.

    Without a `directory`, or when the folder cannot be written, the frames come straight
    from the database (the snapshot is a cache, never a requirement).
    """
    if directory is None:
        return _from_database(engine, prepare)
    wanted = layout(prepare)
    with consistent_read(engine) as conn:
        state = read_state(conn)
    key = state.key(wanted)
    found = _read(directory / key, state)
    if found is None:
        try:
            damaged = key if _complete(directory / key, state) else None
            key, state = _refresh(engine, directory, prepare, wanted, damaged=damaged)
        except BROKEN:
            return _from_database(engine, prepare)
        found = _read(directory / key, state)
    return found if found is not None else _from_database(engine, prepare)


def refresh(engine: Engine, directory: Path, prepare: Prepare = _unchanged) -> str:
    """Make sure the snapshot of the database's current state exists; its key.

    What an import or undo calls right after its commit. Holds the folder's lock, so
    concurrent callers (threads or processes) build a snapshot once.
    """
    return _refresh(engine, directory, prepare, layout(prepare))[0]


def _refresh(engine: Engine, directory: Path, prepare: Prepare, wanted: str, *,
             damaged: str | None = None) -> tuple[str, State]:
    """Build the current snapshot unless it exists: (its key, the state it holds).

    `damaged` names a snapshot that exists but could not be read: it is rebuilt if it is
    still the current one.
    """
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory), consistent_read(engine) as conn:
        state = read_state(conn)
        key = state.key(wanted)
        if key != damaged and _complete(directory / key, state):
            return key, state
        base = _newest(directory, wanted, exclude=key)
        tables = _build(conn, directory, state, base, prepare)
        _write(directory, key, state, wanted, tables)
        _prune(directory, keep={key, base[0]} if base else {key})
    return key, state


def _from_database(engine: Engine, prepare: Prepare) -> Frames:
    with consistent_read(engine) as conn:
        return dict(prepare({s.table: read_table(conn, s.table) for s in SHEETS}))


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    with open(directory / LOCK, "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _meta(folder: Path) -> dict | None:
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and meta.get("format") == FORMAT else None


def _complete(folder: Path, state: State) -> bool:
    """Whether `folder` holds a snapshot of `state` whose files all have their sizes."""
    meta = _meta(folder)
    try:
        return meta is not None and meta["tables"].keys() == state.tables.keys() and all(
            info["max_id"] == state.tables[table]
            and (folder / f"{table}.arrow").stat().st_size == info["bytes"]
            for table, info in meta["tables"].items())
    except (OSError, KeyError, TypeError):
        return False


def _read(folder: Path, state: State) -> Frames | None:
    """The frames of the snapshot in `folder` if it is complete and of `state`, else None.

    Any damage (a missing or truncated file, a row count that does not match) makes it
    unusable; it is then rebuilt, never served.
    """
    if not _complete(folder, state):
        return None
    meta = _meta(folder)
    try:
        frames = {}
        for table in state.tables:
            frame = _ipc(folder / f"{table}.arrow")
            if frame.height != meta["tables"][table]["rows"] \
                    or frame.columns[-2:] != [ROW_ID, ROW_UPLOAD]:
                return None
            frames[table] = frame.drop(ROW_ID, ROW_UPLOAD)
        return frames
    except (*BROKEN, KeyError, TypeError):
        return None


def _newest(directory: Path, wanted_layout: str, exclude: str) -> tuple[str, dict] | None:
    """(key, meta) of the most recently written snapshot with the same layout."""
    found = []
    for folder in directory.iterdir():
        if folder.name.startswith(".") or folder.name == exclude:
            continue
        meta = _meta(folder)
        if meta is not None and meta.get("layout") == wanted_layout:
            found.append((str(meta.get("written", "")), folder.name, meta))
    if not found:
        return None
    _, key, meta = max(found, key=lambda item: item[:2])
    return key, meta


def _build(conn: Connection, directory: Path, state: State, base: tuple[str, dict] | None,
           prepare: Prepare) -> dict[str, pl.DataFrame | Path]:
    """Every table of `state`: a frame (with id columns) to write, or a file of `base`.

    A file of `base` is linked when the table has not changed since. A table whose result
    would not match the database's row count and largest id (or whose base file cannot be
    read) is read whole.
    """
    since = _uploads_since(base[1], state) if base is not None else None
    counts = _row_counts(conn)
    out: dict[str, pl.DataFrame | Path] = {}
    for sheet in SHEETS:
        table = sheet.table
        expected = (counts[table], state.tables[table])
        found = None
        if since is not None:
            info = base[1]["tables"].get(table, {})
            try:
                found = _since_base(conn, table, directory / base[0] / f"{table}.arrow", info,
                                    since, expected, prepare)
            except BROKEN:
                found = None
        out[table] = found if found is not None else _prepared(
            prepare, table, read_table(conn, table, with_ids=True))
    return out


def _uploads_since(meta: dict, state: State) -> list[int] | None:
    """Uploads whose rows may differ from the snapshot of `meta`: new ones, undone since.

    None when the snapshot cannot be a base (an upload it knew is gone or different: the
    database was replaced).
    """
    before = {u[0]: tuple(u) for u in meta["uploads"]}
    now = {u[0]: u for u in state.uploads}
    if any(uid not in now or now[uid][2:] != old[2:] for uid, old in before.items()):
        return None
    return sorted(uid for uid, u in now.items() if before.get(uid) != u)


def _since_base(conn: Connection, table: str, path: Path, info: dict, since: list[int],
                expected: tuple[int, int], prepare: Prepare) -> pl.DataFrame | Path | None:
    """The base's table brought up to date (its `path` when unchanged); None: read it whole.

    A row an upload wrote carries its id in `upload_id`; an undo deletes the rows the upload
    inserted and gives updated rows their earlier values (and `upload_id`) back, in place.
    So the rows to read again are those now marked with an upload in `since` and those the
    base marked so (gone when deleted).
    """
    ids = _ipc(path, [ROW_ID, ROW_UPLOAD])
    if ids.height != info.get("rows"):
        return None
    marked = ids.filter(pl.col(ROW_UPLOAD).is_in(pl.Series(since, dtype=pl.Int64).implode()))[
        ROW_ID]
    if marked.len() > MAX_CHANGED_ROWS:
        return None
    tbl = DATA_TABLES[table]
    by_upload = (tbl.c.upload_id.in_(since) if len(since) <= ID_CHUNK
                 else tbl.c.upload_id >= since[0])  # a superset: unchanged rows read again
    parts = [read_table(conn, table, with_ids=True, where=by_upload)]
    listed = marked.to_list()
    parts += [read_table(conn, table, with_ids=True,
                         where=tbl.c.id.in_(listed[i:i + ID_CHUNK]))
              for i in range(0, len(listed), ID_CHUNK)]
    fresh = pl.concat(parts).unique(ROW_ID, keep="first", maintain_order=True)
    if fresh.height > MAX_CHANGED_ROWS:
        return None
    if fresh.is_empty() and marked.is_empty():
        return path if (info.get("rows"), info.get("max_id")) == expected else None
    old = _ipc(path)
    gone = pl.concat([marked, fresh[ROW_ID]]).implode()
    kept = (old.filter(~pl.col(ROW_ID).is_in(gone))
            if ids.select(pl.col(ROW_ID).is_in(gone).any()).item() else old)
    added = _prepared(prepare, table, fresh)
    if added.is_empty() or kept.is_empty() or added[ROW_ID].min() > kept[ROW_ID].max():
        new = pl.concat([kept, added])  # new rows come last: the old ones are not copied
    else:  # restored or updated rows keep their place
        new = kept.merge_sorted(added.sort(ROW_ID), ROW_ID)
    if (new.height, _largest(new)) != expected:
        return None
    return new.rechunk() if new.n_chunks() > MAX_CHUNKS else new


def _largest(frame: pl.DataFrame) -> int:
    return int(frame[ROW_ID].max() or 0) if frame.height else 0


def _prepared(prepare: Prepare, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`prepare` applied to one table, the id columns kept last."""
    out = prepare({table: frame})[table]
    rest = [c for c in out.columns if c not in (ROW_ID, ROW_UPLOAD)]
    return out.select(*rest, ROW_ID, ROW_UPLOAD)


def _write(directory: Path, key: str, state: State, wanted_layout: str,
           tables: dict[str, pl.DataFrame | Path]) -> None:
    """Write the snapshot into a temporary folder, then rename it into place (atomic).

    A table given as a path (unchanged since the base) becomes a hard link to that file.
    """
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory))
    try:
        tmp.chmod(directory.stat().st_mode & 0o777)  # readable by whoever may read the folder
        meta_tables = {}
        for table, content in tables.items():
            path = tmp / f"{table}.arrow"
            if isinstance(content, Path):
                try:
                    os.link(content, path)
                except OSError:
                    shutil.copyfile(content, path)
                rows = _ipc(path, [ROW_ID]).height
                largest = state.tables[table]
            else:
                content.write_ipc(path, compression="uncompressed")
                rows, largest = content.height, _largest(content)
            meta_tables[table] = {"rows": rows, "max_id": largest,
                                  "bytes": path.stat().st_size}
        meta = {"format": FORMAT, "layout": wanted_layout, "key": key,
                "uploads": [list(u) for u in state.uploads], "tables": meta_tables,
                "written": datetime.now().isoformat()}
        (tmp / META).write_text(json.dumps(meta, ensure_ascii=False, indent=1))
        for path in tmp.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        target = directory / key
        if target.exists():  # damaged (or it would have been served): replace it
            shutil.rmtree(target)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _prune(directory: Path, keep: set[str]) -> None:
    """Remove every other snapshot and any temporary folder a crashed builder left.

    Called under the lock; a process still reading a removed file keeps its open copy.
    """
    for folder in directory.iterdir():
        if folder.is_dir() and folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)
