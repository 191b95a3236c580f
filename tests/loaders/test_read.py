import io
from datetime import date, datetime

import polars as pl
import pytest
import xlsxwriter
from files import csv_bytes, example, insatser, table, xlsx_bytes

from loaders import limits
from loaders.parse import parse_files
from loaders.read import SHEET_NAMES, read_file

TODAY = date(2025, 6, 15)
EXISTING = {("Demoförbundet Norr", "Steget Vidare")}
CORRUPT = ("Filen kunde inte läsas som en Excel-fil (.xlsx). Öppna den i Excel, spara den som "
           "Excel-arbetsbok (.xlsx) och försök igen.")


def parse(*files, **kw):
    kw.setdefault("existing_insatser", EXISTING)
    return parse_files(list(files), today=TODAY, **kw)


def found(result, severity=None):
    return [(i.file, i.sheet, i.row, i.column, i.value, i.message) for i in result.issues
            if severity is None or i.severity == severity]


def deltagare(**overrides):
    return table("Deltagare", example("Deltagare", **overrides))


# --- CSV -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("sep", "encoding", "bom"), [
    (";", "cp1252", False),  # Excel "CSV (semikolonavgränsad)" on Swedish Windows
    (",", "utf-8", True),  # Excel "CSV UTF-8"
    (";", "utf-8", False),
    ("\t", "utf-8", False),
])
def test_csv_encodings_and_separators(sep, encoding, bom):
    data = csv_bytes(deltagare(), sep=sep, encoding=encoding, bom=bom)
    result = parse(("Deltagare.csv", data))
    assert found(result) == []
    row = result.frames["episodes"].row(0, named=True)
    assert row["forbund"] == "Demoförbundet Norr"
    assert row["public_support_years"] == 3.5
    assert row["education"] == "Gymnasial"


def test_csv_separator_hint_line_counts_as_a_row():
    rows = deltagare(**{"Kön": "Okänt kön"})
    data = b"sep=;\r\n" + csv_bytes(rows, sep=";")
    result = parse(("Deltagare.csv", data))
    assert [(i.row, i.column) for i in result.issues] == [(3, "Kön")]


@pytest.mark.parametrize("name", ["deltagare.csv", "DELTAGARE.csv", "Deltagare.CSV"])
def test_csv_file_name_matches_sheet_forgivingly(name):
    result = parse((name, csv_bytes(deltagare())))
    assert found(result) == [] and "episodes" in result.frames


def test_csv_file_name_with_suffix_is_refused():
    result = parse(("Deltagare_2023Q4.csv", csv_bytes(deltagare())))
    assert found(result) == [(
        "Deltagare_2023Q4.csv", "Deltagare_2023Q4", None, None, None,
        "Filnamnet motsvarar inget blad. En CSV-fil ska heta exakt som bladet, t.ex. "
        f"Deltagare.csv. Tillåtna namn: {SHEET_NAMES}.")]
    assert result.frames == {}


def test_csv_mal_without_ring_matches():
    rows = table("Mål", example("Mål"))
    assert "targets" in parse(("MAL.csv", csv_bytes(rows))).frames


def test_csv_blank_lines_keep_row_numbers():
    rows = table("Deltagare", example("Deltagare"), example("Deltagare", **{
        "Deltagar-ID": "D-2", "Kön": "X"}))
    rows.insert(2, [""] * len(rows[0]))  # a blank line after the first data row
    result = parse(("Deltagare.csv", csv_bytes(rows)))
    assert [(i.row, i.value) for i in result.issues] == [(4, "X")]


# --- files that cannot be read --------------------------------------------------------------

@pytest.mark.parametrize(("name", "data", "message"), [
    ("Deltagare.csv", b"", "Filen är tom."),
    ("upload.xlsx", b"", "Filen är tom."),
    ("Deltagare.csv", b"\r\n\r\n", "Filen är tom."),
    ("upload.xlsx", b"PK\x03\x04 not really a zip", CORRUPT),
    ("upload.xlsx", b"this is text", CORRUPT),
    ("upload.xls", b"\xd0\xcf\x11\xe0", "Filtypen stöds inte. Ladda upp en Excel-arbetsbok "
     "(.xlsx) eller en CSV-fil (.csv) per blad."),
])
def test_unreadable_files_give_one_clear_error(name, data, message):
    result = parse((name, data))
    assert [i.message for i in result.issues] == [message]
    assert result.has_errors


def test_workbook_with_only_empty_sheets():
    result = parse(("tom.xlsx", xlsx_bytes({"Deltagare": []})))
    assert [i.message for i in result.issues] == ["Filen innehåller inga ifyllda blad."]


def test_missing_header_row_is_one_error():
    rows = deltagare()[1:]  # data without the header
    result = parse(("Deltagare.csv", csv_bytes(rows)))
    assert found(result) == [(
        "Deltagare.csv", "Deltagare", 1, None, None,
        "Hittar ingen rubrikrad. Första ifyllda raden ska innehålla kolumnrubrikerna, t.ex. "
        "Förbund, Insats, Deltagar-ID, Kön, Remittent, Startdatum.")]


# --- workbooks -----------------------------------------------------------------------------

def test_multi_sheet_workbook():
    data = xlsx_bytes({
        "Insatser": insatser("Steget Vidare"),
        "Deltagare": deltagare(),
        "Budget": table("Budget", example("Budget")),
        "Listor": [["Kön"], ["Kvinna"]],  # a template's helper sheet is skipped
    }, hidden=["Listor"])
    result = parse(("upload.xlsx", data), existing_insatser=set())
    assert found(result) == []
    assert set(result.frames) == {"insatser", "episodes", "budget_lines"}


def test_unknown_sheet_names_the_accepted_sheets():
    data = xlsx_bytes({"Deltagare": deltagare(), "Blad1": [["x"], ["1"]]})
    result = parse(("upload.xlsx", data))
    assert found(result) == [("upload.xlsx", "Blad1", None, None, None,
                              f"Okänt blad. Bladen ska heta: {SHEET_NAMES}.")]


def test_hidden_sheet_is_an_error():
    data = xlsx_bytes({"Deltagare": deltagare(), "Budget": table("Budget", example("Budget"))},
                      hidden=["Budget"])
    result = parse(("upload.xlsx", data))
    assert found(result) == [(
        "upload.xlsx", "Budget", None, None, None,
        "Bladet Budget är dolt. Dolda blad läses inte in osynligt: visa bladet i Excel "
        "(högerklicka på en flik → Ta fram) och kontrollera innehållet, eller ta bort det.")]


def test_merged_cells_are_an_error():
    rows = table("Deltagare", example("Deltagare"), example("Deltagare", **{"Deltagar-ID": "D-2"}))
    data = xlsx_bytes({"Deltagare": rows}, edit=lambda wb: wb["Deltagare"].merge_cells("A2:A3"))
    result = parse(("upload.xlsx", data))
    assert ("upload.xlsx", "Deltagare", 2, "Förbund", "A2:A3",
            "Sammanfogade celler (A2:A3). Dela upp dem (Start → Koppla och centrera → Dela upp "
            "celler) och fyll i värdet på varje rad.") in found(result)


def _xlsxwriter_book(write) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf)
    write(wb)
    wb.close()
    return buf.getvalue()


def test_formula_with_computed_value_is_a_warning():
    rows = table("Budget", example("Budget", Budget=""))

    def write(wb):
        ws = wb.add_worksheet("Budget")
        for r, row in enumerate(rows):
            ws.write_row(r, 0, row)
        ws.write_formula("F2", "=1000000+923361", None, 1923361)
    result = parse(("budget.xlsx", _xlsxwriter_book(write)))
    assert found(result) == [(
        "budget.xlsx", "Budget", 2, "Budget", None,
        "Kolumnen innehåller formler (1 celler, första på rad 2). Värdet som Excel senast "
        "räknade fram läses in; kontrollera att det stämmer.")]
    assert result.issues[0].severity == "warning"
    assert result.frames["budget_lines"]["budget"].to_list() == [1923361.0]


def test_formula_without_computed_value_is_an_error():
    rows = table("Budget", example("Budget"))

    def edit(wb):
        wb["Budget"]["G2"] = "=F2/2"  # openpyxl stores no computed value
    result = parse(("budget.xlsx", xlsx_bytes({"Budget": rows}, edit=edit)))
    assert found(result, "error") == [(
        "budget.xlsx", "Budget", 2, "Utfall", "G2",
        "Formeln har inget beräknat värde. Öppna filen i Excel och spara den igen, eller "
        "ersätt formeln med värdet.")]


def test_rows_above_the_header_and_offset_columns_keep_spreadsheet_numbers():
    rows = table("Deltagare", example("Deltagare", Kön="X"))

    def write(wb):
        ws = wb.add_worksheet("Deltagare")
        for r, row in enumerate(rows):
            ws.write_row(r + 2, 1, row)  # header on row 3, from column B
        ws.merge_range("C5:D5", "")
    result = parse(("upload.xlsx", _xlsxwriter_book(write)))
    assert [(i.row, i.column, i.value) for i in result.issues] == [
        (5, "Insats", "C5:D5"), (4, "Kön", "X")]


def test_excel_date_and_number_cells():
    rows = deltagare(**{"Startdatum": datetime(2024, 2, 3), "Slutdatum": date(2024, 11, 28),
                        "Ålder vid start": 34.0, "Tid i offentlig försörjning (år)": 3.5})
    result = parse(("upload.xlsx", xlsx_bytes({"Deltagare": rows})))
    assert found(result) == []
    row = result.frames["episodes"].row(0, named=True)
    assert (row["start_date"], row["end_date"]) == (date(2024, 2, 3), date(2024, 11, 28))
    assert (row["age_at_start"], row["public_support_years"]) == (34, 3.5)


def test_excel_percent_cells_are_read_as_displayed():
    rows = table("Indikatorer", example(
        "Indikatorer", Negativt=0.081, **{"Varken eller": 0.2, "Positivt": 0.719,
                                          "Klart positivt": "40 %", "Svarsfrekvens": 65}))

    def edit(wb):
        for ref in ("I2", "J2", "K2"):
            wb["Indikatorer"][ref].number_format = "0.0%"
    result = parse(("nns.xlsx", xlsx_bytes({"Indikatorer": rows}, edit=edit)))
    assert found(result) == []
    row = result.frames["indicators"].row(0, named=True)
    assert row["negative"] == pytest.approx(0.081)
    assert row["neutral"] == pytest.approx(0.2)
    assert row["positive"] == pytest.approx(0.719)
    assert row["clearly_positive"] == pytest.approx(0.4)
    assert row["response_rate"] == pytest.approx(0.65)  # plain 65 means 65 %


def test_excel_percent_target_cell():
    rows = table("Mål", example("Mål", Målvärde=0.25))

    def edit(wb):
        wb["Mål"]["E2"].number_format = "0%"
    result = parse(("mal.xlsx", xlsx_bytes({"Mål": rows}, edit=edit)))
    assert found(result) == []
    assert result.frames["targets"]["target_value"].to_list() == [0.25]


def test_read_file_returns_text_cells_and_rows():
    sheets, issues = read_file("upload.xlsx", xlsx_bytes({"Budget": [
        ["Förbund", "Budget"], ["A", 1923361], [None, None], ["B", 12.5]]}))
    assert issues == []
    (raw,) = sheets
    assert raw.headers == ["Förbund", "Budget"]
    assert raw.frame.to_dicts() == [{"__row": 2, "c0": "A", "c1": "1923361"},
                                    {"__row": 4, "c0": "B", "c1": "12.5"}]
    assert raw.frame.schema["c1"] == pl.String


def test_csv_at_the_limits_is_read_and_one_beyond_is_not(monkeypatch):
    monkeypatch.setattr(limits, "MAX_COLUMNS", 3)
    monkeypatch.setattr(limits, "MAX_ROWS", 4)
    at_limit = "Förbund;Insats;Grupp\n".encode() + b"a;b;c\n" * 3
    assert read_file("Deltagare.csv", at_limit)[1] == []
    [wide] = read_file("Deltagare.csv", b"a;b;c;d\n1;2;3;4\n")[1]
    assert wide.message.startswith("Filen Deltagare.csv har 4 kolumner; högst 3 kolumner")
    [tall] = read_file("Deltagare.csv", at_limit + b"a;b;c\n")[1]
    assert tall.message.startswith("Filen Deltagare.csv har fler än 4 rader")
    # separators inside quotes do not make columns
    assert read_file("Deltagare.csv", b'"a;b";c;"d;e"\n1;2;3\n')[1] == []
