"""Report texts (sheet Rapporttexter): contract and template, import with history and undo,
validation, saving from the app as an upload, reading them for a report."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest

from loaders.contract import REPORT_SECTIONS, SHEETS_BY_NAME, Kind
from loaders.frames import load_frames
from loaders.history import list_uploads, undo, upload_forbund, upload_rows
from loaders.importer import import_upload
from loaders.parse import parse_files
from loaders.report_texts import (
    SECTIONS,
    period_text,
    report_text_parts,
    report_texts,
    save_report_text,
    save_report_texts,
    too_long_message,
)
from loaders.template import LISTS_SHEET, build_template, sheet_guide_markdown
from metrics.periods import canonical_report_period, report_period
from tests.loaders.factories import snapshot
from tests.loaders.files import csv_bytes, example, insatser, table, xlsx_bytes

NORR = "Demoförbundet Norr"
STEGET = "Steget Vidare"
NOW = datetime(2026, 3, 1, 9, 30)
TEXT = "Första stycket.\n\nAndra stycket med ”citat”; semikolon, och komma.\n– en rad till"
PNR_MESSAGE = (
    "Cellen ser ut att innehålla ett personnummer eller samordningsnummer. Personnummer får "
    "inte laddas upp. Ersätt personnumret med ett löpnummer eller id från ärendesystemet, "
    "t.ex. D-000123; spara kopplingsnyckeln hos er, aldrig här.")
EMAIL_MESSAGE = ("Cellen innehåller en e-postadress. E-postadresser får inte laddas upp – ta "
                 "bort den.")
SECTION_MESSAGE = ("Okänt värde för Avsnitt. Tillåtna värden: Bakgrund och syfte, Målgrupp, "
                   "Genomförande, Analys och reflektion, Avvikelser, Slutsatser.")
PERIOD_MESSAGE = ("Okänd period. Skriv ett år (2024), ett halvår (2024 H1), ett kvartal "
                  "(2024 Q3) eller ett datumintervall (2024-01-01–2024-06-30).")
NAME_WARNING = ("Texten ser ut att innehålla ett namn. Kontrollera att ingen deltagare namnges: "
                "skriv om deltagare utan namn. Namn på personal eller kontaktpersoner går bra.")


def text_row(**overrides) -> dict:
    return example("Rapporttexter", **overrides)


def texts_csv(*rows: dict) -> tuple[str, bytes]:
    return "Rapporttexter.csv", csv_bytes(table("Rapporttexter", *rows), sep=";")


def with_insats(engine) -> None:
    """The database knows Steget Vidare of Demoförbundet Norr."""
    parsed = parse_files([("Insatser.csv", csv_bytes(insatser(STEGET, forbund=NORR)))])
    assert import_upload(engine, parsed, user="anna", now=NOW).status == "committed"


def stored(engine) -> list[tuple]:
    frame = load_frames(engine, ["report_texts"])["report_texts"]
    return sorted(frame.select("forbund", "insats", "period", "section", "text").rows())


def errors(parsed) -> list[tuple]:
    return [(i.sheet, i.row, i.column, i.value, i.message) for i in parsed.issues
            if i.severity == "error"]


# --- contract and template -------------------------------------------------------------------

def test_contract_declares_the_sheet_with_its_key_and_sections():
    sheet = SHEETS_BY_NAME["Rapporttexter"]
    assert sheet.table == "report_texts"
    assert [c.header for c in sheet.columns] == ["Förbund", "Insats", "Period", "Avsnitt", "Text"]
    assert sheet.key == ("forbund", "insats", "period", "section")
    assert sheet.column("section").values == REPORT_SECTIONS == SECTIONS == (
        "Bakgrund och syfte", "Målgrupp", "Genomförande", "Analys och reflektion", "Avvikelser",
        "Slutsatser")
    assert (sheet.column("period").kind, sheet.column("text").kind) == (Kind.PERIOD,
                                                                        Kind.LONG_TEXT)
    assert not sheet.column("insats").required and not sheet.column("text").required


def test_template_has_the_sheet_with_a_section_drop_down_and_a_wide_text_column():
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    ws = book["Rapporttexter"]
    assert [c.value for c in ws[1]] == ["Förbund", "Insats", "Period", "Avsnitt", "Text",
                                        "Exempelrad"]
    [dv] = [dv for dv in ws.data_validations.dataValidation if "D2" in str(dv.sqref)]
    assert dv.type == "list"
    sheet_name, cells = dv.formula1.lstrip("=").split("!")
    assert sheet_name.strip("'") == LISTS_SHEET
    first, last = cells.replace("$", "").split(":")
    listed = [c.value for row in book[LISTS_SHEET][first:last] for c in row]
    assert listed == list(REPORT_SECTIONS)
    assert ws.column_dimensions["E"].width >= 80
    assert ws["C2"].value == "2025" and ws["D2"].value == "Bakgrund och syfte"


def test_guide_describes_the_sheet():
    md = sheet_guide_markdown()
    assert "## Blad `Rapporttexter`" in md
    assert "| Period | ja | period (2024, 2024 H1, 2024 Q3) |" in md
    assert "| Text | nej | text (flera rader går bra) |" in md


# --- periods ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("frm", "to", "text"), [
    (date(2024, 1, 1), date(2024, 12, 31), "2024"),
    (date(2024, 1, 1), date(2024, 6, 30), "2024 H1"),
    (date(2024, 7, 1), date(2024, 12, 31), "2024 H2"),
    (date(2024, 7, 1), date(2024, 9, 30), "2024 Q3"),
    (date(2024, 2, 1), date(2024, 5, 31), "2024-02-01–2024-05-31"),
    (date(2023, 7, 1), date(2024, 6, 30), "2023-07-01–2024-06-30"),
])
def test_report_period_names_the_sidebar_periods(frm, to, text):
    assert report_period(frm, to) == text
    assert period_text((frm, to)) == text
    assert canonical_report_period(text) == text


@pytest.mark.parametrize(("written", "canonical"), [
    ("2024", "2024"), (" 2024h1", "2024 H1"), ("2024-H2", "2024 H2"), ("2024-Q3", "2024 Q3"),
    ("2024q4", "2024 Q4"), ("2024-01-01–2024-12-31", "2024"), ("2024-04-01 - 2024-06-30",
                                                               "2024 Q2"),
    ("2024-02-01–2024-05-31", "2024-02-01–2024-05-31"),
    ("2024-06-30", None), ("våren 2024", None), ("2024 H3", None), ("", None),
])
def test_written_periods_get_one_spelling(written, canonical):
    assert canonical_report_period(written) == canonical


# --- import through the parser (CSV and xlsx) --------------------------------------------------

def test_csv_import_keeps_line_breaks_quotes_and_blank_insats_as_the_forbund(engine):
    with_insats(engine)
    parsed = parse_files([texts_csv(
        text_row(Text=TEXT.replace("\n", "\r\n")),
        text_row(Insats="", Period="2025h1", Avsnitt="slutsats", Text="Förbundets slutsats."),
    )], existing_insatser={(NORR, STEGET)})

    assert parsed.issues == []
    assert import_upload(engine, parsed, user="anna", now=NOW).status == "committed"
    assert stored(engine) == [
        (NORR, "", "2025 H1", "Slutsatser", "Förbundets slutsats."),
        (NORR, STEGET, "2025", "Bakgrund och syfte", TEXT),
    ]
    assert report_texts(engine, NORR, [], "2025 H1") == {"Slutsatser": "Förbundets slutsats."}
    assert report_texts(engine, NORR, [STEGET], (date(2025, 1, 1), date(2025, 12, 31))) == {
        "Bakgrund och syfte": TEXT}


def test_xlsx_upload_history_and_undo_restore_the_previous_text_exactly(engine):
    with_insats(engine)
    old, new = TEXT + "\n\n  indraget slut", "Helt ny text."

    def workbook(text: str) -> bytes:
        return xlsx_bytes({"Rapporttexter": table("Rapporttexter", text_row(Text=text),
                                                   text_row(Avsnitt="Målgrupp", Text="Unga."))})

    first = import_upload(engine, parse_files([("v1.xlsx", workbook(old))],
                                              existing_insatser={(NORR, STEGET)}),
                          user="anna", now=NOW)
    before = snapshot(engine)
    second = import_upload(engine, parse_files([("v2.xlsx", workbook(new))],
                                               existing_insatser={(NORR, STEGET)}),
                           user="bo", now=NOW)

    assert (first.status, second.status) == ("committed", "committed")
    assert second.counts == {"Rapporttexter": {"added": 0, "updated": 1, "unchanged": 1}}
    assert report_texts(engine, NORR, [STEGET], "2025")["Bakgrund och syfte"] == new
    assert upload_rows(engine, second.upload_id)["Rapporttexter"]["Text"].to_list() == [new]
    assert upload_forbund(engine, second.upload_id) == {NORR}

    undo(engine, second.upload_id, user="anna")

    assert report_texts(engine, NORR, [STEGET], "2025") == {"Bakgrund och syfte": old,
                                                            "Målgrupp": "Unga."}
    after = {k: v for k, v in snapshot(engine).items() if k not in ("uploads", "row_history")}
    assert after == {k: v for k, v in before.items() if k not in ("uploads", "row_history")}


# --- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "column", "value", "message"), [
    ({"Avsnitt": "Sammanfattning"}, "Avsnitt", "Sammanfattning", SECTION_MESSAGE),
    ({"Period": "våren 2025"}, "Period", "våren 2025", PERIOD_MESSAGE),
    ({"Period": "2025-06-30"}, "Period", "2025-06-30", PERIOD_MESSAGE),
    ({"Period": ""}, "Period", None, "Period måste fyllas i."),
    ({"Text": "Deltagaren 811218-9876 fick arbete."}, "Text", "811218-****", PNR_MESSAGE),
    ({"Text": "Kontakt: anna.svensson@kommun.se"}, "Text", "a***@kommun.se", EMAIL_MESSAGE),
    ({"Insats": "Okänd insats"}, "Insats", None,
     f"Insatsen ”Okänd insats” finns inte för {NORR}. Lägg till den i bladet Insatser (i samma "
     "uppladdning) eller ladda upp den först."),
])
def test_bad_rows_are_refused_with_their_swedish_message(overrides, column, value, message):
    parsed = parse_files([texts_csv(text_row(**overrides))],
                         existing_insatser={(NORR, STEGET)})

    found = errors(parsed)
    assert [(sheet, row, col, msg) for sheet, row, col, _, msg in found] == [
        ("Rapporttexter", 2, column, message)]
    if value is not None:
        assert found[0][3] == value


def test_text_longer_than_an_excel_cell_is_refused_in_a_csv():
    parsed = parse_files([texts_csv(text_row(Text="x" * 32_768))],
                         existing_insatser={(NORR, STEGET)})

    assert errors(parsed) == [(
        "Rapporttexter", None, None, None,
        "Filen Rapporttexter.csv har en cell med fler än 32 767 tecken (rad 2); högst 32 767 "
        "tecken per cell tas emot (Excels egen gräns). Korta texten och försök igen.")]


def test_text_of_exactly_an_excel_cell_is_accepted():
    parsed = parse_files([texts_csv(text_row(Text="x" * 32_767))],
                         existing_insatser={(NORR, STEGET)})

    assert parsed.issues == []
    assert parsed.frames["report_texts"]["text"].str.len_chars().to_list() == [32_767]


def test_a_name_in_a_text_is_a_warning_and_the_upload_goes_through(engine):
    with_insats(engine)
    parsed = parse_files([texts_csv(text_row(Text="Handledaren Anna Svensson ledde gruppen."))],
                         existing_insatser={(NORR, STEGET)})

    assert [(i.severity, i.column, i.value, i.message) for i in parsed.issues] == [
        ("warning", "Text", "A*** S***", NAME_WARNING)]
    assert import_upload(engine, parsed, user="anna").status == "committed"


def test_a_samordnare_uploads_texts_only_for_their_forbund():
    parsed = parse_files([texts_csv(text_row())], existing_insatser={(NORR, STEGET)},
                         allowed_forbund={"Demoförbundet Syd"})

    assert [m for *_, m in errors(parsed)] == [
        "Du kan bara ladda upp uppgifter för Demoförbundet Syd."]


# --- saving from the app ---------------------------------------------------------------------

def test_save_is_an_upload_named_after_the_section_and_undo_restores_the_text(engine):
    with_insats(engine)
    first = save_report_text(engine, NORR, STEGET, "2025", "Målgrupp", "Unga vuxna.", "anna",
                             now=NOW)
    second = save_report_text(engine, NORR, STEGET, "2025", "Målgrupp", TEXT, "bo", now=NOW)

    assert (first.status, first.sections, second.status) == ("committed", ("Målgrupp",),
                                                            "committed")
    newest = list_uploads(engine)[0]
    assert (newest["id"], newest["username"], newest["file_names"], newest["rows_updated"]) == (
        second.upload_id, "bo", ["Rapport: Målgrupp – Steget Vidare, 2025"], 1)
    assert report_texts(engine, NORR, [STEGET], "2025") == {"Målgrupp": TEXT}

    undo(engine, second.upload_id, user="anna")
    assert report_texts(engine, NORR, [STEGET], "2025") == {"Målgrupp": "Unga vuxna."}
    undo(engine, first.upload_id, user="anna")
    assert report_texts(engine, NORR, [STEGET], "2025") == {}


def test_saving_the_same_text_changes_nothing_but_an_earlier_text_again_is_saved(engine):
    with_insats(engine)
    a = save_report_text(engine, NORR, STEGET, "2025", "Genomförande", "A", "anna")
    same = save_report_text(engine, NORR, STEGET, "2025", "Genomförande", " A\r\n", "anna")
    b = save_report_text(engine, NORR, STEGET, "2025", "Genomförande", "B", "anna")
    a_again = save_report_text(engine, NORR, STEGET, "2025", "Genomförande", "A", "anna")

    assert (same.status, same.upload_id) == ("no_change", None)
    assert [u["id"] for u in list_uploads(engine)][:3] == [a_again.upload_id, b.upload_id,
                                                            a.upload_id]
    assert report_texts(engine, NORR, [STEGET], "2025") == {"Genomförande": "A"}


def test_several_sections_are_one_upload_and_an_empty_text_clears_a_section(engine):
    with_insats(engine)
    period = (date(2025, 1, 1), date(2025, 6, 30))
    first = save_report_texts(engine, NORR, "", period,
                              {"Bakgrund och syfte": "Bakgrund.", "Slutsatser": "Slutsats.",
                               "Avvikelser": ""}, "anna")
    cleared = save_report_texts(engine, NORR, "", period,
                                {"Bakgrund och syfte": "Bakgrund.", "Slutsatser": ""}, "anna")

    assert first.sections == ("Bakgrund och syfte", "Slutsatser")
    assert list_uploads(engine)[1]["file_names"] == [
        "Rapport: Bakgrund och syfte, Slutsatser – hela förbundet, 2025 H1"]
    assert cleared.sections == ("Slutsatser",)
    assert report_texts(engine, NORR, [], "2025 H1") == {"Bakgrund och syfte": "Bakgrund."}
    undo(engine, cleared.upload_id, user="anna")
    assert report_texts(engine, NORR, [], "2025 H1") == {"Bakgrund och syfte": "Bakgrund.",
                                                         "Slutsatser": "Slutsats."}


@pytest.mark.parametrize(("section", "text", "message"), [
    ("Sammanfattning", "Text.", SECTION_MESSAGE),
    ("Målgrupp", "Deltagare 811218-9876.", PNR_MESSAGE),
    ("Målgrupp", "Skriv till anna.svensson@kommun.se", EMAIL_MESSAGE),
    ("Målgrupp", "x" * 32_768,
     "Texten i avsnittet Målgrupp har 32 768 tecken; högst 32 767 tecken per avsnitt tas emot "
     "(Excels gräns för en cell). Korta texten och spara igen."),
    ("Målgrupp", "Styrtecken \x00 här.",
     "Cellen innehåller ett osynligt styrtecken (t.ex. ett NUL-tecken), markerat i värdet. Ta "
     "bort tecknet: skriv om texten eller klistra in den som ren text."),
])
def test_a_refused_save_writes_nothing_and_says_why(engine, section, text, message):
    with_insats(engine)
    before = snapshot(engine)

    saved = save_report_text(engine, NORR, STEGET, "2025", section, text, "anna")

    assert (saved.status, saved.upload_id, saved.errors) == ("rejected", None, [message])
    assert snapshot(engine) == before


def test_too_long_message():
    assert too_long_message("Slutsatser", 40_000) == (
        "Texten i avsnittet Slutsatser har 40 000 tecken; högst 32 767 tecken per avsnitt tas "
        "emot (Excels gräns för en cell). Korta texten och spara igen.")


def test_a_save_for_another_forbund_than_ones_own_is_refused(engine):
    with_insats(engine)

    saved = save_report_text(engine, NORR, STEGET, "2025", "Målgrupp", "Text.", "eva",
                             allowed_forbund={"Demoförbundet Syd"})

    assert saved.errors == ["Du kan bara ladda upp uppgifter för Demoförbundet Syd."]
    assert stored(engine) == []


def test_a_saved_name_is_kept_with_a_warning(engine):
    with_insats(engine)

    saved = save_report_text(engine, NORR, STEGET, "2025", "Genomförande",
                             "Gruppen leds av Per Lindgren.", "anna")

    assert (saved.status, saved.warnings) == ("committed", [NAME_WARNING])


def test_synonym_section_is_saved_under_its_name(engine):
    with_insats(engine)

    saved = save_report_text(engine, NORR, STEGET, "2025 h2", "analys", "Analys.", "anna")

    assert saved.sections == ("Analys och reflektion",)
    assert stored(engine) == [(NORR, STEGET, "2025 H2", "Analys och reflektion", "Analys.")]


# --- reading for a report --------------------------------------------------------------------

def test_texts_of_several_insatser_follow_each_name_in_section_order(engine):
    with_insats(engine)
    parsed = parse_files([("Insatser.csv", csv_bytes(insatser("Bryggan", forbund=NORR)))])
    import_upload(engine, parsed, user="anna")
    save_report_texts(engine, NORR, STEGET, "2025", {"Slutsatser": "S1", "Målgrupp": "M1"},
                      "anna")
    save_report_texts(engine, NORR, "Bryggan", "2025", {"Slutsatser": "S2"}, "anna")
    save_report_texts(engine, NORR, "", "2025", {"Slutsatser": "Förbundet"}, "anna")

    assert report_text_parts(engine, NORR, [STEGET, "Bryggan"], "2025") == [
        ("Målgrupp", STEGET, "M1"), ("Slutsatser", STEGET, "S1"), ("Slutsatser", "Bryggan", "S2")]
    assert report_texts(engine, NORR, [STEGET, "Bryggan"], "2025") == {
        "Målgrupp": f"{STEGET}\nM1", "Slutsatser": f"{STEGET}\nS1\n\nBryggan\nS2"}
    assert report_texts(engine, NORR, [], "2025") == {"Slutsatser": "Förbundet"}
    assert report_texts(engine, NORR, [STEGET], "2024") == {}
    frames = load_frames(engine)
    for insatser_ in ([], [STEGET], [STEGET, "Bryggan"]):
        assert report_texts(frames, NORR, insatser_, "2025") == \
            report_texts(engine, NORR, insatser_, "2025")
    assert report_texts({}, NORR, [STEGET], "2025") == {}
