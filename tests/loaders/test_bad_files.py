"""The corpus of bad files (tests/data/bad): each is refused with its exact Swedish errors.

Both entry points are covered: the web page runs `parse_files` + `import_upload` (what
`dashboard.upload` calls), the command line runs `finsam import`. Every refused upload must
leave the database exactly as it was.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from datetime import date
from functools import cache
from pathlib import Path, PurePath

import openpyxl
import pytest

from dashboard.cli import main
from loaders import limits, read
from loaders.frames import load_frames
from loaders.importer import import_upload
from loaders.issues import Issue, format_issues
from loaders.parse import parse_files
from loaders.read import MAX_UPLOAD_BYTES
from loaders.schema import make_engine
from tests.loaders.factories import snapshot

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "bad"
CONTROLS = CORPUS / "controls"
BASELINE = CONTROLS / "baseline.xlsx"
#: `scope_*` files are uploaded by a samordnare for this förbund only.
SCOPE = {"Demoförbundet Test"}
MIN_CORPUS = 28


def _expected() -> dict[str, list[tuple]]:
    out: dict[str, list[tuple]] = {}
    with (CORPUS / "expected.csv").open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f, delimiter=";"):
            out.setdefault(r["file"], []).append(
                (r["sheet"], int(r["row"]) if r["row"] else None, r["column"] or None,
                 r["message"]))
    return out


def _generated() -> set[str]:
    """Hostile files too big to commit: tests/loaders/test_hostile_files.py builds them."""
    with (CORPUS / "hostile.csv").open(encoding="utf-8", newline="") as f:
        return {r["file"] for r in csv.DictReader(f, delimiter=";") if r["generated"] == "1"}


EXPECTED = _expected()
GENERATED = _generated()
FILES = sorted(set(EXPECTED) - GENERATED)


def expected_issues(file: str) -> set[tuple]:
    """(file, sheet, row, column, message) as the loaders report them, placeholders filled."""
    today = date.today().isoformat()
    return {(PurePath(file).name, sheet, row, column, message.replace("{today}", today))
            for sheet, row, column, message in EXPECTED[file]}


def errors(parsed) -> set[tuple]:
    return {(i.file, i.sheet, i.row, i.column, i.message) for i in parsed.issues
            if i.severity == "error"}


def scope_of(file: str) -> set[str] | None:
    return SCOPE if PurePath(file).name.startswith("scope_") else None


def files_of(path: Path) -> list[tuple[str, bytes]]:
    """A file, or every file of a folder (one CSV per sheet), as one upload."""
    paths = sorted(path.iterdir()) if path.is_dir() else [path]
    return [(p.name, p.read_bytes()) for p in paths]


@cache
def baseline():
    """The valid upload every bad file meets in the database (parsed once; never mutated)."""
    parsed = parse_files(files_of(BASELINE))
    assert parsed.issues == []
    return parsed


def baseline_insatser() -> set[tuple[str, str]]:
    return set(baseline().frames["insatser"].select("forbund", "insats").rows())


@cache
def parse_case(file: str):
    """The corpus file parsed as the web page does (`existing_insatser` from the database)."""
    return parse_files(files_of(CORPUS / file), existing_insatser=baseline_insatser(),
                       allowed_forbund=scope_of(file))


def preload(engine) -> None:
    """The database a bad file meets: one valid upload already imported."""
    assert import_upload(engine, baseline(), user="anna").status == "committed"


# --- the corpus itself ---------------------------------------------------------------------

def test_corpus_is_complete():
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*")
               if p.is_file() and p.suffix in (".xlsx", ".xls", ".csv")}
    on_disk -= {"expected.csv", "hostile.csv"}
    on_disk = {f for f in on_disk if not f.startswith("controls/")}
    assert on_disk == set(EXPECTED) - GENERATED
    assert GENERATED <= set(EXPECTED)
    assert len(EXPECTED) >= MIN_CORPUS
    assert all(len(data) < 64_000 for f in FILES for _, data in files_of(CORPUS / f))


# --- parsing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("file", FILES)
def test_bad_file_gives_exactly_its_errors(file):
    parsed = parse_case(file)

    assert parsed.has_errors
    assert errors(parsed) == expected_issues(file)


def identity_numbers(file: str) -> set[str]:
    """The personnummer-shaped cells of a corpus workbook."""
    wb = openpyxl.load_workbook(CORPUS / file, read_only=True)
    try:
        cells = {c for ws in wb for row in ws.iter_rows(values_only=True) for c in row}
    finally:
        wb.close()
    return {c for c in cells if isinstance(c, str) and re.fullmatch(r"(19)?\d{6}-\d{4}", c)}


@pytest.mark.parametrize("file", ["personnummer.xlsx", "samordningsnummer.xlsx",
                                  "personnummer_column.xlsx"])
def test_no_message_repeats_the_identity_number(file):
    parsed = parse_case(file)
    text = format_issues(parsed.issues) + repr(parsed.issues)
    [number] = identity_numbers(file)

    assert number not in text and number.replace("-", "") not in text
    assert number[-4:] not in text
    assert f"{number[:-4]}****" in text


# --- the web page's path: parse_files + import_upload --------------------------------------

def test_bad_files_leave_the_database_unchanged(engine):
    # One database per backend for the whole corpus (a migration per file is slow); a file
    # that changed anything would be reported with its name.
    preload(engine)
    before = snapshot(engine)
    changed = []
    for file in FILES:
        report = import_upload(engine, parse_case(file), user="bo")
        if report.status != "rejected" or snapshot(engine) != before:
            changed.append((file, report.status))
    assert changed == []


# --- the command line ----------------------------------------------------------------------

def _cli_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        assert main(["import", str(BASELINE), "--user", "anna"]) == 0
    return url


@pytest.fixture(scope="module")
def cli_baseline_url(tmp_path_factory):
    """A SQLite file holding the baseline upload, shared by the refusal tests."""
    return _cli_database(tmp_path_factory.mktemp("cli") / "cli.db")


@pytest.fixture
def refusing_db(cli_baseline_url, monkeypatch):
    """DATABASE_URL set to the shared baseline database (refused uploads change nothing)."""
    monkeypatch.setenv("DATABASE_URL", cli_baseline_url)
    engine = make_engine(cli_baseline_url)
    yield engine
    engine.dispose()


@pytest.fixture
def cli_db(tmp_path, monkeypatch):
    """DATABASE_URL pointing at a fresh SQLite file holding the baseline upload."""
    url = _cli_database(tmp_path / "cli.db")
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def cli_line(file, sheet, row, column, message) -> re.Pattern:
    """The line `finsam import` prints for an error (the cell value may sit before the text)."""
    where = [file, *([f"blad {sheet}"] if sheet else []), *([f"rad {row}"] if row else []),
             *([f"kolumn {column}"] if column else [])]
    return re.compile(rf"^Fel: {re.escape(', '.join(where))}(, värde ”[^\n]*”)?: "
                      rf"{re.escape(message)}$", re.MULTILINE)


# `finsam import` runs as administrator: the förbund-scope files concern the web page only.
@pytest.mark.parametrize("file", [f for f in FILES if not scope_of(f)])
def test_cli_refuses_bad_file_with_the_same_messages(refusing_db, capsys, file):
    capsys.readouterr()
    before = snapshot(refusing_db)
    code = main(["import", str(CORPUS / file)])

    out = capsys.readouterr()
    assert code == 2
    for issue in expected_issues(file):
        assert cli_line(*issue).search(out.err), (issue, out.err)
    assert out.err.rstrip().endswith("Inget har sparats.")
    assert snapshot(refusing_db) == before


# --- size limit ------------------------------------------------------------------------------

TOO_LARGE = ("Filen {} är för stor (50,1 MB). Största tillåtna storlek är 50 MB per fil. Dela "
             "upp uppgifterna i flera filer, t.ex. en per blad eller per år.")


def _no_reader(*_args):
    raise AssertionError("a file over the limit must not be parsed")


@pytest.mark.parametrize("name", ["Deltagare.csv", "Stor arbetsbok.xlsx"])
def test_oversized_file_is_refused_before_parsing(monkeypatch, name):
    monkeypatch.setattr(read, "_read_csv", _no_reader)
    monkeypatch.setattr(read, "_read_xlsx", _no_reader)
    data = b"x" * (MAX_UPLOAD_BYTES + 1)

    parsed = parse_files([(name, data)])

    assert parsed.issues == [Issue(name, "", None, None, None, TOO_LARGE.format(name))]
    assert parsed.has_errors


def test_file_of_exactly_the_limit_is_read(monkeypatch):
    monkeypatch.setattr(read, "_read_csv", lambda name, data: ([], []))
    assert read.read_file("Deltagare.csv", b"x" * MAX_UPLOAD_BYTES) == ([], [])


def test_oversized_file_through_the_cli(refusing_db, capsys, tmp_path):
    path = tmp_path / "Deltagare.csv"
    path.write_bytes(b"x" * (MAX_UPLOAD_BYTES + 1))
    before = snapshot(refusing_db)
    capsys.readouterr()

    assert main(["import", str(path)]) == 2
    assert f"Fel: Deltagare.csv: {TOO_LARGE.format('Deltagare.csv')}" in capsys.readouterr().err
    assert snapshot(refusing_db) == before


def test_widget_limit_leaves_room_for_the_swedish_message():
    # Regression: with maxUploadSize = 50 the widget refused a 51 MB file itself, in English
    # ("File must be 50.0MB or smaller"). Streamlit's maxUploadSize is in MB of 1024 * 1024.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    widget_mb = config["server"]["maxUploadSize"]
    assert widget_mb == limits.UPLOAD_WIDGET_MB
    assert widget_mb * 1024 * 1024 >= 2 * MAX_UPLOAD_BYTES


# --- valid controls --------------------------------------------------------------------------

def test_cp1252_semicolon_csv_imports_with_swedish_letters_intact(engine):
    preload(engine)
    parsed = parse_files(files_of(CONTROLS / "cp1252"), existing_insatser=baseline_insatser())
    assert [i for i in parsed.issues if i.severity == "error"] == []

    report = import_upload(engine, parsed, user="bo")

    assert report.status == "committed"
    assert report.counts == {"Insatser": {"added": 1, "updated": 0, "unchanged": 0},
                             "Deltagare": {"added": 1, "updated": 0, "unchanged": 0}}
    frames = load_frames(engine, tables=["insatser", "episodes"])
    insats = frames["insatser"].filter(insats="Språnget Östra").row(0, named=True)
    assert (insats["forbund"], insats["owner"], insats["granted_amount"]) == (
        "Demoförbundet Test", "Åre kommun", 1_250_000.0)
    episode = frames["episodes"].filter(participant_id="Ö-17").row(0, named=True)
    assert {k: episode[k] for k in ("insats", "grupp", "education", "exit_reason",
                                    "income_after", "outcome_group", "public_support_years",
                                    "start_date")} == {
        "insats": "Språnget Östra", "grupp": "Trädgårdsgruppen", "education": "Förgymnasial",
        "exit_reason": "Avbrott – ohälsa", "income_after": "Ekonomiskt bistånd",
        "outcome_group": "dropout", "public_support_years": 2.5,
        "start_date": date(2023, 2, 3)}


def test_cp1252_semicolon_csv_imports_through_the_cli(cli_db, capsys):
    capsys.readouterr()
    code = main(["import", *map(str, sorted((CONTROLS / "cp1252").iterdir()))])
    assert code == 0, capsys.readouterr().err
    episodes = load_frames(cli_db, tables=["episodes"])["episodes"]
    assert episodes.filter(participant_id="Ö-17")["grupp"].to_list() == ["Trädgårdsgruppen"]


NOTE_WARNING = "Utfall är inget tal. Värdet sparas som saknat och texten sparas som kommentar."


def test_text_in_utfall_is_a_warning_and_imports_with_the_note(engine):
    preload(engine)
    parsed = parse_files(files_of(CONTROLS / "utfall_text.xlsx"),
                         existing_insatser=baseline_insatser())
    assert [(i.sheet, i.row, i.column, i.value, i.message, i.severity) for i in parsed.issues] \
        == [("Budget", 2, "Utfall", "Se separat redovisning", NOTE_WARNING, "warning")]

    report = import_upload(engine, parsed, user="bo")

    assert report.status == "committed"
    assert report.counts == {"Budget": {"added": 0, "updated": 1, "unchanged": 0}}
    [line] = load_frames(engine, tables=["budget_lines"])["budget_lines"].to_dicts()
    assert (line["budget"], line["spent"]) == (500_000.0, None)
    assert json.loads(line["notes"]) == {"Utfall": "Se separat redovisning"}


def test_text_in_utfall_imports_through_the_cli_with_the_warning_shown(cli_db, capsys):
    capsys.readouterr()
    assert main(["import", str(CONTROLS / "utfall_text.xlsx")]) == 0
    out = capsys.readouterr().out
    assert f"Varning: utfall_text.xlsx, blad Budget, rad 2, kolumn Utfall, värde ”Se separat " \
           f"redovisning”: {NOTE_WARNING}" in out
    [line] = load_frames(cli_db, tables=["budget_lines"])["budget_lines"].to_dicts()
    assert json.loads(line["notes"]) == {"Utfall": "Se separat redovisning"}
