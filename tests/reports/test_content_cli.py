"""The report's key figures are `finsam kpi`'s numbers for the same selection, to the digit.

SOT Västerås 2017 is imported through `finsam import` into a fresh database; `finsam kpi`
runs in-process and prints JSON; the report is built from the frames the command line
reads (`load_frames`) with the upload history the app lists (`list_uploads`).
"""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from dashboard import fmt
from dashboard.cli import main
from loaders.contract import SHEETS_BY_TABLE
from loaders.frames import load_frames
from loaders.history import list_uploads
from loaders.schema import make_engine
from metrics.registry import BY_KEY
from reports.content import build_report
from reports.content_insats import KEY_FIGURES
from tests.reports.test_content import FORBUND, SOT, cell, find, sot_2017, sot_selection

#: Written as the sheets spell them; targets by hand (a share is written `25 %`).
TABLES = ("insatser", "episodes", "socioeconomic")
TARGETS = ("Förbund;Insats;År;Nyckeltal;Målvärde;Riktning\n"
           f"{FORBUND};{SOT};2017;share_work;25 %;minst\n"
           f"{FORBUND};{SOT};2017;Andel till studier;20 %;minst\n"
           f"{FORBUND};{SOT};2017;share_rehab;55 %;minst\n"
           f"{FORBUND};{SOT};2017;payback_months;34;högst\n")


def _write(path, table: str, frame) -> None:
    sheet = SHEETS_BY_TABLE[table]
    columns = [c for c in sheet.columns if c.name in frame.columns]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow([c.header for c in columns])
        for row in frame.iter_rows(named=True):
            writer.writerow(["" if row[c.name] is None else
                             row[c.name].isoformat() if isinstance(row[c.name], date) else
                             row[c.name] for c in columns])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report_cli")
    url = f"sqlite:///{folder / 'kpi.db'}"
    fr = sot_2017()
    files = []
    for table in TABLES:
        files.append(folder / f"{SHEETS_BY_TABLE[table].name}.csv")
        _write(files[-1], table, fr[table])
    files.append(folder / "Mål.csv")
    files[-1].write_text(TARGETS, encoding="utf-8")
    assert main(["--db", url, "import", *map(str, files)]) == 0
    return url


def kpi_json(capsys, url: str, *args: str) -> dict:
    assert main(["--db", url, "kpi", "--forbund", FORBUND, "--insats", SOT, "--year", "2017",
                 *args]) == 0
    return json.loads(capsys.readouterr().out)


def expected(result: dict, key: str, part: str | None = None) -> str:
    """A shown KPI of `finsam kpi` JSON as the pages print it."""
    value = result["kpis"][key]
    return fmt.kpi_value(key, value[part] if part else value)


@pytest.mark.parametrize("threshold", [5, 0])
def test_key_figures_equal_finsam_kpi(db, capsys, threshold):
    result = kpi_json(capsys, db, "--suppress", str(threshold))
    engine = make_engine(db)
    try:
        frames, uploads = load_frames(engine), list_uploads(engine)
    finally:
        engine.dispose()
    rep = build_report(frames, sot_selection(), "insats", threshold=threshold,
                       uploads=uploads, made=date(2018, 2, 1))
    key = find(rep, "Nyckeltal för urvalet")
    suppressed = set(result.get("suppressed", ()))
    checked = 0
    for item in KEY_FIGURES:
        name, part = item if isinstance(item, tuple) else (item, None)
        label = BY_KEY[name].label + (f", {part.lower()}" if part else "")
        shown = cell(key, label, "Värde")
        if name in suppressed:  # hidden: the JSON has null, the report a label
            assert shown in {"<5", "för få", ".."} or shown.startswith("< "), (name, shown)
            assert result["kpis"][name] is None
            continue
        assert shown == expected(result, name, part), name
        checked += 1
        target = result["kpis"].get(f"{name}_target")
        if target is not None:
            assert cell(key, label, "Mål") == fmt.kpi_value(name, target)
    assert checked >= 15
    assert (cell(key, "Nya deltagare", "Värde"), cell(key, "Aktiva vid periodens slut", "Värde")
            ) == ("115", "63")
    assert dict(rep.cover)["Dataversion"] == f"uppladdning {max(u['id'] for u in uploads)}"
    if threshold:
        assert {"share_studies", "share_work"} <= suppressed
        assert cell(key, "Andel till studier", "Värde") == \
            f"< {round(result['kpis']['share_studies_upper_bound'] * 100)} %"
    else:
        assert cell(key, "Andel till arbete", "Värde") == "11,8 %"
