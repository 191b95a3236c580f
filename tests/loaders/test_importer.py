from datetime import date, datetime

import polars as pl
import pytest
from sqlalchemy import select, update

from loaders.db import DATA_TABLES, uploads
from loaders.frames import load_frames
from loaders.history import (
    UndoRefused,
    data_version,
    list_uploads,
    undo,
    upload_forbund,
    upload_rows,
)
from loaders.importer import import_upload
from loaders.issues import Issue
from tests.loaders.factories import rows, snapshot, upload

NOW = datetime(2024, 2, 1, 10, 0)


def episodes_of(engine) -> pl.DataFrame:
    return load_frames(engine, tables=["episodes"])["episodes"].sort("participant_id")


def first_upload(engine):
    return import_upload(
        engine,
        upload(insatser=rows("insatser", {}),
               episodes=rows("episodes", {"participant_id": "D-1"}, {"participant_id": "D-2"})),
        user="anna", now=NOW,
    )


def test_import_adds_rows_and_records_the_upload(engine):
    report = first_upload(engine)

    assert report.status == "committed"
    assert report.counts == {"Insatser": {"added": 1, "updated": 0, "unchanged": 0},
                             "Deltagare": {"added": 2, "updated": 0, "unchanged": 0}}
    assert episodes_of(engine)["participant_id"].to_list() == ["D-1", "D-2"]
    [u] = list_uploads(engine)
    assert (u["id"], u["username"], u["rows_added"], u["status"]) == (report.upload_id, "anna",
                                                                       3, "committed")
    assert u["created_at"] == NOW


def test_same_file_twice_is_a_noop_reported_as_duplicate(engine):
    first = first_upload(engine)
    before = snapshot(engine)

    again = first_upload(engine)

    assert (again.status, again.duplicate_of) == ("duplicate", first.upload_id)
    assert snapshot(engine) == before


def test_same_rows_in_another_file_change_nothing(engine):
    first_upload(engine)
    before = snapshot(engine)
    same_rows = upload(episodes=rows("episodes", {"participant_id": "D-2"}))

    report = import_upload(engine, same_rows, user="anna")

    assert report.status == "no_change"
    assert report.counts == {"Deltagare": {"added": 0, "updated": 0, "unchanged": 1}}
    assert snapshot(engine) == before


def test_update_keeps_history_and_undo_restores_earlier_values(engine):
    first_upload(engine)
    before = snapshot(engine)
    ended = {"participant_id": "D-1", "end_date": date(2023, 6, 30), "exit_reason": "Studier",
             "outcome_group": "studies"}
    second = upload(episodes=rows("episodes", ended, {"participant_id": "D-3"}))
    report = import_upload(engine, second, user="bo")
    assert report.counts == {"Deltagare": {"added": 1, "updated": 1, "unchanged": 0}}
    after = episodes_of(engine)
    assert after["exit_reason"].to_list() == ["Studier", None, None]
    assert after["end_date"].to_list() == [date(2023, 6, 30), None, None]

    result = undo(engine, report.upload_id, user="bo")

    assert (result.rows_deleted, result.rows_restored) == (1, 1)
    restored = snapshot(engine)
    assert {t: restored[t] for t in DATA_TABLES} == {t: before[t] for t in DATA_TABLES}
    assert [u["status"] for u in list_uploads(engine)] == ["undone", "committed"]


def test_undo_refuses_when_a_later_upload_changed_the_same_rows(engine):
    first = first_upload(engine)
    older = upload(episodes=rows("episodes", {"participant_id": "D-1", "age_at_start": 41}))
    import_upload(engine, older, user="bo")

    with pytest.raises(UndoRefused, match=r"senare uppladdningar \(2\) ändrade samma rader"):
        undo(engine, first.upload_id, user="bo")


def test_undo_twice_is_refused(engine):
    first = first_upload(engine)
    undo(engine, first.upload_id, user="anna")
    with pytest.raises(UndoRefused, match="redan ångrad"):
        undo(engine, first.upload_id, user="anna")
    assert episodes_of(engine).is_empty()


def test_reimport_after_undo_lands_again(engine):
    first = first_upload(engine)
    undo(engine, first.upload_id, user="anna")
    assert first_upload(engine).status == "committed"
    assert episodes_of(engine).height == 2


def test_dry_run_reports_changes_and_writes_nothing(engine):
    before = snapshot(engine)
    report = import_upload(engine, upload(insatser=rows("insatser", {})), user="x", dry_run=True)
    assert report.status == "dry_run"
    assert report.counts == {"Insatser": {"added": 1, "updated": 0, "unchanged": 0}}
    assert snapshot(engine) == before


def test_upload_with_errors_writes_nothing(engine):
    parsed = upload(insatser=rows("insatser", {}))
    parsed.issues.append(Issue("a.xlsx", "Deltagare", 9, "Kön", "X", "Okänt kön"))
    before = snapshot(engine)
    assert import_upload(engine, parsed, user="x").status == "rejected"
    assert snapshot(engine) == before


def test_failure_while_writing_the_last_table_rolls_back_everything(engine):
    first_upload(engine)
    before = snapshot(engine)
    # Budget is written last; a NULL in its required `budget` column fails inside the database.
    broken = upload(insatser=rows("insatser", {"insats": "Ny"}),
                    episodes=rows("episodes", {"participant_id": "D-9"}),
                    budget_lines=rows("budget_lines", {"budget": None}))
    with pytest.raises(Exception):  # noqa: B017 - the driver's IntegrityError differs per backend
        import_upload(engine, broken, user="x")
    assert snapshot(engine) == before


def test_upload_rows_returns_exactly_what_an_upload_brought(engine):
    first_upload(engine)
    older = upload(episodes=rows("episodes", {"participant_id": "D-2", "age_at_start": 55}))
    report = import_upload(engine, older, user="bo")
    brought = upload_rows(engine, report.upload_id)
    assert list(brought) == ["Deltagare"]
    assert brought["Deltagare"].select("Deltagar-ID", "Ålder vid start").rows() == [("D-2", 55)]


def test_data_version_changes_on_commit_and_undo(engine):
    v0 = data_version(engine)
    first = first_upload(engine)
    v1 = data_version(engine)
    undo(engine, first.upload_id, user="anna")
    assert len({v0, v1, data_version(engine)}) == 3


def test_frames_have_contract_dtypes_on_every_backend(engine):
    first_upload(engine)
    frame = episodes_of(engine)
    assert frame.schema["start_date"] == pl.Date
    assert frame.schema["age_at_start"] == pl.Int64
    assert frame.schema["public_support_years"] == pl.Float64
    assert frame["start_date"].to_list() == [date(2023, 1, 1)] * 2


def test_blank_insats_is_stored_as_empty_text(engine):
    line = rows("budget_lines", {"insats": ""})
    import_upload(engine, upload(budget_lines=line), user="x")
    with engine.connect() as conn:
        assert conn.execute(select(DATA_TABLES["budget_lines"].c.insats)).scalar_one() == ""


def two_forbund_upload(engine):
    other = "Demoförbundet Annat"
    return import_upload(engine, upload(
        insatser=rows("insatser", {}, {"forbund": other}),
        episodes=rows("episodes", {"participant_id": "D-1"},
                      {"forbund": other, "participant_id": "D-9"})), user="admin")


def test_upload_rows_in_a_forbund_scope_leave_out_other_forbund(engine):
    report = two_forbund_upload(engine)

    scoped = upload_rows(engine, report.upload_id, forbund={"Demoförbundet Test"})

    assert sorted(scoped) == ["Deltagare", "Insatser"]
    assert scoped["Deltagare"].select("Förbund", "Deltagar-ID").rows() == [
        ("Demoförbundet Test", "D-1")]
    assert scoped["Insatser"]["Förbund"].to_list() == ["Demoförbundet Test"]
    assert upload_rows(engine, report.upload_id, forbund={"Demoförbundet Okänt"}) == {}
    assert upload_forbund(engine, report.upload_id) == {"Demoförbundet Test",
                                                        "Demoförbundet Annat"}


def test_uploads_listed_for_a_forbund_are_those_that_touched_it(engine):
    both = two_forbund_upload(engine).upload_id
    only_other = import_upload(engine, upload(episodes=rows(
        "episodes", {"forbund": "Demoförbundet Annat", "participant_id": "D-8"})),
        user="admin").upload_id

    listed = [u["id"] for u in list_uploads(engine, forbund={"Demoförbundet Test"})]

    assert listed == [both]
    assert [u["id"] for u in list_uploads(engine)] == [only_other, both]


def test_file_names_are_stored_with_personnummer_and_email_masked(engine):
    parsed = upload(insatser=rows("insatser", {}))
    parsed.file_names = ["Deltagare 19121212 1212.xlsx", "från anna.svensson@kommun.se.xlsx",
                         "Deltagare.csv"]

    import_upload(engine, parsed, user="anna", now=NOW)

    with engine.connect() as conn:
        stored = conn.execute(select(uploads.c.file_names)).scalar_one()
    assert stored == ["Deltagare 19121212 ****.xlsx", "från a***@kommun.se.xlsx",
                      "Deltagare.csv"]
    assert list_uploads(engine)[0]["file_names"] == stored


def test_file_names_stored_before_masking_are_listed_masked(engine):
    first_upload(engine)
    with engine.begin() as conn:
        conn.execute(update(uploads).values(file_names=["811218-9876.csv"]))

    assert list_uploads(engine)[0]["file_names"] == ["811218-****.csv"]
