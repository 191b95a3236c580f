"""The preview's "after" frames and the old → new table, from the importer's dry-run diff."""

from datetime import date

import polars as pl

from loaders.frames import load_frames
from loaders.importer import import_upload
from loaders.preview import apply_changes, changed_values
from metrics import prepare
from tests.loaders.factories import rows, upload


def dry_run(engine, **frames):
    return import_upload(engine, upload(**frames), user="bo", dry_run=True)


def stored(engine):
    import_upload(engine, upload(insatser=rows("insatser", {}), episodes=rows(
        "episodes", {"participant_id": "D-1"}, {"participant_id": "D-2"})), user="anna")


def test_after_frames_equal_what_the_commit_then_stores(sqlite_engine):
    stored(sqlite_engine)
    incoming = rows("episodes", {"participant_id": "D-2", "age_at_start": 55},
                    {"participant_id": "D-3", "sex": "Man"})
    before = load_frames(sqlite_engine)
    report = dry_run(sqlite_engine, episodes=incoming)

    after = apply_changes(before, report.changes)
    import_upload(sqlite_engine, upload(episodes=incoming), user="bo")
    committed = load_frames(sqlite_engine)

    columns = [c for c in committed["episodes"].columns if c != "upload_id"]
    order = ["participant_id"]
    assert after["episodes"].select(columns).sort(order).equals(
        committed["episodes"].select(columns).sort(order))
    assert after["episodes"].sort(order).select("participant_id", "age_at_start").rows() == [
        ("D-1", 30), ("D-2", 55), ("D-3", 30)]
    assert after["insatser"] is before["insatser"]  # untouched tables are passed through


def test_after_frames_keep_the_categorical_dtypes_of_prepared_frames(sqlite_engine):
    stored(sqlite_engine)
    before = prepare(load_frames(sqlite_engine))
    report = dry_run(sqlite_engine, episodes=rows("episodes", {"participant_id": "D-3",
                                                               "sex": "Man"}))

    after = apply_changes(before, report.changes)["episodes"]

    assert after.schema == before["episodes"].schema
    assert after.filter(pl.col("sex") == "Man")["participant_id"].to_list() == ["D-3"]


def test_changed_values_lists_only_the_cells_that_change(sqlite_engine):
    stored(sqlite_engine)
    report = dry_run(sqlite_engine, episodes=rows(
        "episodes", {"participant_id": "D-1"},
        {"participant_id": "D-2", "age_at_start": 55, "end_date": date(2023, 6, 30),
         "exit_reason": "Arbete"}))

    table = changed_values("episodes", report.changes["episodes"])

    key = "Demoförbundet Test / Steget / D-2 / 2023-01-01"
    assert table.rows() == [
        (key, "Ålder vid start", "30", "55"),
        (key, "Slutdatum", "", "2023-06-30"),
        (key, "Avslutsorsak", "", "Arbete"),
    ]
    assert table.columns == ["nyckel", "kolumn", "före", "efter"]
