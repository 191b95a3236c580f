"""Two uploads committed at the same moment never leave a mixed state.

Each test starts two `import_upload` calls from two threads behind a `threading.Barrier`, with
~20,000 rows each so the two transactions overlap. Acceptable outcomes: both uploads land in
some serial order (the final rows and the history are exactly those of running them one
after the other), or one is refused with `ImportBusy` and its clear Swedish message while the
other lands. Anything else — rows of both mixed, history recording stale earlier values, a
raw driver error — fails.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass

import polars as pl
import pytest
from sqlalchemy import select

from dashboard.cli import main
from loaders.db import row_history, uploads
from loaders.frames import load_frames
from loaders.history import undo
from loaders.importer import ImportBusy, ImportReport, import_upload
from loaders.parse import ParseResult
from loaders.schema import make_engine, upgrade
from tests.loaders.factories import rows, snapshot, upload

N = 20_000
BUSY = "Databasen är upptagen av en annan uppladdning. Försök igen om en stund."
KEY = ["forbund", "insats", "participant_id", "start_date"]
VALUES = ["age_at_start", "referrer"]


def episodes(prefix: str, age: int, referrer: str) -> pl.DataFrame:
    """N episodes of the preloaded insats, ids `{prefix}0`…, all with one age and referrer."""
    template = rows("episodes", {"age_at_start": age, "referrer": referrer})
    return template.select(pl.all().repeat_by(N).explode()).with_columns(
        participant_id=pl.format(f"{prefix}{{}}", pl.int_range(N)))


def preload(engine) -> None:
    assert import_upload(engine, upload(insatser=rows("insatser", {})),
                         user="admin").status == "committed"


@dataclass
class Outcome:
    report: ImportReport | None = None
    error: BaseException | None = None
    started: float = 0.0
    ended: float = 0.0


def race(engine, a: ParseResult, b: ParseResult) -> list[Outcome]:
    """Run both imports at once; returns what each thread got."""
    barrier = threading.Barrier(2)
    outcomes = [Outcome(), Outcome()]

    def run(i: int, parsed: ParseResult) -> None:
        barrier.wait()
        outcomes[i].started = time.perf_counter()
        try:
            outcomes[i].report = import_upload(engine, parsed, user=f"user{i}")
        except BaseException as err:  # noqa: BLE001 - reported by the test
            outcomes[i].error = err
        outcomes[i].ended = time.perf_counter()

    threads = [threading.Thread(target=run, args=(i, p)) for i, p in enumerate((a, b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def check_outcomes(outcomes: list[Outcome]) -> list[int]:
    """Indexes of the uploads that landed; every failure must be ImportBusy with its message."""
    landed = []
    for i, o in enumerate(outcomes):
        if o.error is None:
            assert o.report.status == "committed"
            landed.append(i)
        else:
            assert isinstance(o.error, ImportBusy), repr(o.error)
            assert str(o.error) == BUSY
    assert landed, "at least one of two uploads must land"
    return landed


def overlapped(outcomes: list[Outcome]) -> bool:
    return max(o.started for o in outcomes) < min(o.ended for o in outcomes)


def stored(engine) -> pl.DataFrame:
    return load_frames(engine, tables=["episodes"])["episodes"].select(*KEY, *VALUES).sort(KEY)


def expected(*frames: pl.DataFrame) -> pl.DataFrame:
    """The table after importing `frames` one after the other (later values win)."""
    return pl.concat(frames).select(*KEY, *VALUES).unique(KEY, keep="last").sort(KEY)


def history(engine, upload_id: int) -> pl.DataFrame:
    with engine.connect() as conn:
        found = conn.execute(select(row_history.c.action, row_history.c.old_values,
                                    row_history.c.new_values)
                             .where(row_history.c.upload_id == upload_id,
                                    row_history.c.table_name == "episodes")).all()
    return pl.DataFrame([(a, _json(o), _json(n)) for a, o, n in found],
                        schema=["action", "old", "new"], orient="row")


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def upload_ids(engine) -> list[int]:
    with engine.connect() as conn:
        return conn.execute(select(uploads.c.id).where(uploads.c.username != "admin")
                            .order_by(uploads.c.id)).scalars().all()


# --- scenarios, run on each backend ----------------------------------------------------------

def different_rows(engine) -> None:
    preload(engine)
    frames = [episodes("A-", 30, "Arbetsförmedlingen"), episodes("B-", 40, "Kommun")]
    outcomes = race(engine, upload(episodes=frames[0]), upload(episodes=frames[1]))

    landed = check_outcomes(outcomes)
    assert overlapped(outcomes), "the two imports did not run at the same time"
    assert stored(engine).equals(expected(*(frames[i] for i in landed)))
    for i in landed:
        assert outcomes[i].report.counts == {"Deltagare": {"added": N, "updated": 0,
                                                           "unchanged": 0}}


def same_rows(engine, *, stored_before: bool = False) -> None:
    """Both uploads write the same keys, new rows or (`stored_before`) rows already stored."""
    preload(engine)
    old = episodes("D-", 20, "Region")
    if stored_before:
        assert import_upload(engine, upload(episodes=old), user="admin").status == "committed"
    frames = [episodes("D-", 30, "Arbetsförmedlingen"), episodes("D-", 40, "Kommun")]
    before = snapshot(engine)
    outcomes = race(engine, upload(episodes=frames[0]), upload(episodes=frames[1]))

    landed = check_outcomes(outcomes)
    assert overlapped(outcomes), "the two imports did not run at the same time"
    if len(landed) == 1:  # the other was refused and left nothing behind
        [i] = landed
        assert stored(engine).equals(expected(frames[i]))
        assert upload_ids(engine) == [outcomes[i].report.upload_id]
        assert snapshot(engine) != before
        return
    # Both landed: exactly as if run one after the other, in upload id order.
    first, later = sorted(landed, key=lambda i: outcomes[i].report.upload_id)
    final = stored(engine)
    serial = [expected(frames[0], frames[1]), expected(frames[1], frames[0])]
    assert final.equals(serial[0]) or final.equals(serial[1]), "mixed state"
    assert final.equals(expected(frames[first], frames[later]))
    assert outcomes[first].report.counts["Deltagare"]["added" if not stored_before
                                                   else "updated"] == N
    assert outcomes[later].report.counts["Deltagare"]["updated"] == N
    # History: the later upload recorded the earlier one's values, not stale ones, so undoing
    # it puts back exactly what the earlier upload wrote.
    early = history(engine, outcomes[first].report.upload_id)
    late = history(engine, outcomes[later].report.upload_id)
    assert early.height == late.height == N
    assert early["action"].unique().to_list() == ["update" if stored_before else "insert"]
    assert late["action"].unique().to_list() == ["update"]
    first_age = frames[first]["age_at_start"][0]
    later_age = frames[later]["age_at_start"][0]
    assert {o["age_at_start"] for o in late["old"]} == {first_age}
    assert {n["age_at_start"] for n in late["new"]} == {later_age}


def same_stored_rows(engine) -> None:
    same_rows(engine, stored_before=True)


def test_postgres_concurrent_uploads_of_different_rows_both_land(postgres_engine):
    different_rows(postgres_engine)


def test_postgres_concurrent_uploads_of_the_same_rows_are_serial(postgres_engine):
    same_rows(postgres_engine)


def test_postgres_concurrent_updates_of_stored_rows_are_serial(postgres_engine):
    same_stored_rows(postgres_engine)


@pytest.mark.parametrize("scenario", [different_rows, same_rows, same_stored_rows],
                         ids=["different_rows", "same_rows", "same_stored_rows"])
def test_sqlite_concurrent_imports_do_not_corrupt(sqlite_engine, scenario):
    scenario(sqlite_engine)


def test_sqlite_locked_database_raises_import_busy(tmp_path):
    # Another writer holds SQLite's write lock longer than the driver waits (0.2 s here).
    engine = make_engine(f"sqlite:///{tmp_path / 'busy.db'}?timeout=0.2")
    upgrade(engine)
    preload(engine)
    before = snapshot(engine)
    other = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(ImportBusy) as raised:
            import_upload(engine, upload(episodes=rows("episodes", {})), user="bo")
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert str(raised.value) == BUSY
    assert snapshot(engine) == before
    assert import_upload(engine, upload(episodes=rows("episodes", {})),
                         user="bo").status == "committed"
    engine.dispose()


def test_sqlite_undo_while_an_upload_holds_the_database_is_refused(tmp_path, capsys,
                                                                   monkeypatch):
    """Undo takes the same lock as an import; when it cannot, nothing is restored."""
    url = f"sqlite:///{tmp_path / 'busy.db'}?timeout=0.2"
    engine = make_engine(url)
    upgrade(engine)
    preload(engine)
    first = import_upload(engine, upload(episodes=rows("episodes", {})), user="bo")
    before = snapshot(engine)
    other = sqlite3.connect(tmp_path / "busy.db", isolation_level=None)
    monkeypatch.setenv("DATABASE_URL", url)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(ImportBusy) as raised:
            undo(engine, first.upload_id, user="bo")
        code = main(["undo", str(first.upload_id), "--user", "bo"])
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert str(raised.value) == BUSY
    assert code == 1
    assert capsys.readouterr().err == f"Fel: {BUSY}\n"
    assert snapshot(engine) == before
    assert undo(engine, first.upload_id, user="bo").rows_deleted == 1
    engine.dispose()
