"""`finsam kpi` end to end: CSV import → KPI JSON/CSV/table, on the SOT Västerås 2017 example."""

import json

import pytest

from dashboard.cli import main

FORBUND = "Demoförbundet Västerås"
OUTCOMES = ["Arbete"] * 6 + ["Studier"] * 2 + ["Fortsatt rehabilitering"] * 43 + \
    ["Avbrott – ohälsa"] * 44


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'kpi.db'}")
    (tmp_path / "Insatser.csv").write_text(
        f"Förbund;Insats;Årsplatser\n{FORBUND};SOT;111\n", encoding="utf-8")
    (tmp_path / "Mål.csv").write_text(
        "Förbund;Insats;År;Nyckeltal;Målvärde\n"
        f"{FORBUND};SOT;2017;share_work;25 %\n{FORBUND};SOT;2017;Andel till studier;20\n",
        encoding="utf-8")
    lines = ["Förbund;Insats;Deltagar-ID;Kön;Remittent;Startdatum;Slutdatum;Avslutsorsak"]
    for i, reason in enumerate(OUTCOMES):
        sex = "K" if i % 3 else "M"
        lines.append(f"{FORBUND};SOT;P{i};{sex};FK;2016-09-01;2017-05-31;{reason}")
    (tmp_path / "Deltagare.csv").write_text("\n".join(lines) + "\n", encoding="cp1252")
    files = [str(tmp_path / f) for f in ("Insatser.csv", "Mål.csv", "Deltagare.csv")]
    assert main(["import", *files]) == 0
    return tmp_path


def kpi(capsys, *args):
    code = main(["kpi", "--forbund", FORBUND, *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_json_gives_the_worked_example_shares_and_targets(db, capsys):
    code, out, _ = kpi(capsys, "--year", "2017")
    assert code == 0
    result = json.loads(out)
    assert result["selection"] == {"forbund": FORBUND, "insats": [], "grupp": None,
                                   "from": "2017-01-01", "to": "2017-12-31", "filters": {}}
    k = result["kpis"]
    assert (k["ended"], k["completed"], k["dropped_out"]) == (95, 51, 44)
    assert k["share_work"] == pytest.approx(6 / 51)
    assert k["share_studies"] == pytest.approx(2 / 51)
    assert k["share_rehab"] == pytest.approx(43 / 51)
    assert k["share_work_incl_dropouts"] == pytest.approx(6 / 95)
    assert k["share_dropout"] == pytest.approx(44 / 95)
    assert (k["share_work_target"], k["share_studies_target"]) == (0.25, 0.20)
    assert result["target_status"]["share_work"] == "not_met"


def test_filters_and_suppression_list_hidden_keys(db, capsys):
    # Men are every third episode: P0, P3, … → 32 of 95; of the 6 to work, P0 and P3 are men.
    code, out, _ = kpi(capsys, "--year", "2017", "--kon", "Man", "--remittent", "FK")
    result = json.loads(out)
    assert result["selection"]["filters"] == {"kon": ["Man"], "remittent": ["Försäkringskassan"]}
    assert result["kpis"]["ended"] == 32
    # 17 men completed (P0…P48), 2 of them to work: a share over ≥ 5 episodes is shown.
    assert result["kpis"]["completed"] == 17
    assert result["kpis"]["share_work"] == pytest.approx(2 / 17)


def test_small_counts_are_suppressed_unless_suppress_0(db, capsys):
    _, out, _ = kpi(capsys, "--from", "2017-05-01", "--to", "2017-12-31", "--insats", "SOT",
                    "--kon", "Man", "--aldersgrupp", "30-44")
    hidden = json.loads(out)
    assert hidden["kpis"]["ended"] is None and "ended" in hidden["suppressed"]
    _, out, _ = kpi(capsys, "--year", "2017", "--kon", "Man", "--suppress", "0")
    assert json.loads(out)["kpis"]["ended"] == 32


def test_csv_and_table_formats(db, capsys):
    _, out, _ = kpi(capsys, "--year", "2017", "--format", "csv")
    lines = out.splitlines()
    assert lines[0] == "key,label,value"
    assert "ended,Avslutade,95" in lines
    assert "share_work_target,Andel till arbete (mål),0.25" in lines
    _, out, _ = kpi(capsys, "--year", "2017", "--format", "table")
    assert any(line.startswith("Andel till arbete ") and line.endswith("11,8 %")
               for line in out.splitlines())


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2017", "--from", "2017-01-01", "--to", "2017-02-01"], "inte båda"),
    ([], "Ange --year"),
    (["--year", "2017", "--remittent", "Posten"], "Okänd remittent 'Posten'"),
])
def test_bad_selections_exit_2(db, capsys, args, message):
    code, _, err = kpi(capsys, *args)
    assert code == 2 and message in err


def test_unknown_forbund_exits_2(db, capsys):
    code = main(["kpi", "--forbund", "Finns inte", "--year", "2017"])
    assert code == 2 and "finns inte i databasen" in capsys.readouterr().err
