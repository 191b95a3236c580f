import json
from datetime import date

import polars as pl
import pytest
from files import csv_bytes, example, insatser, table, xlsx_bytes

from loaders.columns import stored_columns
from loaders.contract import SHEETS, Kind
from loaders.issues import MAX_PER_CHECK, Issue, format_issues, issues_frame
from loaders.parse import parse_files

TODAY = date(2025, 6, 15)
FORBUND = "Demoförbundet Norr"
EXISTING = {(FORBUND, "Steget Vidare"), (FORBUND, "Samverkan Psykiatri")}
DTYPES = {Kind.TEXT: pl.String, Kind.CODE: pl.String, Kind.DATE: pl.Date, Kind.INT: pl.Int64,
          Kind.YEAR: pl.Int64, Kind.NUMBER: pl.Float64, Kind.AMOUNT: pl.Float64,
          Kind.PERCENT: pl.Float64, Kind.LONG_TEXT: pl.String, Kind.PERIOD: pl.String}
EXIT_VALUES = (
    "Arbete, Arbete med anställningsstöd, Arbete utan anställningsstöd, Studier, Fortsatt "
    "arbetslivsinriktad rehabilitering, Sjuk- eller aktivitetsersättning, Medicinsk "
    "rehabilitering/vård, Föräldraledighet … (och 6 till, se mallen)")
NOTE = "är inget tal. Värdet sparas som saknat och texten sparas som kommentar."
KPI_MESSAGE = ("Okänt nyckeltal. Ange nyckeln (t.ex. share_work) eller det svenska namnet från "
               "nyckeltalslistan, eller volume:<Mått> för ett volymmål.")


def upload(sheet, *rows, drop=(), **kw):
    """Parse one CSV file holding `rows` (contract example rows with overrides)."""
    kw.setdefault("existing_insatser", EXISTING)
    rows = rows or (example(sheet),)
    return parse_files([(f"{sheet}.csv", csv_bytes(table(sheet, *rows, drop=drop)))],
                       today=TODAY, **kw)


def issues(result):
    return [(i.row, i.column, i.value, i.message, i.severity) for i in result.issues]


def one_row(sheet, **overrides):
    return upload(sheet, example(sheet, **overrides))


# --- cells ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("sheet", "overrides", "expected"), [
    ("Deltagare", {"Deltagar-ID": ""}, (2, "Deltagar-ID", None, "Deltagar-ID måste fyllas i.")),
    ("Deltagare", {"Kön": "X"}, (2, "Kön", "X", "Okänt värde för Kön. Tillåtna värden: "
                                 "Kvinna, Man, Annat/ej angivet.")),
    ("Deltagare", {"Avslutsorsak": "Flytt"}, (2, "Avslutsorsak", "Flytt",
                                              f"Okänt värde för Avslutsorsak. Tillåtna värden: "
                                              f"{EXIT_VALUES}.")),
    ("Deltagare", {"Startdatum": "2023-02-30"}, (
        2, "Startdatum", "2023-02-30", "Ogiltigt datum. Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. "
        "2023-03-31), ÅÅÅÅMMDD eller ÅÅMMDD.")),
    ("Deltagare", {"Startdatum": "31/1/2024"}, (
        2, "Startdatum", "31/1/2024", "Ogiltigt datum. Skriv datumet som ÅÅÅÅ-MM-DD (t.ex. "
        "2023-03-31), ÅÅÅÅMMDD eller ÅÅMMDD.")),
    ("Deltagare", {"Startdatum": "1989-12-31", "Slutdatum": "", "Avslutsorsak": ""}, (
        2, "Startdatum", "1989-12-31", "Datumet måste ligga mellan 1990-01-01 och 2025-06-15.")),
    ("Deltagare", {"Startdatum": "250616", "Slutdatum": "", "Avslutsorsak": ""}, (
        2, "Startdatum", "250616", "Datumet måste ligga mellan 1990-01-01 och 2025-06-15.")),
    ("Deltagare", {"Slutdatum": "20260101"}, (
        2, "Slutdatum", "20260101", "Datumet måste ligga mellan 1990-01-01 och 2025-12-31.")),
    ("Deltagare", {"Ålder vid start": "34,5"}, (
        2, "Ålder vid start", "34,5", "Ålder vid start ska vara ett heltal, t.ex. 34.")),
    ("Deltagare", {"Ålder vid start": "14"}, (
        2, "Ålder vid start", "14", "Ålder vid start ska vara ett heltal mellan 15 och 70.")),
    ("Deltagare", {"Steg vid start": "10"}, (
        2, "Steg vid start", "10", "Steg vid start ska vara ett heltal mellan 1 och 9.")),
    ("Deltagare", {"Tid i offentlig försörjning (år)": "-1"}, (
        2, "Tid i offentlig försörjning (år)", "-1",
        "Tid i offentlig försörjning (år) ska vara mellan 0 och 60.")),
    ("Budget", {"Budget": "Se separat redovisning"}, (
        2, "Budget", "Se separat redovisning",
        "Budget ska vara ett tal, t.ex. 1 923 361 eller 8,1.")),
    ("Budget", {"År": "2025,5"}, (2, "År", "2025,5", "År ska vara ett årtal, t.ex. 2025.")),
    ("Budget", {"År": "1989"}, (2, "År", "1989", "År ska vara ett årtal mellan 1990 och 2100.")),
    ("Budget", {"Enhet": "Mkr"}, (2, "Enhet", "Mkr",
                                  "Okänt värde för Enhet. Tillåtna värden: kr, tkr.")),
    ("Budget", {"Period": "2026-01-01"}, (
        2, "Period", "2026-01-01", "Datumet måste ligga mellan 1990-01-01 och 2025-12-31.")),
    ("Insatser", {"Typ": "Struktur"}, (
        2, "Typ", "Struktur",
        "Okänt värde för Typ. Tillåtna värden: Individinriktad, Strukturinriktad.")),
    ("Insatser", {"Slutdatum": "2035-06-16"}, (
        2, "Slutdatum", "2035-06-16", "Datumet måste ligga mellan 1990-01-01 och 2035-06-15.")),
    ("Insatser", {"Beviljat belopp": "−5 000"}, (
        2, "Beviljat belopp", "−5 000", "Beviljat belopp får inte vara negativt.")),
    ("Indikatorer", {"Indikator": "17"}, (
        2, "Indikator", "17", "Indikator ska vara ett heltal mellan 1 och 16.")),
    ("Indikatorer", {"Antal svar": "många"}, (
        2, "Antal svar", "många", "Antal svar ska vara ett heltal, t.ex. 34.")),
    ("Indikatorer", {"Svarsfrekvens": "120 %"}, (
        2, "Svarsfrekvens", "120 %", "Svarsfrekvens ska vara mellan 0 % och 100 %.")),
    ("Volymer", {"Antal": "12,5"}, (2, "Antal", "12,5", "Antal ska vara ett heltal, t.ex. 34.")),
    ("Mål", {"Nyckeltal": "andel jobb"}, (2, "Nyckeltal", "andel jobb", KPI_MESSAGE)),
    ("Mål", {"Nyckeltal": "payback_months", "Målvärde": "34 %"}, (
        2, "Målvärde", "34 %",
        "Nyckeltalet mäts inte i procent. Skriv målvärdet som ett tal utan %, t.ex. 34.")),
    ("Mål", {"Målvärde": "hög"}, (2, "Målvärde", "hög",
                                  "Målvärde ska vara ett tal, t.ex. 1 923 361 eller 8,1.")),
])
def test_cell_errors(sheet, overrides, expected):
    result = one_row(sheet, **overrides)
    assert issues(result) == [(*expected, "error")]
    assert result.has_errors


@pytest.mark.parametrize(("sheet", "header", "text", "column"), [
    ("Budget", "Utfall", "Se separat redovisning", "spent"),
    ("Deltagare", "Ålder vid start", "ca 30", "age_at_start"),
    ("Samhällsekonomi", "Lönsamhet 1 år", "ej beräknad", "profit_1y"),
])
def test_text_in_optional_number_is_kept_as_note(sheet, header, text, column):
    overrides = {header: text}
    if sheet == "Samhällsekonomi":
        overrides["Kostnad"] = "1 000"
    result = one_row(sheet, **overrides)
    assert issues(result) == [(2, header, text, f"{header} {NOTE}", "warning")]
    frame = result.frames[next(s.table for s in SHEETS if s.name == sheet)]
    assert frame[column].to_list() == [None]
    assert json.loads(frame["notes"][0]) == {header: text}


def test_notes_escape_quotes_and_combine_columns():
    result = one_row("Samhällsekonomi", Kostnad='se "bilaga"', **{"Lönsamhet 1 år": "?"})
    assert {i.severity for i in result.issues} == {"warning", "error"}  # both blank -> error
    assert json.loads(result.frames["socioeconomic"]["notes"][0]) == {
        "Kostnad": 'se "bilaga"', "Lönsamhet 1 år": "?"}


@pytest.mark.parametrize(("text", "expected"), [
    ("867 000: -", 867000.0), ("1000 000", 1000000.0), ("−19 875", -19875.0),
    ("1 923 361 kr", 1923361.0), ("8,1", 8.1),
])
def test_swedish_amounts_in_a_sheet(text, expected):
    result = one_row("Budget", Utfall=text)
    assert issues(result) == []
    assert result.frames["budget_lines"]["spent"].to_list() == [expected]


def test_tkr_scales_amounts():
    result = one_row("Budget", Budget="1 923,4", Utfall="960", Enhet="tkr")
    row = result.frames["budget_lines"].row(0, named=True)
    assert (row["budget"], row["spent"]) == (1923400.0, 960000.0)


# --- defaults and derived columns -----------------------------------------------------------

@pytest.mark.parametrize(("kpi", "value", "riktning", "expected"), [
    ("share_work", "25 %", "", ("share_work", 0.25, "minst")),
    ("Andel till arbete", "25", "", ("share_work", 0.25, "minst")),
    ("andel till arbete", "25,0%", "högst", ("share_work", 0.25, "högst")),
    ("payback_months", "34", "", ("payback_months", 34.0, "högst")),
    ("fye_capacity", "111", "", ("fye_capacity", 111.0, "minst")),
    ("share_work_6m", "30", "", ("share_work_6m", 0.3, "minst")),
    ("volume:Konsultationer", "120", "", ("volume:Konsultationer", 120.0, "minst")),
])
def test_targets(kpi, value, riktning, expected):
    result = one_row("Mål", Nyckeltal=kpi, Målvärde=value, Riktning=riktning)
    assert issues(result) == []
    assert result.frames["targets"].select("kpi", "target_value", "direction").row(0) == expected


def test_share_target_below_one_percent_is_a_warning():
    result = one_row("Mål", Målvärde="0,25")
    assert issues(result) == [(2, "Målvärde", "0,25", "Målvärdet läses som procent: 0,25 "
                               "betyder 0,25 %. Skriv 25 för 25 %.", "warning")]


def test_defaults_and_outcome_group():
    result = upload("Insatser", example("Insatser", Typ=""))
    assert result.frames["insatser"]["kind"].to_list() == ["Individinriktad"]
    result = one_row("Deltagare", Avslutsorsak="avbrott - flytt")
    row = result.frames["episodes"].row(0, named=True)
    assert (row["exit_reason"], row["outcome_group"]) == ("Avbrott – flytt", "dropout")


def test_blank_optional_key_is_empty_text():
    result = one_row("Budget", Insats="")
    assert issues(result) == []
    assert result.frames["budget_lines"]["insats"].to_list() == [""]


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda s: s.name)
def test_frame_columns_and_dtypes(sheet):
    result = upload(sheet.name, existing_insatser=EXISTING | {(FORBUND, "Steget Vidare")})
    frame = result.frames[sheet.table]
    assert frame.columns == [*stored_columns(sheet), "notes"]
    kinds = {c.name: DTYPES[c.kind] for c in sheet.columns}
    assert frame.schema == {c: kinds.get(c, pl.String) for c in frame.columns}


# --- headers -------------------------------------------------------------------------------

def test_forgiving_headers_and_aliases():
    rows = table("Deltagare", example("Deltagare"))
    rows[0] = [{"Startdatum": "start datum", "Kön": "KON", "Deltagar-ID": "deltagar_id",
                "Ålder vid start": "Ålder"}.get(h, h) for h in rows[0]]
    result = parse_files([("Deltagare.csv", csv_bytes(rows))], existing_insatser=EXISTING,
                         today=TODAY)
    assert issues(result) == []
    assert result.frames["episodes"]["age_at_start"].to_list() == [34]


def test_header_problems():
    row = example("Deltagare", Kommentar="x", Personnummer="", **{"Försörjning före": ""})
    rows = table("Deltagare", row, drop=["Kön", "Remittent"])
    rows[0].append("Insats")
    rows[1].append("Steget Vidare")
    result = parse_files([("Deltagare.csv", csv_bytes(rows))], existing_insatser=EXISTING,
                         today=TODAY)
    assert issues(result) == [
        (None, "Kommentar", None, "Okänd kolumn. Den läses inte in; kontrollera stavningen om "
         "den ska motsvara en kolumn i mallen.", "warning"),
        (None, "Personnummer", None, "Kolumnen Personnummer ser ut att innehålla "
         "personuppgifter. Ta bort kolumnen: namn, personnummer och kontaktuppgifter får inte "
         "laddas upp.", "error"),
        (None, "Insats", None, "Kolumnen Insats finns flera gånger. Varje kolumn får bara "
         "finnas en gång.", "error"),
        (None, "Kön", None, "Kolumnen Kön saknas. Den måste finnas i bladet Deltagare.", "error"),
        (None, "Remittent", None, "Kolumnen Remittent saknas. Den måste finnas i bladet "
         "Deltagare.", "error"),
    ]
    assert result.extra_columns == {"episodes": ["Kommentar"]}


# --- rows ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "expected"), [
    ({"Slutdatum": "2025-01-01"}, (2, "Slutdatum", "2025-01-01",
                                   "Slutdatum ligger före Startdatum.")),
    ({"Avslutsorsak": ""}, (2, "Avslutsorsak", None,
                            "Avslutsorsak måste fyllas i när Slutdatum är ifyllt.")),
    ({"Slutdatum": ""}, (2, "Avslutsorsak", "Arbete utan anställningsstöd",
                         "Avslutsorsak är ifylld men Slutdatum saknas. Fyll i Slutdatum eller "
                         "ta bort avslutsorsaken.")),
])
def test_episode_row_checks(overrides, expected):
    assert issues(one_row("Deltagare", **overrides)) == [(*expected, "error")]


def test_insats_end_before_start():
    result = one_row("Insatser", Startdatum="2024-01-01", Slutdatum="2023-12-31")
    assert issues(result) == [(2, "Slutdatum", "2023-12-31", "Slutdatum ligger före Startdatum.",
                               "error")]


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"Positivt": "60 %"}, (2, "Positivt", "88,1", "Negativt, Varken eller och Positivt ska "
                            "tillsammans bli 100 % (±2 procentenheter), men blir 88,1 %.")),
    ({"Klart positivt": "80"}, (2, "Klart positivt", "80",
                                "Klart positivt kan inte vara större än Positivt.")),
])
def test_indicator_checks(overrides, expected):
    assert issues(one_row("Indikatorer", **overrides)) == [(*expected, "error")]


def test_indicator_sum_within_two_points_is_fine():
    assert issues(one_row("Indikatorer", Positivt="73,9")) == []


def test_percent_columns_written_as_fractions_warn_once():
    result = one_row("Indikatorer", Negativt="0,081", **{
        "Varken eller": "0,2", "Positivt": "0,719", "Klart positivt": "0,4",
        "Svarsfrekvens": "0,65"})
    warnings = [i for i in result.issues if i.severity == "warning"]
    assert [(i.column, i.message) for i in warnings][0] == (
        "Negativt", "Alla värden i Negativt är 1 eller mindre och läses som procent "
        "(0,8 = 0,8 %). Skriv 80 eller 80 % för 80 %.")
    assert len(warnings) == 5


def test_socioeconomic_needs_cost_or_profit():
    result = one_row("Samhällsekonomi", Kostnad="", **{"Lönsamhet 1 år": ""})
    assert issues(result) == [(2, "Kostnad", None, "Fyll i Kostnad eller Lönsamhet 1 år (minst "
                               "en av dem).", "error")]


# --- across rows, sheets and files ----------------------------------------------------------

def test_duplicate_key_in_one_file():
    result = upload("Deltagare", example("Deltagare"), example("Deltagare", Kön="Man"))
    assert issues(result) == [(
        3, None, "Demoförbundet Norr | Steget Vidare | D-000123 | 2025-02-03",
        "Raden har samma Förbund, Insats, Deltagar-ID och Startdatum som rad 2. Varje "
        "kombination får bara finnas en gång.", "error")]


def test_duplicate_key_across_files_names_the_other_file():
    rows = table("Deltagare", example("Deltagare"))
    result = parse_files([("Deltagare.csv", csv_bytes(rows)),
                          ("upload.xlsx", xlsx_bytes({"Deltagare": rows}))],
                         existing_insatser=EXISTING, today=TODAY)
    assert [(i.file, i.row, i.message) for i in result.issues] == [(
        "upload.xlsx", 2, "Raden har samma Förbund, Insats, Deltagar-ID och Startdatum som rad 2 "
        "i filen Deltagare.csv. Varje kombination får bara finnas en gång.")]


def test_duplicates_compare_canonical_values():
    result = upload("Budget", example("Budget"), example("Budget", Kostnadsslag="lönekostnader",
                                                         Period="20250630"))
    assert [(i.row, i.column) for i in result.issues] == [(3, None)]


@pytest.mark.parametrize("sheet", ["Deltagare", "Uppföljning", "Mål", "Samhällsekonomi",
                                   "Volymer", "Budget"])
def test_unknown_insats(sheet):
    result = upload(sheet, example(sheet, Insats="Okänd insats"), existing_insatser=set())
    assert issues(result) == [(
        2, "Insats", "Okänd insats", f"Insatsen ”Okänd insats” finns inte för {FORBUND}. Lägg "
        "till den i bladet Insatser (i samma uppladdning) eller ladda upp den först.", "error")]


@pytest.mark.parametrize("sheet", ["Mål", "Budget", "Indikatorer"])
def test_blank_insats_means_the_whole_forbund(sheet):
    assert issues(upload(sheet, example(sheet, Insats=""), existing_insatser=set())) == []


def test_insats_from_the_same_upload_and_forgiving_spelling():
    data = xlsx_bytes({"Insatser": insatser("Steget Vidare"),
                       "Deltagare": table("Deltagare", example(
                           "Deltagare", Insats="steget vidare", Förbund="DEMOFÖRBUNDET NORR"))})
    result = parse_files([("upload.xlsx", data)], today=TODAY)
    assert issues(result) == []
    assert result.frames["episodes"].select("forbund", "insats").row(0) == (FORBUND,
                                                                            "Steget Vidare")


def test_followup_without_episode_in_upload_warns():
    data = xlsx_bytes({
        "Deltagare": table("Deltagare", example("Deltagare")),
        "Uppföljning": table("Uppföljning", example("Uppföljning"),
                             example("Uppföljning", **{"Deltagar-ID": "D-999"})),
    })
    result = parse_files([("upload.xlsx", data)], existing_insatser=EXISTING, today=TODAY)
    assert issues(result) == [(
        3, "Deltagar-ID", "D-999", "Deltagarperioden (Deltagar-ID och Startdatum) finns inte i "
        "bladet Deltagare i den här uppladdningen. Den måste redan finnas i databasen, annars "
        "hör uppföljningen inte till någon deltagare.", "warning")]
    assert not upload("Uppföljning", example("Uppföljning", **{"Deltagar-ID": "D-999"})).issues


def test_allowed_forbund():
    result = upload("Deltagare", example("Deltagare"),
                    example("Deltagare", Förbund="Grannförbundet", **{"Deltagar-ID": "D-2"}),
                    allowed_forbund={FORBUND}, existing_insatser=EXISTING | {
                        ("Grannförbundet", "Steget Vidare")})
    assert issues(result) == [(3, "Förbund", "Grannförbundet",
                               f"Du kan bara ladda upp uppgifter för {FORBUND}.", "error")]


def test_allowed_forbund_is_matched_forgivingly():
    result = upload("Budget", example("Budget", Förbund="demoförbundet norr", Insats=""),
                    allowed_forbund={FORBUND})
    assert issues(result) == []
    assert result.frames["budget_lines"]["forbund"].to_list() == [FORBUND]


@pytest.mark.parametrize("sheet", ["Schablonkostnader", "Helårsekvivalenter"])
def test_sheets_without_forbund_are_admin_only(sheet):
    assert issues(upload(sheet)) == []
    assert issues(upload(sheet, allowed_forbund={FORBUND})) == [
        (None, None, None, f"Bladet {sheet} kan bara laddas upp av en administratör.", "error")]


@pytest.mark.parametrize("sheet", ["Schablonkostnader", "Helårsekvivalenter"])
def test_empty_admin_sheet_of_the_template_is_fine(sheet):
    data = csv_bytes(table(sheet))  # header only
    result = parse_files([(f"{sheet}.csv", data)], allowed_forbund={FORBUND}, today=TODAY)
    assert result.issues == []


def test_all_issues_are_collected_across_files_and_sheets():
    bad_budget = table("Budget", example("Budget", Budget="x", År="1800"))
    data = xlsx_bytes({"Deltagare": table("Deltagare", example("Deltagare", Kön="?")),
                       "Budget": bad_budget})
    result = parse_files([("a.xlsx", data), ("Budget.csv", csv_bytes(bad_budget))],
                         existing_insatser=EXISTING, today=TODAY)
    assert {(i.file, i.sheet, i.column) for i in result.issues} == {
        ("Budget.csv", "Budget", None),  # the same key as in a.xlsx
        ("Budget.csv", "Budget", "Budget"), ("Budget.csv", "Budget", "År"),
        ("a.xlsx", "Budget", "Budget"), ("a.xlsx", "Budget", "År"),
        ("a.xlsx", "Deltagare", "Kön")}


def test_many_failing_rows_are_summed_up():
    rows = [example("Deltagare", Kön="?", **{"Deltagar-ID": f"D-{i}"}) for i in range(150)]
    result = upload("Deltagare", *rows)
    assert len(result.issues) == MAX_PER_CHECK + 1
    assert result.issues[-1].message == (
        "… och 50 rader till med samma problem (Okänt värde för Kön. Tillåtna värden: Kvinna, "
        "Man, Annat/ej angivet.)")


# --- result and report ---------------------------------------------------------------------

def test_sha256_ignores_file_order_but_not_content():
    a, b = ("a.csv", b"1"), ("b.csv", b"2")
    assert parse_files([a, b]).sha256 == parse_files([b, a]).sha256
    assert parse_files([a, b]).sha256 != parse_files([a, ("b.csv", b"3")]).sha256
    assert parse_files([a, b]).file_names == ["a.csv", "b.csv"]


REPORT_ISSUES = [
    Issue("a.xlsx", "Budget", 7, "Utfall", "Se separat", "Utfall är inget tal.", "warning"),
    Issue("a.xlsx", "Deltagare", 3, "Kön", "X", "Okänt värde för Kön."),
    Issue("a.xlsx", "", None, None, None, "Filen är tom."),
]


def test_format_issues():
    assert format_issues(REPORT_ISSUES) == "\n".join([
        "Fel: a.xlsx, blad Deltagare, rad 3, kolumn Kön, värde ”X”: Okänt värde för Kön.",
        "Fel: a.xlsx: Filen är tom.",
        "Varning: a.xlsx, blad Budget, rad 7, kolumn Utfall, värde ”Se separat”: Utfall är "
        "inget tal.",
        "2 fel och 1 varning.",
    ])
    assert format_issues([]) == "Inga problem hittades."


def test_issues_frame():
    frame = issues_frame(REPORT_ISSUES)
    assert frame.columns == ["Fil", "Blad", "Rad", "Kolumn", "Värde", "Problem", "Allvarlighet"]
    assert frame["Allvarlighet"].to_list() == ["fel", "fel", "varning"]
    assert frame["Rad"].dtype == pl.Int64
    assert issues_frame([]).height == 0
