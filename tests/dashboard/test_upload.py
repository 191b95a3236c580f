"""Uppladdning and Historik as a samordnare uses them: check, preview, commit, undo.

Each test works on its own copy of the demo database (the session's demo database is shared
by every other dashboard test and must not change).
"""

from __future__ import annotations

import io
import shutil

import openpyxl
import polars as pl
import pytest
from apptest_tools import metric, notices, open_page, widget

from dashboard.context import pages_for
from loaders.examples import SKIPPED_MESSAGE
from loaders.frames import load_frames
from loaders.limits import MAX_UPLOAD_BYTES
from loaders.privacy import PNR_MESSAGE
from loaders.schema import make_engine
from metrics import Selection, public_kpis, year_period
from tests.data.bad.make_corpus import hostile
from tests.loaders.factories import snapshot
from tests.upload_files import NEW_EPISODES, NORRDAL, SJOSTAD, deltagare_csv, insats_of


@pytest.fixture
def own_db(app_env, demo_url, tmp_path, monkeypatch):
    """DATABASE_URL pointing at a private copy of the demo database; yields its engine."""
    copy = tmp_path / "own.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def upload(at, files: list[tuple[str, bytes]]):
    open_page(at, "uppladdning")
    at.file_uploader(key="upload_files").set_value(
        [(name, data, "text/csv") for name, data in files])
    return at.run()


def test_valid_upload_previews_commits_and_moves_the_oversikt_kpi(logged_in, own_db,
                                                                  demo_frames):
    at = logged_in("samordnare")
    year = widget(at, "selectbox", "ar").value
    insats = insats_of(demo_frames, NORRDAL)
    sel = Selection(forbund=(NORRDAL,), date_from=year_period(year)[0],
                    date_to=year_period(year)[1])
    share = "Andel till arbete"
    before = public_kpis(demo_frames, sel).values["share_work"]
    assert metric(at, share) == f"{before * 100:.1f} %".replace(".", ",")

    upload(at, [("Deltagare.csv", deltagare_csv(NORRDAL, insats, year))])

    assert not at.exception
    assert [s.value for s in at.main.success] == ["Inga problem hittades."]
    counts = at.main.dataframe[0].value
    assert counts.to_dict("records") == [{"Blad": "Deltagare", "Nya rader": NEW_EPISODES,
                                          "Ändrade rader": 0, "Oförändrade rader": 0}]
    moves = at.main.dataframe[1].value
    moved = moves[moves["Nyckeltal"] == "Andel till arbete"].to_dict("records")
    assert len(moved) == 1 and moved[0]["Förbund"] == NORRDAL and moved[0]["År"] == str(year)

    at.button(key="upload_commit").click().run()
    assert not at.exception
    assert any(s.value.startswith("Uppladdning 2 är sparad") for s in at.main.success)

    open_page(at, "oversikt")
    after = public_kpis(load_frames(own_db), sel).values["share_work"]
    assert after > before
    assert metric(at, share) == f"{after * 100:.1f} %".replace(".", ",")
    assert moved[0]["Efter"] == metric(at, share)


def test_same_file_twice_changes_nothing_the_second_time(logged_in, own_db, demo_frames):
    at = logged_in("samordnare")
    year = widget(at, "selectbox", "ar").value
    files = [("Deltagare.csv", deltagare_csv(NORRDAL, insats_of(demo_frames, NORRDAL), year))]
    upload(at, files)
    at.button(key="upload_commit").click().run()
    before = snapshot(own_db)

    second = logged_in("samordnare")
    upload(second, files)

    assert not second.exception
    assert "Den här filen är redan inläst (uppladdning 2). Ingenting ändras." in notices(second)
    assert "upload_commit" not in [b.key for b in second.main.button]
    assert snapshot(own_db) == before


def test_invalid_upload_lists_every_problem_and_changes_nothing(logged_in, own_db,
                                                               demo_frames, downloads):
    at = logged_in("samordnare")
    insats = insats_of(demo_frames, NORRDAL)
    good = deltagare_csv(NORRDAL, insats, 2024, n=3).decode().splitlines()
    bad = [good[0],
           good[1].replace("2024-09-30", "2024-01-15"),  # Slutdatum before Startdatum
           good[2].replace(";Kvinna;", ";Okänt kön;"),
           good[3].replace("T-002", "19121212-1212")]  # a personnummer as id
    before = snapshot(own_db)

    upload(at, [("Deltagare.csv", ("\n".join(bad) + "\n").encode())])

    assert not at.exception
    grouped, problems = (d.value for d in at.main.dataframe)
    found = sorted(zip(problems["Rad"], problems["Kolumn"], strict=True))
    assert found == [("2", "Slutdatum"), ("3", "Kön"), ("4", "Deltagar-ID")]
    assert sorted(zip(grouped["Kolumn"], grouped["Antal"], strict=True)) == [
        ("Deltagar-ID", 1), ("Kön", 1), ("Slutdatum", 1)]
    assert "3 fel och 0 varningar." in notices(at)
    assert "Rätta filen och ladda upp den igen. Ingenting har sparats." in notices(at)
    assert "upload_commit" not in [b.key for b in at.main.button]
    assert "finsam-kontroll.xlsx" in downloads
    assert snapshot(own_db) == before


def test_file_over_50_mb_gets_the_swedish_message_in_the_page(logged_in, own_db):
    # Regression: the widget refused it itself, in English ("File must be 50.0MB or
    # smaller"); its own limit (server.maxUploadSize) is now higher, so the check speaks.
    at = logged_in("samordnare")
    before = snapshot(own_db)

    upload(at, [("Deltagare.csv", b"x" * (MAX_UPLOAD_BYTES + 1))])

    assert not at.exception
    _, problems = (d.value for d in at.main.dataframe)
    assert list(problems["Problem"]) == [
        "Filen Deltagare.csv är för stor (50,1 MB). Största tillåtna storlek är 50 MB per fil. "
        "Dela upp uppgifterna i flera filer, t.ex. en per blad eller per år."]
    assert "Högst 50 MB per fil. Filerna kontrolleras innan något sparas." in [
        c.value for c in at.main.caption]
    assert "upload_commit" not in [b.key for b in at.main.button]
    assert snapshot(own_db) == before


def test_hostile_workbook_is_refused_in_the_page_with_its_message(logged_in, own_db,
                                                                  downloads):
    at = logged_in("samordnare")
    before = snapshot(own_db)

    upload(at, [("kvartal.xlsx", hostile()["hostile/formula_tags.xlsx"].build())])

    assert not at.exception
    _, problems = (d.value for d in at.main.dataframe)
    assert list(problems["Problem"]) == [
        "Cellen A2 i bladet Deltagare har en ovanlig intern uppbyggnad (fler än 1 000 "
        "XML-element) som Excel aldrig skriver. Öppna filen i Excel, spara den som "
        "Excel-arbetsbok (.xlsx) och försök igen."]
    assert "finsam-kontroll.xlsx" in downloads
    assert snapshot(own_db) == before


def test_samordnare_uploading_another_forbunds_rows_is_rejected(logged_in, own_db,
                                                                 demo_frames):
    at = logged_in("samordnare")
    csv = deltagare_csv(SJOSTAD, insats_of(demo_frames, SJOSTAD), 2024, n=2)
    before = snapshot(own_db)

    upload(at, [("Deltagare.csv", csv)])

    assert not at.exception
    grouped, problems = (d.value for d in at.main.dataframe)
    assert grouped[["Kolumn", "Antal"]].values.tolist() == [["Förbund", 2]]
    assert set(problems["Kolumn"]) == {"Förbund"}
    assert list(problems["Rad"]) == ["2", "3"]
    assert all(NORRDAL in p for p in problems["Problem"])
    assert "upload_commit" not in [b.key for b in at.main.button]
    assert snapshot(own_db) == before


def test_styrelse_and_styrgrupp_have_no_upload_or_history_page():
    for role in ("styrelse", "styrgrupp"):
        assert "uppladdning" not in pages_for(role)
        assert "historik" not in pages_for(role)


def upload_norrdal_episodes(at, demo_frames) -> None:
    """Upload (not yet save) new Norrdal episodes in the year the sidebar shows."""
    year = widget(at, "selectbox", "ar").value
    upload(at, [("Deltagare.csv", deltagare_csv(NORRDAL, insats_of(demo_frames, NORRDAL),
                                                year))])


def test_historik_undo_restores_the_database(logged_in, own_db, demo_frames):
    at = logged_in("samordnare")
    before = snapshot(own_db)
    upload_norrdal_episodes(at, demo_frames)
    at.button(key="upload_commit").click().run()
    assert snapshot(own_db) != before

    open_page(at, "historik")
    listed = at.main.dataframe[0].value
    assert list(listed["Nr"]) == [2, 1]
    assert list(listed["Nya"])[0] == NEW_EPISODES
    assert at.selectbox(key="history_upload").value == 2
    assert at.button(key="undo_button").disabled
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()

    assert not at.exception
    assert [s.value for s in at.main.success] == [
        f"Uppladdning 2 är ångrad: {NEW_EPISODES} rader borttagna, 0 återställda."]
    # Regression: the table drawn in the same run as the click still said "Sparad".
    assert list(at.main.dataframe[0].value["Status"]) == ["Ångrad", "Sparad"]
    assert "undo_button" not in [b.key for b in at.main.button]
    after = snapshot(own_db)
    bookkeeping = ("uploads", "row_history")  # the undone upload stays listed as undone
    assert {k: v for k, v in after.items() if k not in bookkeeping} == \
        {k: v for k, v in before.items() if k not in bookkeeping}
    assert list(open_page(at, "historik").main.dataframe[0].value["Status"]) == [
        "Ångrad", "Sparad"]


def test_samordnare_cannot_undo_an_upload_spanning_other_forbund(logged_in, own_db, downloads):
    at = logged_in("samordnare")
    open_page(at, "historik")

    assert at.selectbox(key="history_upload").value == 1  # the demo upload: every förbund
    assert ("Uppladdning 1 gäller även andra förbund och kan bara ångras av en "
            "administratör.") in notices(at)
    assert "undo_button" not in [b.key for b in at.main.button]
    rows = pl.read_excel(downloads["uppladdning-1.xlsx"], sheet_name="Deltagare")
    assert set(rows["Förbund"]) == {NORRDAL}


def test_admin_can_undo_the_demo_upload_of_every_forbund(logged_in, own_db):
    at = logged_in("admin")
    open_page(at, "historik")
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()

    assert not at.exception
    assert at.main.success[0].value.startswith("Uppladdning 1 är ångrad:")
    assert snapshot(own_db)["episodes"] == []


SAMORDNARE_SHEETS = ["Insatser", "Mål", "Deltagare", "Uppföljning", "Budget", "Finansiering",
                     "Samhällsekonomi", "Indikatorer", "Volymer", "Rapporttexter"]


def test_template_downloaded_by_a_samordnare_uploads_unchanged_without_errors(
        logged_in, own_db, downloads):
    at = logged_in("samordnare")
    open_page(at, "uppladdning")
    template = downloads["finsam-mall.xlsx"]
    assert openpyxl.load_workbook(io.BytesIO(template)).sheetnames == [
        "Instruktioner", *SAMORDNARE_SHEETS, "Värdelistor"]
    before = snapshot(own_db)

    upload(at, [("finsam-mall.xlsx", template)])

    assert not at.exception
    assert [w.value for w in at.main.warning] == ["0 fel och 10 varningar."]
    assert [i.value for i in at.main.info] == [
        "Filen har inga rader att spara. Exempelrader från mallen läses inte in: fyll i egna "
        "rader under rubrikerna och ladda upp filen igen."]
    assert not at.main.error
    problems = at.main.dataframe[1].value
    assert problems.to_dict("records") == [
        {"Fil": "finsam-mall.xlsx", "Blad": name, "Rad": "2", "Kolumn": "Exempelrad",
         "Värde": "Ja", "Problem": SKIPPED_MESSAGE, "Allvarlighet": "varning"}
        for name in SAMORDNARE_SHEETS]
    assert "upload_commit" not in [b.key for b in at.main.button]
    assert snapshot(own_db) == before


def test_upload_page_tells_how_csv_files_are_named_before_any_upload(logged_in):
    at = logged_in("samordnare")
    open_page(at, "uppladdning")

    assert not at.exception
    assert ("CSV-filer: en fil per blad, som heter som bladet – Insatser.csv, Mål.csv, "
            "Deltagare.csv, Uppföljning.csv, Budget.csv, Finansiering.csv, Samhällsekonomi.csv, "
            "Indikatorer.csv, Volymer.csv, Rapporttexter.csv.") in [
        c.value for c in at.main.caption]


def test_report_cells_without_row_or_column_are_blank_never_none(logged_in, own_db, downloads):
    at = logged_in("samordnare")

    upload(at, [("Kvartal.csv", b"Insats;Kommentar\nSteget;x\n")])

    assert not at.exception
    grouped, problems = (d.value for d in at.main.dataframe)
    message = ("Filnamnet motsvarar inget blad. En CSV-fil ska heta exakt som bladet, t.ex. "
               "Deltagare.csv. Tillåtna namn: Insatser, Mål, Deltagare, Uppföljning, Budget, "
               "Finansiering, Samhällsekonomi, Schablonkostnader, Indikatorer, Volymer, "
               "Helårsekvivalenter, Rapporttexter.")
    assert problems.to_dict("records") == [
        {"Fil": "Kvartal.csv", "Blad": "Kvartal", "Rad": "", "Kolumn": "", "Värde": "",
         "Problem": message, "Allvarlighet": "fel"}]
    assert grouped.to_dict("records") == [
        {"Fil": "Kvartal.csv", "Blad": "Kvartal", "Kolumn": "", "Problem": message,
         "Antal": 1, "Första rad": "", "Allvarlighet": "fel"}]
    book = openpyxl.load_workbook(io.BytesIO(downloads["finsam-kontroll.xlsx"]))
    assert [c.value for c in book["Problem"][2]] == [
        "Kvartal.csv", "Kvartal", None, None, None, message, "fel"]


def test_after_saving_spara_is_gone_and_the_upload_can_be_undone_there(logged_in, own_db,
                                                                       demo_frames):
    at = logged_in("samordnare")
    before = snapshot(own_db)
    upload_norrdal_episodes(at, demo_frames)

    at.button(key="upload_commit").click().run()

    assert not at.exception
    assert [s.value for s in at.main.success] == [
        "Inga problem hittades.", "Uppladdning 2 är sparad. Översikten visar de nya siffrorna."]
    assert [b.key for b in at.main.button] == ["upload_undo"]
    at.run()  # any later run, e.g. a filter changed
    assert [s.value for s in at.main.success] == [
        "Uppladdning 2 är sparad. Översikten visar de nya siffrorna."]
    assert [b.key for b in at.main.button] == ["upload_undo"]

    at.button(key="upload_undo").click().run()

    assert not at.exception
    assert [s.value for s in at.main.success] == [
        f"Uppladdning 2 är ångrad: {NEW_EPISODES} rader borttagna, 0 återställda.",
        "Inga problem hittades."]  # the file, still chosen, is checked again
    assert [b.key for b in at.main.button] == ["upload_commit"]
    bookkeeping = ("uploads", "row_history")
    assert {k: v for k, v in snapshot(own_db).items() if k not in bookkeeping} == \
        {k: v for k, v in before.items() if k not in bookkeeping}
    assert list(open_page(at, "historik").main.dataframe[0].value["Status"]) == [
        "Ångrad", "Sparad"]


@pytest.mark.parametrize(("participant_id", "shown"), [
    ("8112189875", "811218****"),  # check digit wrong (811218-9876 is valid)
    ("19811218-9875", "19811218-****"),
    ("811278-9870", "811278-****"),  # a samordningsnummer, check digit wrong
])
def test_personnummer_shaped_deltagar_id_with_wrong_check_digit_is_refused_in_the_page(
        logged_in, own_db, demo_frames, participant_id, shown):
    # Regression: it passed with "Inga problem hittades".
    at = logged_in("samordnare")
    csv = deltagare_csv(NORRDAL, insats_of(demo_frames, NORRDAL), 2024, n=1)
    before = snapshot(own_db)

    upload(at, [("Deltagare.csv", csv.replace(b"T-000", participant_id.encode()))])

    assert not at.exception
    _, problems = (d.value for d in at.main.dataframe)
    assert problems[["Rad", "Kolumn", "Värde", "Problem"]].values.tolist() == [
        ["2", "Deltagar-ID", shown, PNR_MESSAGE]]
    assert "Inga problem hittades." not in [s.value for s in at.main.success]
    assert "upload_commit" not in [b.key for b in at.main.button]
    assert snapshot(own_db) == before


def test_rows_already_stored_offer_nothing_to_save(logged_in, own_db, demo_frames):
    at = logged_in("samordnare")
    csv = deltagare_csv(NORRDAL, insats_of(demo_frames, NORRDAL), 2024, n=2)
    upload(at, [("Deltagare.csv", csv)])
    at.button(key="upload_commit").click().run()

    again = logged_in("samordnare")
    upload(again, [("deltagare.csv", csv)])  # another name: not the same file, the same rows

    assert not again.exception
    assert notices(again) == [
        "Alla rader finns redan med samma värden. Det finns inget att spara."]
    assert "upload_commit" not in [b.key for b in again.main.button]
