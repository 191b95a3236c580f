"""The Rapport page under every role: samordnare and admin write the texts (a save is an
upload, undone in Historik), styrelse and styrgrupp read them, styrgrupp only their insatser.

Tests that save work on their own copy of the demo database, like test_upload.py.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from apptest_tools import ROLES, notices, open_page, texts, widget

from dashboard import escape
from dashboard.filters import filter_options
from dashboard.report_texts_ui import KIND_LABELS
from loaders.demo import DEMO_USERS
from loaders.demo_texts import FORBUND_TEXTS, INSATS_TEXTS
from loaders.history import list_uploads
from loaders.importer import import_upload
from loaders.parse import parse_files
from loaders.report_texts import EMPTY_SECTION, SECTIONS, report_texts, save_report_text
from loaders.schema import make_engine
from tests.loaders.factories import snapshot
from tests.loaders.files import csv_bytes, insatser
from tests.upload_files import NORRDAL, SJOSTAD

EDITORS, READERS = ("admin", "samordnare"), ("styrelse", "styrgrupp")
NEW_TEXT = "Två avvikelser under året.\n\nBåda är åtgärdade."


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


def user(role: str) -> dict:
    return next(u for u in DEMO_USERS if u["username"] == role)


def areas(at) -> dict[str, str]:
    """Section -> the text in its text area."""
    return {t.label: t.value for t in at.main.text_area}


def choose(at, kind: str, insats: str | None = None):
    at.segmented_control(key="rapport_kind").set_value(kind).run()
    if insats is not None:
        at.selectbox(key="rapport_insats").set_value(insats).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("role", ROLES)
def test_page_opens_for_every_role_with_the_texts_of_the_default_year(logged_in, role):
    at = open_page(logged_in(role), "rapport")

    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Rapport"]
    kinds = at.segmented_control(key="rapport_kind").options
    expected = ["insats", "slutrapport"] + ([] if role == "styrgrupp" else ["forbund"])
    assert kinds == [KIND_LABELS[k] for k in expected]
    first_section = "Bakgrund och syfte"
    if role in EDITORS:
        assert list(areas(at)) == list(SECTIONS)
        assert any(b.label == "Spara" for b in at.main.button)
    else:
        assert not at.main.text_area
        assert not [b for b in at.main.button if b.label == "Spara"]
        assert f"#### {first_section}" in [m.value for m in at.main.markdown]


def test_styrelse_reads_the_forbund_texts_as_plain_text_and_empty_sections_marked(logged_in):
    at = open_page(logged_in("styrelse"), "rapport")
    year = widget(at, "selectbox", "ar").value

    assert at.segmented_control(key="rapport_kind").value == "forbund"
    assert at.main.subheader[-1].value == f"Texter för hela förbundet · {year}"
    shown = [m.value for m in at.main.markdown]
    assert "Förbundet finansierar insatser där Arbetsförmedlingen, Försäkringskassan, " \
           "regionen och kommunerna arbetar tillsammans, så att fler personer i behov av " \
           "samordnat stöd kommer närmare arbete eller studier.\n\nDetta är en fiktiv text i " \
           "demodata." in shown
    assert [c.value for c in at.main.caption].count(EMPTY_SECTION) == \
        len(SECTIONS) - len(FORBUND_TEXTS)
    assert not at.main.text_area


def test_styrgrupp_chooses_only_among_their_insatser_and_has_no_forbund_report(logged_in):
    mine = sorted(user("styrgrupp")["insatser"])
    at = open_page(logged_in("styrgrupp"), "rapport")

    assert at.segmented_control(key="rapport_kind").options == [
        KIND_LABELS["insats"], KIND_LABELS["slutrapport"]]
    assert at.selectbox(key="rapport_insats").options == mine
    at.selectbox(key="rapport_insats").set_value("Samordningsteamet").run()
    shown = "\n".join(texts(at))
    assert INSATS_TEXTS["Målgrupp"] in shown
    assert FORBUND_TEXTS["Bakgrund och syfte"].split("\n")[0] not in shown
    for other in ("Steget Vidare", "Hälsoslussen", "Samverkan Psykiatri"):
        assert other not in shown


def test_styrgrupp_with_one_insats_in_the_sidebar_gets_it_without_asking(logged_in):
    at = logged_in("styrgrupp", query_params={"insats": "Unga Vuxna i Arbete"})
    open_page(at, "rapport")

    assert not at.main.selectbox
    assert at.main.subheader[-1].value.startswith("Texter för insatsen Unga Vuxna i Arbete · ")


def test_samordnare_saves_a_section_as_an_upload_shown_on_the_page_and_undone_in_historik(
        logged_in, own_db):
    at = choose(open_page(logged_in("samordnare"), "rapport"), "insats", "Samordningsteamet")
    year = widget(at, "selectbox", "ar").value
    before = areas(at)
    assert before["Avvikelser"] == "" and before["Målgrupp"] == INSATS_TEXTS["Målgrupp"]

    next(t for t in at.main.text_area if t.label == "Avvikelser").input(NEW_TEXT)
    at.button(key="rapport_spara").click().run()

    assert not at.exception, at.exception
    [upload] = list_uploads(own_db)[:1]
    assert upload["file_names"] == [f"Rapport: Avvikelser – Samordningsteamet, {year}"]
    assert [s.value for s in at.main.success] == [
        f"Sparat som uppladdning {upload['id']} (Avvikelser). Du kan ångra den under Historik."]
    assert report_texts(own_db, NORRDAL, ["Samordningsteamet"], str(year))["Avvikelser"] == \
        NEW_TEXT
    at.run()  # a new run reads the saved text from the database
    assert areas(at)["Avvikelser"] == NEW_TEXT

    open_page(at, "historik")
    assert at.selectbox(key="history_upload").value == upload["id"]
    at.checkbox(key="undo_confirm").check().run()
    at.button(key="undo_button").click().run()
    assert not at.exception, at.exception
    assert "Avvikelser" not in report_texts(own_db, NORRDAL, ["Samordningsteamet"], str(year))
    choose(open_page(at, "rapport"), "insats", "Samordningsteamet")
    assert areas(at) == before


def test_saving_unchanged_texts_says_so_and_writes_nothing(logged_in, own_db):
    at = open_page(logged_in("admin"), "rapport")
    before = snapshot(own_db)

    at.button(key="rapport_spara").click().run()

    assert "Inga ändringar att spara." in notices(at)
    assert snapshot(own_db) == before


def test_a_personnummer_in_a_text_is_refused_and_nothing_is_saved(logged_in, own_db):
    at = choose(open_page(logged_in("samordnare"), "rapport"), "forbund")
    before = snapshot(own_db)

    next(t for t in at.main.text_area if t.label == "Målgrupp").input(
        "Till exempel deltagare 811218-9876.")
    at.button(key="rapport_spara").click().run()

    assert not at.exception, at.exception
    [error] = [e.value for e in at.main.error]
    assert error.startswith("Texterna sparades inte:\n\n- Cellen ser ut att innehålla ett "
                            "personnummer")
    assert "9876" not in error
    assert snapshot(own_db) == before


def test_a_name_in_a_saved_text_gives_a_warning(logged_in, own_db):
    at = choose(open_page(logged_in("admin"), "rapport"), "forbund")

    next(t for t in at.main.text_area if t.label == "Genomförande").input(
        "Samordnaren Lena Berg leder arbetet.")
    at.button(key="rapport_spara").click().run()

    assert len(at.main.success) == 1
    assert [w.value for w in at.main.warning] == [
        "Texten ser ut att innehålla ett namn. Kontrollera att ingen deltagare namnges: skriv "
        "om deltagare utan namn. Namn på personal eller kontaktpersoner går bra."]


def test_markup_in_a_text_is_shown_literally_to_readers(logged_in, own_db, demo_frames):
    evil = "**fet** [Logga in](http://evil.example) <b>x</b>\n- punkt"
    year = filter_options(demo_frames, date.today()).default_year  # as the sidebar opens
    assert save_report_text(own_db, SJOSTAD, "", str(year), "Målgrupp", evil,
                            "admin").status == "committed"

    at = open_page(logged_in("styrelse"), "rapport")

    shown = [m.value for m in at.main.markdown]
    assert "\\*\\*fet\\*\\* \\[Logga in\\](http\\:\u2060//evil.example) \\<b\\>x\\</b\\>  \n" \
           "\\- punkt" in shown
    assert not [m for m in shown if "](http:" in m]


def test_an_insats_name_with_markup_is_a_literal_heading(logged_in, own_db):
    evil = "[Logga in igen](http://evil.example) <b>nu</b>"
    parsed = parse_files([("Insatser.csv", csv_bytes(insatser(evil, forbund=NORRDAL)))])
    assert import_upload(own_db, parsed, user="admin").status == "committed"

    at = logged_in("admin", query_params={"forbund": NORRDAL, "insats": [evil]})
    at = choose(open_page(at, "rapport"), "insats")
    year = widget(at, "selectbox", "ar").value

    assert at.main.subheader[-1].value == (
        f"Texter för insatsen {escape.markdown(evil)} · {year}")
    assert "](http:" not in at.main.subheader[-1].value
