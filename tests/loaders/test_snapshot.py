"""The frames snapshot: exactly the database's frames, never stale, safe to build at once.

Every comparison is against `prepare(load_frames(engine))` (or `load_frames` without a
prepare step), the frames the app would otherwise read from SQL: same tables, columns,
dtypes, row order and values.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from dashboard.cli import main
from loaders import snapshot
from loaders.db import DATA_TABLES
from loaders.demo import build_demo
from loaders.frames import load_frames
from loaders.history import undo
from loaders.importer import import_upload
from loaders.parse import ParseResult
from loaders.schema import make_engine, upgrade
from metrics import prepare
from tests.loaders.factories import rows, upload


def from_sql(engine, with_prepare=True) -> dict[str, pl.DataFrame]:
    frames = load_frames(engine)
    return dict(prepare(frames)) if with_prepare else frames


def assert_same(got: dict[str, pl.DataFrame], expected: dict[str, pl.DataFrame]) -> None:
    assert list(got) == list(expected)
    for name, frame in expected.items():
        assert got[name].schema == frame.schema, name
        assert_frame_equal(got[name], frame, check_exact=True)


def folders(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.is_dir())


def current_folder(engine, directory: Path, prepare_step=prepare) -> Path:
    from loaders.frames import consistent_read

    with consistent_read(engine) as conn:
        state = snapshot.read_state(conn)
    return directory / state.key(snapshot.layout(prepare_step))


def episode(pid: str, **values) -> dict:
    return {"participant_id": pid, **values}


def add_episodes(engine, *pids: str, **values):
    report = import_upload(engine, upload(
        insatser=rows("insatser", {}),
        episodes=rows("episodes", *(episode(p, **values) for p in pids))), user="test")
    assert report.status == "committed"
    return report.upload_id


@pytest.fixture
def directory(tmp_path) -> Path:
    return tmp_path / "frames"


def demo_upload() -> ParseResult:
    frames = build_demo("small", seed=3)
    return ParseResult(frames=frames, issues=[], file_names=["demo"], sha256="demo-small-3",
                       extra_columns={})


def test_snapshot_frames_equal_sql_frames_for_every_table(engine, directory):
    assert import_upload(engine, demo_upload(), user="demo").status == "committed"

    built = snapshot.load(engine, directory, prepare)
    read_back = snapshot.load(engine, directory, prepare)  # now from the files

    expected = from_sql(engine)
    assert_same(built, expected)
    assert_same(read_back, expected)
    assert read_back["episodes"].height > 1000
    assert read_back["episodes"].schema["forbund"] == pl.Categorical
    assert_same(snapshot.load(engine, directory), from_sql(engine, with_prepare=False))


def test_an_empty_database_gives_empty_frames_with_the_schema(engine, directory):
    assert_same(snapshot.load(engine, directory, prepare), from_sql(engine))


def test_a_new_upload_is_never_served_from_the_old_snapshot(engine, directory):
    add_episodes(engine, "D-1")
    old = snapshot.load(engine, directory, prepare)
    add_episodes(engine, "D-2")  # no refresh: only the database knows

    new = snapshot.load(engine, directory, prepare)

    assert old["episodes"]["participant_id"].to_list() == ["D-1"]
    assert new["episodes"]["participant_id"].to_list() == ["D-1", "D-2"]
    assert_same(new, from_sql(engine))


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete", "meta", "no_meta"])
def test_a_damaged_snapshot_is_rebuilt_from_sql(sqlite_engine, directory, damage, monkeypatch):
    add_episodes(sqlite_engine, "D-1", "D-2")
    snapshot.refresh(sqlite_engine, directory, prepare)
    folder = current_folder(sqlite_engine, directory)
    arrow = folder / "episodes.arrow"
    if damage == "truncate":
        arrow.write_bytes(arrow.read_bytes()[:100])
    elif damage == "garbage":  # same size, other bytes
        arrow.write_bytes(bytes(len(arrow.read_bytes())))
    elif damage == "delete":
        arrow.unlink()
    elif damage == "meta":
        (folder / "meta.json").write_text("{not json")
    else:
        (folder / "meta.json").unlink()

    assert_same(snapshot.load(sqlite_engine, directory, prepare), from_sql(sqlite_engine))
    expected = from_sql(sqlite_engine)
    monkeypatch.setattr(snapshot, "read_table", None)  # rebuilt: now served from the files
    assert_same(snapshot.load(sqlite_engine, directory, prepare), expected)


def test_a_snapshot_with_other_rows_than_its_meta_says_is_not_served(sqlite_engine, directory):
    add_episodes(sqlite_engine, "D-1", "D-2")
    snapshot.refresh(sqlite_engine, directory, prepare)
    folder = current_folder(sqlite_engine, directory)
    meta = json.loads((folder / "meta.json").read_text())
    meta["tables"]["episodes"]["rows"] = 3
    (folder / "meta.json").write_text(json.dumps(meta))

    assert snapshot.load(sqlite_engine, directory, prepare)["episodes"].height == 2


def test_rows_changed_outside_an_upload_make_the_snapshot_stale(sqlite_engine, directory):
    add_episodes(sqlite_engine, "D-1")
    snapshot.refresh(sqlite_engine, directory, prepare)
    upload_id = add_episodes(sqlite_engine, "D-2")
    with sqlite_engine.begin() as conn:  # a row added by hand: a new largest id
        conn.execute(DATA_TABLES["episodes"].insert().values(
            **rows("episodes", episode("D-3")).row(0, named=True), upload_id=upload_id))

    assert_same(snapshot.load(sqlite_engine, directory, prepare), from_sql(sqlite_engine))


def test_import_and_undo_through_the_cli_write_the_snapshot(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    csv = tmp_path / "Deltagare.csv"
    assert main(["--db", url, "demo"]) == 0
    engine = make_engine(url)
    directory = snapshot.directory_for(url)
    assert directory == tmp_path / "cli.db.frames"
    after_demo = current_folder(engine, directory)
    assert after_demo.is_dir()

    from tests.upload_files import SJOSTAD, deltagare_csv
    csv.write_bytes(deltagare_csv(SJOSTAD, "Jobbfokus", 2025))
    assert main(["--db", url, "import", str(csv), "--dry-run"]) == 0
    assert current_folder(engine, directory) == after_demo
    assert main(["--db", url, "import", str(csv), "--user", "anna"]) == 0
    after_import = current_folder(engine, directory)
    assert after_import != after_demo and after_import.is_dir()
    assert_same(snapshot.load(engine, directory, prepare), from_sql(engine))

    assert main(["--db", url, "undo", "2", "--user", "anna"]) == 0
    after_undo = current_folder(engine, directory)
    assert after_undo not in (after_demo, after_import) and after_undo.is_dir()
    assert_same(snapshot.load(engine, directory, prepare), from_sql(engine))
    assert {p.name for p in folders(directory)} == {after_import.name, after_undo.name}
    engine.dispose()


def test_cli_warns_but_succeeds_when_the_snapshot_cannot_be_written(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    (tmp_path / "cli.db.frames").write_text("a file where the folder would be")

    assert main(["--db", url, "init"]) == 0
    assert "ögonblicksbilden" in capsys.readouterr().err


def test_an_unwritable_folder_falls_back_to_sql(sqlite_engine, tmp_path):
    add_episodes(sqlite_engine, "D-1")
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder")

    assert_same(snapshot.load(sqlite_engine, blocked, prepare), from_sql(sqlite_engine))
    assert_same(snapshot.load(sqlite_engine, None, prepare), from_sql(sqlite_engine))


def test_a_replaced_database_is_read_whole_not_updated(tmp_path):
    directory = tmp_path / "frames"
    first = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(first)
    add_episodes(first, "A-1", "A-2")
    snapshot.refresh(first, directory, prepare)
    second = make_engine(f"sqlite:///{tmp_path / 'b.db'}")
    upgrade(second)
    add_episodes(second, "B-1")
    add_episodes(second, "B-2")

    assert_same(snapshot.load(second, directory, prepare), from_sql(second))
    first.dispose()
    second.dispose()


def test_another_layout_gets_its_own_snapshot(sqlite_engine, directory):
    add_episodes(sqlite_engine, "D-1")
    prepared = snapshot.load(sqlite_engine, directory, prepare)
    plain = snapshot.load(sqlite_engine, directory)

    assert prepared["episodes"].schema["sex"] == pl.Categorical
    assert plain["episodes"].schema["sex"] == pl.String
    assert_same(plain, from_sql(sqlite_engine, with_prepare=False))


# Incremental rebuilds: only rows uploads wrote since the previous snapshot are read again.

def test_updates_and_their_undo_are_applied_in_place(engine, directory):
    add_episodes(engine, "D-1", "D-2", "D-3")
    snapshot.refresh(engine, directory, prepare)
    changed = add_episodes(engine, "D-2", age_at_start=55, referrer="Kommun")
    changed_frames = snapshot.load(engine, directory, prepare)
    undo(engine, changed, user="test")
    undone_frames = snapshot.load(engine, directory, prepare)

    assert changed_frames["episodes"]["age_at_start"].to_list() == [30, 55, 30]
    assert undone_frames["episodes"]["age_at_start"].to_list() == [30, 30, 30]
    assert_same(undone_frames, from_sql(engine))


def test_several_uploads_and_undos_since_the_last_snapshot(sqlite_engine, directory):
    add_episodes(sqlite_engine, "D-1", "D-2")
    snapshot.refresh(sqlite_engine, directory, prepare)
    second = add_episodes(sqlite_engine, "D-3", age_at_start=40)
    add_episodes(sqlite_engine, "D-1", age_at_start=41)
    undo(sqlite_engine, second, user="test")

    assert_same(snapshot.load(sqlite_engine, directory, prepare), from_sql(sqlite_engine))


def test_a_random_history_of_uploads_and_undos_matches_sql_after_each_step(sqlite_engine,
                                                                           directory):
    rng = random.Random(42)
    committed: list[int] = []
    for step in range(25):
        if committed and rng.random() < 0.3:
            try:
                undo(sqlite_engine, committed.pop(), user="test")  # newest first
            except Exception:  # noqa: BLE001 - e.g. refused; the snapshot must still match
                pass
        else:
            pids = rng.sample([f"D-{i}" for i in range(12)], rng.randint(1, 5))
            report = import_upload(sqlite_engine, upload(
                insatser=rows("insatser", {}),
                episodes=rows("episodes", *(episode(p, age_at_start=rng.randint(18, 64),
                                                    end_date=rng.choice([None, date(2024, 5, 1)]))
                                            for p in pids))), user="test")
            if report.status == "committed":
                committed.append(report.upload_id)
        if rng.random() < 0.6:
            assert_same(snapshot.load(sqlite_engine, directory, prepare),
                        from_sql(sqlite_engine)), step
    assert_same(snapshot.load(sqlite_engine, directory, prepare), from_sql(sqlite_engine))


def test_unchanged_tables_are_linked_not_rewritten(sqlite_engine, directory):
    add_episodes(sqlite_engine, "D-1")
    snapshot.refresh(sqlite_engine, directory, prepare)
    before = current_folder(sqlite_engine, directory)
    add_episodes(sqlite_engine, "D-2")
    snapshot.refresh(sqlite_engine, directory, prepare)
    after = current_folder(sqlite_engine, directory)

    inode = {f: f.stat().st_ino for f in (before / "budget_lines.arrow",
                                          after / "budget_lines.arrow")}
    assert len(set(inode.values())) == 1
    assert (before / "episodes.arrow").stat().st_ino != (after / "episodes.arrow").stat().st_ino


# Concurrency: one builder at a time, readers see a whole snapshot or none.

def test_threads_building_at_once_get_the_same_frames_and_one_snapshot(sqlite_engine,
                                                                       directory, monkeypatch):
    add_episodes(sqlite_engine, *(f"D-{i}" for i in range(50)))
    builds = []
    real_build = snapshot._build
    monkeypatch.setattr(snapshot, "_build",
                        lambda *a, **k: builds.append(1) or real_build(*a, **k))
    results, errors = [], []

    def reader():
        try:
            results.append(snapshot.load(sqlite_engine, directory, prepare))
        except BaseException as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=reader) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert not errors
    assert len(builds) == 1
    expected = from_sql(sqlite_engine)
    for got in results:
        assert_same(got, expected)
    assert [p.name for p in folders(directory)] == [current_folder(sqlite_engine,
                                                                   directory).name]


#: One process's snapshot build, printing the folder it settled on. A fresh interpreter, not
#: multiprocessing: after an AppTest has run, spawn would re-run the app script as __main__.
_REFRESH = """
import sys
from pathlib import Path
from loaders import snapshot
from loaders.schema import make_engine
from metrics import prepare
engine = make_engine(sys.argv[1])
print(snapshot.refresh(engine, Path(sys.argv[2]), prepare))
engine.dispose()
"""


def test_processes_building_at_once_leave_one_whole_snapshot(tmp_path):
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    upgrade(engine)
    add_episodes(engine, *(f"D-{i}" for i in range(200)))
    directory = tmp_path / "frames"
    procs = [subprocess.Popen([sys.executable, "-c", _REFRESH, url, str(directory)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err for _, err in outputs]
    keys = [out.strip().splitlines()[-1] for out, _ in outputs]

    folder = current_folder(engine, directory)
    assert keys == [folder.name] * 3
    assert folders(directory) == [folder]
    assert_same(snapshot.load(engine, directory, prepare), from_sql(engine))
    engine.dispose()


def test_a_commit_during_a_build_is_in_the_next_snapshot_not_half_in_this(sqlite_engine,
                                                                          directory,
                                                                          monkeypatch):
    add_episodes(sqlite_engine, "D-1")
    real_counts = snapshot._row_counts

    def counts_then_commit(conn):
        out = real_counts(conn)
        add_episodes(sqlite_engine, "D-2")  # another connection commits mid-build
        return out

    monkeypatch.setattr(snapshot, "_row_counts", counts_then_commit)
    built = snapshot.load(sqlite_engine, directory, prepare)
    monkeypatch.setattr(snapshot, "_row_counts", real_counts)

    assert built["episodes"]["participant_id"].to_list() == ["D-1"]
    assert snapshot.load(sqlite_engine, directory, prepare)["episodes"].height == 2


def test_directory_for_each_kind_of_database(tmp_path):
    assert snapshot.directory_for("sqlite:///:memory:") is None
    assert snapshot.directory_for(f"sqlite:///{tmp_path}/x.db") == tmp_path / "x.db.frames"
    pg = "postgresql+psycopg://finsam:secret@db.example/finsam"
    other = "postgresql+psycopg://finsam:other@db.example/finsam"
    assert snapshot.directory_for(pg, tmp_path) == snapshot.directory_for(other, tmp_path)
    assert snapshot.directory_for(pg, tmp_path).parent == tmp_path
    assert snapshot.directory_for(pg).parent == snapshot.DEFAULT_CACHE_DIR
    assert "secret" not in str(snapshot.directory_for(pg, tmp_path))


def test_the_key_changes_with_every_upload_and_undo(sqlite_engine, directory):
    keys = [snapshot.refresh(sqlite_engine, directory, prepare)]
    upload_id = add_episodes(sqlite_engine, "D-1")
    keys.append(snapshot.refresh(sqlite_engine, directory, prepare))
    undo(sqlite_engine, upload_id, user="test")
    keys.append(snapshot.refresh(sqlite_engine, directory, prepare))

    assert len(set(keys)) == 3
