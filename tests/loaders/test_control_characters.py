"""A NUL byte (or any other invisible control character) in a cell rejects the upload."""

from datetime import date

import pytest
from files import csv_bytes, example, table, xlsx_bytes

from loaders.parse import parse_files

TODAY = date(2025, 6, 15)
MESSAGE = ("Cellen innehåller ett osynligt styrtecken (t.ex. ett NUL-tecken), markerat i värdet. "
           "Ta bort tecknet: skriv om texten eller klistra in den som ren text.")


def found(result):
    return [(i.file, i.sheet, i.row, i.column, i.value, i.message, i.severity)
            for i in result.issues]


def test_nul_byte_inside_an_insats_name_is_refused_naming_sheet_row_and_column():
    data = csv_bytes(table("Insatser", example("Insatser", Insats="Steg\x00et")))

    result = parse_files([("Insatser.csv", data)], today=TODAY)

    assert found(result) == [("Insatser.csv", "Insatser", 2, "Insats", "Steg␀et", MESSAGE,
                              "error")]
    assert result.has_errors


def test_nul_from_an_excel_escape_is_refused_too():
    # xlsx stores a NUL as the escape _x0000_, which the reader turns back into NUL.
    data = xlsx_bytes({"Insatser": table("Insatser",
                                         example("Insatser", Insats="Steg_x0000_et"))})

    result = parse_files([("kvartal.xlsx", data)], today=TODAY)

    assert found(result) == [("kvartal.xlsx", "Insatser", 2, "Insats", "Steg␀et", MESSAGE,
                              "error")]


@pytest.mark.parametrize(("cell", "shown"), [
    ("A\x07B", "A␇B"),  # BEL
    ("A\x1bB", "A␛B"),  # ESC
    ("A\x7fB", "A␡B"),  # DEL
    ("A\x85B", "A[U+0085]B"),  # C1 "next line"
    ("Steget \u202eeraduV", "Steget [U+202E]eraduV"),  # right-to-left override: spoofed text
    ("A\u2066B\u2069", "A[U+2066]B[U+2069]"),  # bidirectional isolates
])
def test_every_invisible_control_character_is_refused_in_any_column(cell, shown):
    row = example("Deltagare", Grupp=cell, Kommentar="x" + cell)  # Kommentar: outside contract
    data = csv_bytes(table("Deltagare", row))

    result = parse_files([("Deltagare.csv", data)],
                         existing_insatser={("Demoförbundet Norr", "Steget Vidare")},
                         today=TODAY)

    assert [f for f in found(result) if f[-1] == "error"] == [
        ("Deltagare.csv", "Deltagare", 2, "Grupp", shown, MESSAGE, "error"),
        ("Deltagare.csv", "Deltagare", 2, "Kommentar", "x" + shown, MESSAGE, "error")]


def test_tab_and_line_breaks_are_allowed():
    data = csv_bytes(table("Indikatorer", example(
        "Indikatorer", Fråga="Jag har fått stöd\r\natt nå mina mål", Respondentgrupp="A\tB")))

    result = parse_files([("Indikatorer.csv", data)], today=TODAY)

    assert result.issues == []
    assert result.frames["indicators"]["question"].to_list() == [
        "Jag har fått stöd\r\natt nå mina mål"]


def test_every_issue_shows_control_characters_visibly_never_raw():
    # The Kön check echoes the cell too: on a terminal (`finsam import`) a raw ESC would act.
    data = csv_bytes(table("Deltagare", example("Deltagare", Kön="\x1b[31mKvinna")))

    result = parse_files([("Deltagare.csv", data)],
                         existing_insatser={("Demoförbundet Norr", "Steget Vidare")},
                         today=TODAY)

    assert [(i.column, i.value) for i in result.issues] == [
        ("Kön", "␛[31mKvinna"), ("Kön", "␛[31mKvinna")]
    assert not any("\x1b" in (i.value or "") for i in result.issues)
