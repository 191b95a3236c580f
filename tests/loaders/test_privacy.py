import random
from datetime import date

import polars as pl
import pytest
from files import csv_bytes, example, table, xlsx_bytes

from loaders import privacy
from loaders.issues import format_issues, issues_frame
from loaders.parse import parse_files

TODAY = date(2025, 6, 15)
EXISTING = {("Demoförbundet Norr", "Steget Vidare")}


def luhn_digit(nine: str) -> str:
    """The check digit that makes `nine` + digit a valid personnummer (plain Python)."""
    total = 0
    for i, ch in enumerate(nine):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return str((10 - total % 10) % 10)


def luhn_ok(ten: str) -> bool:
    return luhn_digit(ten[:9]) == ten[9]


def wrong(digit: str) -> str:
    return str((int(digit) + 1) % 10)


PNR = "811218-9876"  # Skatteverket's example number, valid check digit
SAMORDNING = "811278-987" + luhn_digit("811278987")  # day 18 + 60
BAD_MONTH = "811318-987" + luhn_digit("811318987")


def parse(*files, **kw):
    return parse_files(list(files), existing_insatser=EXISTING, today=TODAY, **kw)


def deltagare(**overrides):
    return ("Deltagare.csv", csv_bytes(table("Deltagare", example("Deltagare", **overrides))))


def found(result):
    return [(i.sheet, i.row, i.column, i.value, i.message) for i in result.issues]


@pytest.mark.parametrize(("cell", "masked"), [
    (PNR, "811218-****"),
    ("8112189876", "811218****"),
    ("19811218-9876", "19811218-****"),
    ("198112189876", "19811218****"),
    ("811218+9876", "811218+****"),  # 100 years or older
    ("19121212 1212", "19121212 ****"),  # a space between date and number
    ("811218 9876", "811218 ****"),
    ("811218\u00a09876", "811218\u00a0****"),  # a non-breaking space (Excel, Word)
    (SAMORDNING, "811278-****"),
    ("Född 811218-9876 i Västerås", "811218-****"),
    ("811218-9875", None),  # wrong check digit: not a personnummer
    ("811218-9" + wrong("8") + "76", None),  # one digit mistyped
    (BAD_MONTH, None),  # valid check digit but no such month
    ("D-000123", None),
    ("2023-03-31", None),
    ("20230331", None),
    ("1 923 361", None),
    ("188112189876", None),  # twelve digits need century 19 or 20
    ("98112189876", None),  # eleven digits
])
def test_personnummer_expression(cell, masked):
    assert pl.select(privacy.personnummer(pl.lit(cell))).item() == masked


def test_vectorised_luhn_agrees_with_plain_python():
    rng = random.Random(42)
    numbers = [f"{rng.randrange(10**10):010d}" for _ in range(2000)]
    got = pl.Series(numbers).to_frame("n").select(privacy.luhn_valid(pl.col("n")))
    assert got.to_series().to_list() == [luhn_ok(n) for n in numbers]


def test_personnummer_as_participant_id_is_refused_with_advice():
    result = parse(deltagare(**{"Deltagar-ID": "19811218-9876"}))
    assert found(result) == [("Deltagare", 2, "Deltagar-ID", "19811218-****", (
        "Cellen ser ut att innehålla ett personnummer eller samordningsnummer. Personnummer får "
        "inte laddas upp. Ersätt personnumret med ett löpnummer eller id från ärendesystemet, "
        "t.ex. D-000123; spara kopplingsnyckeln hos er, aldrig här."))]
    assert result.has_errors


def test_personnummer_written_with_a_space_as_participant_id_is_refused_with_advice():
    result = parse(deltagare(**{"Deltagar-ID": "19121212 1212"}))
    assert found(result) == [("Deltagare", 2, "Deltagar-ID", "19121212 ****", (
        "Cellen ser ut att innehålla ett personnummer eller samordningsnummer. Personnummer får "
        "inte laddas upp. Ersätt personnumret med ett löpnummer eller id från ärendesystemet, "
        "t.ex. D-000123; spara kopplingsnyckeln hos er, aldrig här."))]


def test_personnummer_with_a_space_never_appears_in_any_message():
    # The age check echoes the cell too: its value must be masked like the privacy issue's.
    result = parse(deltagare(**{"Deltagar-ID": "19121212 1212", "Ålder vid start": "121212 1212"}))
    report = format_issues(result.issues) + str(issues_frame(result.issues).to_dicts())
    assert "1212 1212" not in report and "12 1212" not in report
    assert {i.value for i in result.issues} == {"19121212 ****", "121212 ****"}


@pytest.mark.parametrize(("participant_id", "masked"), [
    ("811218-9875", "811218-****"),  # wrong check digit: still a personnummer (DATA_CONTRACT)
    ("19811218 9875", "19811218 ****"),
    ("8112789875", "811278****"),  # samordningsnummer: day 18 + 60
    ("000229-1234", "000229-****"),  # 29 February exists in 2000
    # Regression: these passed with "Inga problem hittades" (check digit wrong).
    ("811218987" + wrong("6"), "811218****"),  # ten digits, no separator
    ("811218+987" + wrong("6"), "811218+****"),
    ("19811218987" + wrong("6"), "19811218****"),  # twelve digits, no separator
    ("19811218-987" + wrong("6"), "19811218-****"),
    ("811278-987" + wrong(luhn_digit("811278987")), "811278-****"),  # samordningsnummer
    ("19811278987" + wrong(luhn_digit("811278987")), "19811278****"),
])
def test_personnummer_shaped_participant_id_is_refused_whatever_the_check_digit(
        participant_id, masked):
    result = parse(deltagare(**{"Deltagar-ID": participant_id}))
    assert [(i.column, i.value, i.message) for i in result.issues] == [
        ("Deltagar-ID", masked, privacy.PNR_MESSAGE)]


@pytest.mark.parametrize("participant_id", [
    "811318-9875",  # month 13
    "810230-9875",  # 30 February
    "19810229-9875",  # 1981 is no leap year
    "D-000123",  # the pseudonymous id the advice suggests
    "KS2024-00117",  # ten digits, but 202400 is no date
    "8113189875",  # ten digits, month 13
    "1234567890",  # ten digits, month 34
    "811250-9875",  # day 50: neither a date nor a samordningsnummer (day + 60)
])
def test_participant_id_that_is_no_real_date_is_accepted(participant_id):
    result = parse(deltagare(**{"Deltagar-ID": participant_id}))
    assert result.issues == []
    assert result.frames["episodes"]["participant_id"].to_list() == [participant_id]


def test_personnummer_with_wrong_check_digit_is_accepted_outside_participant_id():
    # An ordinary number in other cells needs a valid check digit to be taken for one.
    result = parse(deltagare(**{"Grupp": "Grupp 811218-9875"}))
    assert result.issues == []
    assert result.frames["episodes"]["grupp"].to_list() == ["Grupp 811218-9875"]


@pytest.mark.parametrize(("name", "shown"), [
    ("Deltagare 811218-9876.csv", "Deltagare 811218-****.csv"),
    ("anna.svensson@kommun.se Deltagare.csv", "a***@kommun.se Deltagare.csv"),
])
def test_personal_data_in_a_file_name_refuses_the_upload_and_is_never_echoed(name, shown):
    _, data = deltagare()
    result = parse((name, data))
    assert result.has_errors
    assert (shown, "", privacy.FILE_NAME_MESSAGE) in [
        (i.file, i.sheet, i.message) for i in result.issues]
    report = format_issues(result.issues) + str(issues_frame(result.issues).to_dicts())
    assert "9876" not in report and "anna.svensson" not in report
    assert result.file_names == [shown]


def test_full_personnummer_never_appears_in_any_message():
    # Also where another check echoes the cell: an age that is a personnummer.
    result = parse(deltagare(**{"Deltagar-ID": PNR, "Ålder vid start": "8112189876"}))
    report = format_issues(result.issues) + str(issues_frame(result.issues).to_dicts())
    assert "9876" not in report
    assert {i.value for i in result.issues} == {"811218-****", "811218****"}


@pytest.mark.parametrize(("sheet", "overrides", "column"), [
    ("Budget", {"Kostnadsslag": "Lön 811218-9876"}, "Kostnadsslag"),
    ("Insatser", {"Insatsägare": "8112189876"}, "Insatsägare"),
    ("Deltagare", {"Kommentar": "ring 811218-9876"}, "Kommentar"),  # column outside the contract
])
def test_personnummer_in_any_sheet_and_column(sheet, overrides, column):
    data = csv_bytes(table(sheet, example(sheet, **overrides)))
    result = parse((f"{sheet}.csv", data))
    assert (column, "Cellen ser ut att innehålla ett personnummer eller samordningsnummer.") in [
        (i.column, i.message.split(" Personnummer")[0]) for i in result.issues]


def test_personnummer_as_excel_number_cell_and_in_unknown_sheet():
    rows = table("Deltagare", example("Deltagare", **{"Deltagar-ID": 8112189876}))
    data = xlsx_bytes({"Deltagare": rows, "Anteckningar": [["Text"], [PNR]]})
    result = parse(("upload.xlsx", data))
    assert [(i.sheet, i.row, i.value) for i in result.issues if "personnummer" in i.message] == [
        ("Deltagare", 2, "811218****"), ("Anteckningar", 2, "811218-****")]


@pytest.mark.parametrize(("cell", "masked"), [
    ("anna.svensson@kommun.se", "a***@kommun.se"),
    ("Kontakt: x_y+1@region-vastmanland.se.", "x***@region-vastmanland.se"),
    ("kommun.se", None),
    ("@kommun", None),
])
def test_email_expression(cell, masked):
    assert pl.select(privacy.email(pl.lit(cell))).item() == masked


def test_email_in_any_sheet_is_refused():
    data = csv_bytes(table("Insatser", example("Insatser", Insatsägare="kontakt@kommun.se")))
    result = parse(("Insatser.csv", data))
    assert found(result) == [("Insatser", 2, "Insatsägare", "k***@kommun.se",
                              "Cellen innehåller en e-postadress. E-postadresser får inte laddas "
                              "upp – ta bort den.")]


NAME_ID = ("Deltagar-ID ser ut att vara ett namn. Använd ett pseudonymt id från "
           "ärendesystemet, t.ex. D-000123 – aldrig namn eller personnummer.")
NAME_TEXT = ("Cellen ser ut att innehålla ett namn. Namn på deltagare får inte laddas upp – "
             "beskriv gruppen utan namn och använd pseudonyma id:n.")


@pytest.mark.parametrize(("participant_id", "masked"), [
    ("Anna Svensson", "A*** S***"),
    ("Per-Erik Lind", "P***-E*** L***"),
    ("Åsa Öberg Nilsson", "Å*** Ö*** N***"),
    ("Anna", "A***"),  # a common first name alone
    ("ANNA SVENSSON", "A*** S***"),  # in capitals
    ("Svensson, Anna", "S***, A***"),  # surname first, as in a case system's list
    ("Svensson,Anna", "S***,A***"),
    ("Svensson Anna", "S*** A***"),
    ("SVENSSON, ANNA", "S***, A***"),
    ("anna svensson", "a*** s***"),  # lower case: a first name among words of letters
    ("svensson, anna", "s***, a***"),
    ("anna", "a***"),
    ("ANNA", "A***"),
    ("D-000123", None),
    ("AB12", None),
    ("AB-12", None),
    ("KS2024-001", None),
    ("Ö-17", None),
    ("D-1", None),
    ("Kalle123", None),
    ("Kalle", None),  # one word, no common first name
    ("ej angivet", None),  # lower case words without a first name
])
def test_participant_id_that_looks_like_a_name(participant_id, masked):
    result = parse(deltagare(**{"Deltagar-ID": participant_id}))
    expected = [] if masked is None else [("Deltagare", 2, "Deltagar-ID", masked, NAME_ID)]
    assert found(result) == expected


@pytest.mark.parametrize(("grupp", "flagged"), [
    ("Anna Svensson", True),
    ("Erik Lindgrens grupp", True),
    ("Trädgårdsgruppen", False),
    ("MAC", False),
    ("Anna-gruppen", False),
    ("Grupp Anna Svensson", False),  # first word is no first name: not caught (by design)
    ("ANNA SVENSSON", True),
    ("Svensson, Anna", True),
    ("Svensson, Anna och Per", True),
    ("Svensson, grupp 2", False),
])
def test_first_name_in_free_text_of_participant_rows(grupp, flagged):
    result = parse(deltagare(Grupp=grupp))
    expected = [("Deltagare", 2, "Grupp", privacy_mask(grupp), NAME_TEXT)] if flagged else []
    assert found(result) == expected


def privacy_mask(text):
    return pl.select(pl.lit(text).str.replace_all(r"(\p{Lu})\p{L}+", "${1}***")).item()


def test_names_outside_participant_rows_are_allowed():
    data = csv_bytes(table("Insatser", example("Insatser", Insatsägare="Anna Svensson")))
    assert parse(("Insatser.csv", data)).issues == []


def test_name_in_extra_column_of_followups():
    row = example("Uppföljning", Handläggare="Lars Berg")
    result = parse(("Uppföljning.csv", csv_bytes(table("Uppföljning", row))))
    assert ("Handläggare", "L*** B***", NAME_TEXT) in [
        (i.column, i.value, i.message) for i in result.issues]


@pytest.mark.parametrize(("name", "masked"), [
    ("Deltagare 811218-9876.csv", "Deltagare 811218-****.csv"),
    ("19121212 1212 kvartal.xlsx", "19121212 **** kvartal.xlsx"),
    ("från anna.svensson@kommun.se.xlsx", "från a***@kommun.se.xlsx"),
    ("811218-9876 och 121212-1212.csv", "811218-**** och 121212-****.csv"),
    ("Deltagare.csv", "Deltagare.csv"),
    ("kvartal 2024-06-30.xlsx", "kvartal 2024-06-30.xlsx"),
    ("811218-9875.csv", "811218-9875.csv"),  # wrong check digit: as in ordinary cells
])
def test_masked_text_masks_personnummer_and_email_like_the_cell_checks(name, masked):
    assert privacy.masked_text(name) == masked
