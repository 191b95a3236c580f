"""Template → fill in Excel → import, and all-or-nothing at the database."""

import io
from datetime import date

import openpyxl

from loaders.examples import EXAMPLE_HEADER
from loaders.frames import load_frames
from loaders.importer import import_upload
from loaders.parse import parse_files
from loaders.template import build_template
from tests.loaders.factories import snapshot


def filled_template(edit) -> bytes:
    """The template after `edit`, its example rows made the user's own (Exempelrad emptied)."""
    book = openpyxl.load_workbook(io.BytesIO(build_template()))
    for ws in book.worksheets:
        if ws.max_column and ws.cell(1, ws.max_column).value == EXAMPLE_HEADER:
            ws.cell(2, ws.max_column).value = None
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column_of(ws, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def add_participant(book, participant_id="D-000124", kon="M", end=None, reason=None):
    ws = book["Deltagare"]
    row = [c.value for c in ws[2]]
    ws.append(row)
    last = ws.max_row
    for header, value in [("Deltagar-ID", participant_id), ("Kön", kon), ("Slutdatum", end),
                          ("Avslutsorsak", reason), ("Försörjning efter", None),
                          ("Steg vid avslut", None)]:
        ws.cell(last, column_of(ws, header)).value = value


def test_template_filled_in_excel_imports_into_the_database(engine):
    data = filled_template(add_participant)
    parsed = parse_files([("kvartal.xlsx", data)])
    assert parsed.issues == []

    report = import_upload(engine, parsed, user="samordnare")

    assert report.status == "committed"
    episodes = load_frames(engine, ["episodes"])["episodes"].sort("participant_id")
    assert episodes.select("participant_id", "sex", "end_date", "outcome_group").rows() == [
        ("D-000123", "Kvinna", date(2025, 11, 28), "work"),
        ("D-000124", "Man", None, None),
    ]
    targets = load_frames(engine, ["targets"])["targets"]
    assert targets.select("kpi", "target_value", "direction").rows() == [
        ("share_work", 0.25, "minst")]


def test_one_bad_row_in_the_last_sheet_leaves_every_table_unchanged(engine):
    import_upload(engine, parse_files([("start.xlsx", filled_template(lambda b: None))]),
                  user="samordnare")
    before = snapshot(engine)

    def break_last_sheet(book):
        add_participant(book)
        ws = book["Helårsekvivalenter"]
        ws.cell(2, column_of(ws, "Helårsekvivalenter"), "många")

    parsed = parse_files([("kvartal.xlsx", filled_template(break_last_sheet))])

    assert [(i.sheet, i.row, i.column, i.value) for i in parsed.issues if i.severity == "error"] \
        == [("Helårsekvivalenter", 2, "Helårsekvivalenter", "många")]
    assert import_upload(engine, parsed, user="samordnare").status == "rejected"
    assert snapshot(engine) == before
