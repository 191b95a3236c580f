from datetime import date

import polars as pl
import pytest

from loaders import cells
from loaders.contract import SHEETS_BY_NAME

TODAY = date(2025, 6, 15)


def run(expr_fn, text):
    return pl.select(expr_fn(pl.lit(text, pl.String))).item()


@pytest.mark.parametrize(("text", "expected"), [
    ("1 923 361", 1923361.0),
    ("1 923 361 kr", 1923361.0),
    ("867 000: -", 867000.0),
    ("867 000:-", 867000.0),
    ("100,-", 100.0),
    ("664 000 kr", 664000.0),
    ("1000 000", 1000000.0),
    ("-19 875", -19875.0),
    ("\u221219 875", -19875.0),  # Unicode minus
    ("\u2013500", -500.0),  # en dash used as minus
    ("8,1", 8.1),
    ("1\u00a0923\u202f361", 1923361.0),  # non-breaking and narrow spaces
    ("1\u2009923", 1923.0),  # thin space
    ("12.5", 12.5),  # Excel numeric cell via fastexcel
    ("25.0", 25.0),
    ("1.923.361,50", 1923361.5),
    ("1,923,361", 1923361.0),
    ("+5", 5.0),
    ("  42  ", 42.0),
    ("Se separat redovisning", None),
    ("-", None),
    ("12 tkr", None),
    ("2023-03-31", None),
    ("", None),
    (None, None),
])
def test_number(text, expected):
    value = run(cells.number, text)
    assert value is None if expected is None else value == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("25", 0.25),
    ("25 %", 0.25),
    ("25,0%", 0.25),
    ("8,1%", 0.081),
    ("8,1 %", 0.081),
    ("100", 1.0),
    ("0", 0.0),
    ("mycket", None),
])
def test_percent(text, expected):
    value = run(cells.percent, text)
    assert value is None if expected is None else value == pytest.approx(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("2023-03-31", date(2023, 3, 31)),
    ("20230331", date(2023, 3, 31)),
    ("230331", date(2023, 3, 31)),  # YYMMDD, 23 <= 25 -> 2023
    ("991231", date(1999, 12, 31)),  # 99 > 25 -> 1999
    ("250101", date(2025, 1, 1)),
    ("2023-03-31 00:00:00", date(2023, 3, 31)),  # Excel date cell via fastexcel
    ("2023-03-31 12:30:00", date(2023, 3, 31)),
    ("2023-3-5", date(2023, 3, 5)),
    (" 2023-03-31 ", date(2023, 3, 31)),
    ("2023-02-30", None),
    ("31/03/2023", None),
    ("44000", None),
    ("mars 2023", None),
])
def test_date(text, expected):
    assert run(lambda e: cells.date_(e, TODAY), text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("2023-03-31 00:00:00", "2023-03-31"),
    ("2023H1", "2023H1"),
    (" Konsultationer ", "Konsultationer"),
    ("", None),
])
def test_date_text(text, expected):
    assert run(cells.date_text, text) == expected


@pytest.mark.parametrize(("text", "whole"), [("25.0", True), ("25", True), ("34,5", False)])
def test_is_whole(text, whole):
    assert run(lambda e: cells.is_whole(cells.number(e)), text) is whole


@pytest.mark.parametrize(("text", "failed"), [
    ("x", True), ("", False), (None, False), ("1", False)])
def test_failed(text, failed):
    assert run(lambda e: cells.failed(e, cells.number(e)), text) is failed


@pytest.mark.parametrize(("sheet", "column", "text", "expected"), [
    ("Deltagare", "Kön", "K", "Kvinna"),
    ("Deltagare", "Kön", "kvinna", "Kvinna"),
    ("Deltagare", "Kön", "MAN", "Man"),
    ("Deltagare", "Remittent", "Af", "Arbetsförmedlingen"),
    ("Deltagare", "Remittent", "arbetsformedlingen", "Arbetsförmedlingen"),
    ("Deltagare", "Remittent", "FK", "Försäkringskassan"),
    ("Deltagare", "Avslutsorsak", "Avbrott - ohälsa", "Avbrott – ohälsa"),
    ("Deltagare", "Avslutsorsak", "avbrott ohalsa", "Avbrott – ohälsa"),
    ("Deltagare", "Utbildningsnivå", "Eftergymnasial >= 3 år", "Eftergymnasial ≥ 3 år"),
    ("Deltagare", "Kön", "Okänd text", None),
    ("Budget", "Kostnadsslag", "lönekostnader", "Lönekostnader"),
    ("Budget", "Kostnadsslag", "Konsultarvoden", "Konsultarvoden"),  # open list
    ("Budget", "Enhet", "TKR", "tkr"),
])
def test_code_mapping(sheet, column, text, expected):
    col = next(c for c in SHEETS_BY_NAME[sheet].columns if c.header == column)
    assert cells.code_mapping(col, [text]).get(text) == expected


def test_via_distinct_maps_every_row():
    df = pl.DataFrame({"a": ["1", None, "2,5", "x", "1"]})
    out = df.select(cells.via_distinct(df, "a", cells.number, pl.Float64)).to_series()
    assert out.to_list() == [1.0, None, 2.5, None, 1.0]
