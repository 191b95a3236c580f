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
    code, out, _ = kpi(capsys, "--year", "2017", "--suppress", "0")
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


def test_json_never_prints_a_count_of_1_to_4_inside_a_share(db, capsys):
    # 2 of 51 to studies: share × completed would print 2, so it is an upper bound,
    # 5 / 51 rounded up = 10 %; and share_work_or_studies − share_work (8 − 6) would give
    # the 2 back, so share_work (the smallest term) is hidden too
    _, out, _ = kpi(capsys, "--year", "2017")
    result = json.loads(out)
    k = result["kpis"]
    assert k["share_studies"] is None and k["share_studies_upper_bound"] == 0.10
    assert k["share_studies_incl_dropouts_upper_bound"] == 0.06  # 5 / 95
    assert k["share_work"] is None and k["share_work_or_studies"] == pytest.approx(8 / 51)
    assert {"share_studies", "share_work"} <= set(result["suppressed"])
    assert (k["ended"], k["completed"], k["dropped_out"]) == (95, 51, 44)
    assert "share_studies" not in result["target_status"]


def test_filters_and_suppression_list_hidden_keys(db, capsys):
    # Men are every third episode: P0, P3, … → 32 of 95; of the 6 to work, P0 and P3 are men.
    code, out, _ = kpi(capsys, "--year", "2017", "--kon", "Man", "--remittent", "FK")
    result = json.loads(out)
    assert result["selection"]["filters"] == {"kon": ["Man"], "remittent": ["Försäkringskassan"]}
    assert result["kpis"]["ended"] == 32
    # 17 men completed (P0…P48), 2 of them to work: a share over ≥ 5 episodes, but of 2
    # people, so it is shown as an upper bound (5 / 17 rounded up = 30 %), never as 2 / 17
    assert result["kpis"]["completed"] == 17
    assert result["kpis"]["share_work"] is None and "share_work" in result["suppressed"]
    assert result["kpis"]["share_work_upper_bound"] == 0.30


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
    _, out, _ = kpi(capsys, "--year", "2017", "--format", "table", "--suppress", "0")
    assert any(line.startswith("Andel till arbete ") and line.endswith("11,8 %")
               for line in out.splitlines())


def shown(out: str) -> dict[str, str]:
    """Label -> what the table format prints for it."""
    return {line[:line.rindex("  ")].strip(): line[line.rindex("  ") + 2:]
            for line in out.splitlines()}


def test_table_and_csv_say_why_a_value_is_hidden(db, capsys):
    _, out, _ = kpi(capsys, "--year", "2017", "--format", "table")
    table = shown(out)
    assert table["Andel till studier"] == "< 10 %"
    assert table["Andel till arbete"] == ".."  # would give the 2 back: 8 − 6
    assert table["Avslutade"] == "95"
    assert table["Genomströmningstid, medel (mån)"] != "–"
    assert "Andel till studier (övre gräns)" not in table  # the bound is in its own row
    _, out, _ = kpi(capsys, "--year", "2017", "--format", "csv")
    assert "share_studies,Andel till studier," in out.splitlines()
    assert "share_studies_upper_bound,Andel till studier (övre gräns),0.1" in out.splitlines()
    # 32 men, of them 17 completed, 2 to work: a small count reads <5, a share over it
    # "för få" when its base is small, never a dash
    _, out, _ = kpi(capsys, "--year", "2017", "--kon", "Man", "--format", "table")
    table = shown(out)
    assert table["Andel till arbete"] == "< 30 %"
    assert table["Andel annat avslut"] == "0,0 %"  # nobody: a count of 0 is shown
    _, out, _ = kpi(capsys, "--from", "2017-05-01", "--to", "2017-12-31", "--insats", "SOT",
                    "--kon", "Man", "--aldersgrupp", "30-44", "--format", "table")
    table = shown(out)  # fewer than 5 episodes in all: every episode KPI is "för få"
    assert table["Avslutade"] == "för få" and table["Deltagare under perioden"] == "för få"
    assert table["Budget"] == "–"  # missing, not hidden


def test_table_format_prints_each_reason():
    from datetime import date

    from dashboard.cli_kpi import _rows, _table
    from metrics import compute_kpis, suppress_kpis
    from tests.metrics.factories import episode, frames, selection

    eps = [episode(participant_id=f"w{i}") for i in range(6)]
    eps += [episode(participant_id=f"d{i}", exit_reason="Avbrott – flytt") for i in range(3)]
    eps += [episode(participant_id="s", start_date=date(2022, 1, 1), step_start=None)]
    result = suppress_kpis(compute_kpis(frames(episodes=eps), selection()))
    table = shown(_table(list(_rows(result, 5))))
    assert table["Avbrutna"] == "<5"
    assert table["Andel avbrott"] == "< 50 %"  # 3 of 10 ended
    assert table["Fullföljda"] == ".."  # 10 − 3 would give the dropouts back
    assert table["Avslutade"] == "10"
    assert table["Budget"] == "–"


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
