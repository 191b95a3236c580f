"""The demo dataset obeys the data contract, is deterministic and loads into the database."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import create_engine

from dashboard.users import User, check_user
from loaders.bulk import bulk_insert
from loaders.contract import EXIT_REASONS, SHEETS, SHEETS_BY_TABLE, Kind
from loaders.db import DATA_TABLES, metadata
from loaders.demo import CUTOFF, DEMO_USERS, UNIT_COSTS_NOTE, build_demo, demo_forbund_names
from loaders.frames import frame_schema, load_frames
from metrics.registry import BY_KEY

TABLES = [s.table for s in SHEETS]


@pytest.fixture(scope="module")
def demo() -> dict[str, pl.DataFrame]:
    return build_demo("small", seed=42)


@pytest.fixture(scope="module")
def scaled() -> dict[str, pl.DataFrame]:
    """The large layout with only three förbund: same code path, a fraction of the rows."""
    return build_demo("large", seed=7, n_forbund=3)


@pytest.fixture(params=["demo", "scaled"])
def frames(request) -> dict[str, pl.DataFrame]:
    return request.getfixturevalue(request.param)


def test_every_contract_table_is_present(demo):
    assert list(demo) == TABLES


@pytest.mark.parametrize("table", TABLES)
def test_columns_and_dtypes_match_the_stored_schema(frames, table):
    assert frames[table].schema == pl.Schema(frame_schema(SHEETS_BY_TABLE[table]))


@pytest.mark.parametrize("table", TABLES)
def test_tables_are_not_empty(frames, table):
    assert frames[table].height > 0


@pytest.mark.parametrize("table", TABLES)
def test_keys_are_unique_and_not_null(frames, table):
    sheet = SHEETS_BY_TABLE[table]
    keys = frames[table].select(sheet.key)
    assert keys.null_count().sum_horizontal().item() == 0
    assert not keys.is_duplicated().any()


@pytest.mark.parametrize("table", TABLES)
def test_required_columns_are_filled(frames, table):
    required = [c.name for c in SHEETS_BY_TABLE[table].columns if c.required]
    assert frames[table].select(required).null_count().sum_horizontal().item() == 0


@pytest.mark.parametrize(("table", "column"), [
    (s.table, c.name) for s in SHEETS for c in s.columns
    if c.kind is Kind.CODE and c.values and not c.open_values and c.name != "unit"
])
def test_code_values_are_canonical(frames, table, column):
    allowed = set(SHEETS_BY_TABLE[table].column(column).values)
    used = set(frames[table][column].drop_nulls().unique())
    assert used <= allowed, used - allowed


@pytest.mark.parametrize(("table", "column"), [
    (s.table, c.name) for s in SHEETS for c in s.columns
    if c.min_value is not None or c.max_value is not None
])
def test_numbers_are_within_contract_bounds(frames, table, column):
    col = SHEETS_BY_TABLE[table].column(column)
    values = frames[table][column].drop_nulls()
    if col.min_value is not None:
        assert values.min() >= col.min_value
    if col.max_value is not None:
        assert values.max() <= col.max_value


def test_exit_reason_iff_end_date_and_outcome_group_follows_it(frames):
    e = frames["episodes"]
    assert (e["end_date"].is_null() == e["exit_reason"].is_null()).all()
    expected = e["exit_reason"].replace_strict(EXIT_REASONS, default=None)
    assert e["outcome_group"].equals(expected.alias("outcome_group"), null_equal=True)
    assert (e["end_date"] >= e["start_date"]).all()
    assert e.filter(pl.col("end_date").is_null())["step_end"].null_count() == \
        e.filter(pl.col("end_date").is_null()).height


def test_episodes_stay_within_their_insats_and_the_demo_period(frames):
    e = frames["episodes"].join(frames["insatser"], on=["forbund", "insats"], how="left",
                                suffix="_ins")
    assert e["kind"].drop_nulls().unique().to_list() == ["Individinriktad"]
    assert e["kind"].null_count() == 0
    assert (e["start_date"] >= e["start_date_ins"]).all()
    assert ((e["end_date"] <= e["end_date_ins"]) | e["end_date_ins"].is_null()
            | e["end_date"].is_null()).all()
    assert e["start_date"].min().isoformat() >= "2020-01-01"
    assert e["start_date"].max() <= CUTOFF
    assert e["end_date"].max() <= CUTOFF


def test_followups_belong_to_completed_episodes_and_are_due(frames):
    f = frames["followups"].join(frames["episodes"], how="left",
                                 on=["forbund", "insats", "participant_id", "start_date"])
    assert f["outcome_group"].null_count() == 0
    assert "dropout" not in f["outcome_group"].unique().to_list()
    due = f.select(pl.col("end_date").dt.offset_by(pl.col("months_after") + "mo"))
    assert (due.to_series() <= CUTOFF + timedelta(days=2)).all()
    assert set(f["months_after"].unique()) == {"6", "12", "24"}


def test_indicator_shares_sum_to_one_and_samtliga_is_kvinnor_plus_man(frames):
    i = frames["indicators"]
    total = i.select(pl.sum_horizontal("negative", "neutral", "positive"))
    assert ((total.to_series() - 1).abs() < 0.001).all()
    assert (i["clearly_positive"] <= i["positive"]).all()
    key = ["forbund", "insats", "measurement_period", "indicator", "question",
           "respondent_group"]
    by_sex = i.filter(pl.col("sex") != "Samtliga").group_by(key).agg(pl.col("n_answers").sum())
    both = by_sex.join(i.filter(pl.col("sex") == "Samtliga"), on=key, suffix="_all")
    assert both.height > 0 and (both["n_answers"] == both["n_answers_all"]).all()
    assert set(i["measurement_period"].unique()) == {"2024", "2025"}


def test_samtliga_is_the_sum_of_the_sexes_in_volumes_and_benefits(frames):
    for table, key, value in (("volumes", ["forbund", "insats", "period", "measure"], "count"),
                              ("benefit_fye", ["area", "year", "benefit"], "fye")):
        df = frames[table]
        parts = df.filter(pl.col("sex") != "Samtliga").group_by(key).agg(pl.col(value).sum())
        joined = parts.join(df.filter(pl.col("sex") == "Samtliga"), on=key, suffix="_all")
        assert joined.height > 0 and (joined[value] == joined[f"{value}_all"]).all()


def test_structural_insatser_have_volumes_and_no_participants(frames):
    ins = frames["insatser"]
    structural = set(ins.filter(pl.col("kind") == "Strukturinriktad")["insats"])
    assert structural and set(frames["volumes"]["insats"]) <= structural
    assert not structural & set(frames["episodes"]["insats"])


def test_budget_is_cumulative_per_line_and_some_lines_end_over_budget(frames):
    b = frames["budget_lines"].sort("period")
    grown = b.group_by("forbund", "insats", "year", "cost_category").agg(
        ok=(pl.col("spent").diff().drop_nulls() >= 0).all())
    assert grown["ok"].all()
    assert (b["insats"] == "").any()
    year_end = b.filter(pl.col("period").dt.month() == 12)
    assert (year_end["spent"] > year_end["budget"]).any()
    assert b["period"].max() == CUTOFF


def test_funding_is_half_state_and_a_quarter_region(frames):
    f = frames["funding"].group_by("forbund", "year").agg(
        total=pl.col("amount").sum(),
        staten=pl.col("amount").filter(pl.col("member") == "Staten").sum(),
        region=pl.col("amount").filter(pl.col("member") == "Region").sum())
    assert ((f["staten"] / f["total"] - 0.5).abs() < 0.001).all()
    assert ((f["region"] / f["total"] - 0.25).abs() < 0.001).all()
    kommuner = frames["funding"].filter(~pl.col("member").is_in(["Staten", "Region"]))
    assert kommuner["member"].str.starts_with("Demokommun ").all()


def test_socioeconomic_rows_have_cost_or_profit_for_all_eight_actors(frames):
    s = frames["socioeconomic"]
    assert (s["cost"].is_null() ^ s["profit_1y"].is_null()).all()
    per_eval = s.group_by("forbund", "insats", "period").len()
    assert (per_eval["len"] == 8).all()


def test_targets_use_registry_keys_and_their_default_direction(frames):
    t = frames["targets"]
    measures = set(frames["volumes"]["measure"])
    for kpi, direction in t.select("kpi", "direction").unique().iter_rows():
        if kpi.startswith("volume:"):
            assert kpi.removeprefix("volume:") in measures and direction == "minst"
        else:
            assert BY_KEY[kpi].target_direction == direction
    shares = t.filter(pl.col("kpi").str.starts_with("share_"))
    assert shares["target_value"].is_between(0, 1).all()
    assert {"share_work", "share_studies", "share_rehab", "payback_months",
            "occupancy"} <= set(t["kpi"])


def test_forbund_names_are_marked_as_demo(frames):
    for table in TABLES:
        if "forbund" in frames[table].columns:
            assert frames[table]["forbund"].str.starts_with("Demo").all(), table
    assert frames["benefit_fye"]["area"].str.starts_with("Demo").all()


@pytest.mark.parametrize(("status", "actor", "kr"), [
    ("Ekonomiskt bistånd", "Kommunen", 120_000.0),
    ("Ekonomiskt bistånd", "Deltagarna", -120_000.0),
    ("Ekonomiskt bistånd", "Samhället", 0.0),
    ("Sjukpenning/rehabiliteringspenning", "Försäkringskassan", 200_000.0),
    ("Sjukpenning/rehabiliteringspenning", "Kommunen", -42_000.0),
    ("Arbete heltid", "Kommunen", -67_000.0),
    ("Arbete heltid", "Övriga staten", -99_000.0),
    ("Arbete heltid", "Samhället", -419_000.0),
    ("Arbete deltid", "Kommunen", -4_000.0),
    ("Studiemedel", "Övriga staten", 120_000.0),
    ("Okänd", "Staten", 0.0),
])
def test_unit_costs_are_the_illustrative_values(demo, status, actor, kr):
    u = demo["unit_costs"]
    assert u.height == 14 * 8
    row = u.filter(pl.col("status") == status, pl.col("actor") == actor)
    assert row["sek_per_year"].item() == kr
    assert UNIT_COSTS_NOTE in row["notes"].item()


def test_small_demo_has_the_expected_shape(demo):
    e = demo["episodes"]
    assert demo["insatser"]["forbund"].unique(maintain_order=True).to_list() == \
        demo_forbund_names(4)
    assert 8_000 <= e.height <= 15_000
    assert 0.60 <= (e["sex"] == "Kvinna").mean() <= 0.70
    assert e["end_date"].null_count() > 0
    assert (e["start_date"].dt.year() == 2026).sum() > 0
    assert e["grupp"].drop_nulls().n_unique() >= 3
    ended = e.filter(pl.col("outcome_group").is_not_null())
    shares = ended["outcome_group"].value_counts(normalize=True)
    share = dict(zip(shares["outcome_group"], shares["proportion"], strict=True))
    assert 0.10 <= share["work"] <= 0.25
    assert 0.03 <= share["studies"] <= 0.10
    assert 0.30 <= share["rehab"] <= 0.50
    assert 0.20 <= share["dropout"] <= 0.40


@pytest.mark.parametrize(("table", "rows"), [
    ("insatser", 20), ("targets", 786), ("episodes", 12_000), ("followups", 4_335),
    ("budget_lines", 2_844), ("funding", 189), ("socioeconomic", 208), ("unit_costs", 112),
    ("indicators", 776), ("volumes", 862), ("benefit_fye", 576),
])
def test_golden_row_counts_for_seed_42(demo, table, rows):
    # Changes whenever the generator is tuned (or numpy changes its streams): update on purpose.
    assert demo[table].height == rows


def test_golden_first_episode_for_seed_42(demo):
    assert demo["episodes"].row(0, named=True) == {
        "forbund": "Demoförbundet Norrdal", "insats": "Samordningsteamet",
        "grupp": "Trädgårdsgruppen", "participant_id": "D-0008823", "sex": "Man",
        "age_at_start": 52, "referrer": "Försäkringskassan",
        "income_before": "Sjukpenning/rehabiliteringspenning", "public_support_years": 1.0,
        "education": "Gymnasial", "start_date": date(2020, 1, 1), "end_date": date(2020, 3, 2),
        "exit_reason": "Avbrott – ej motiverad", "income_after": "Okänd", "step_start": 4,
        "step_end": 5, "outcome_group": "dropout", "notes": None}


def test_scale_parameter_sets_the_number_of_forbund(scaled):
    assert scaled["insatser"]["forbund"].n_unique() == 3
    assert 3 * 17_000 <= scaled["episodes"].height <= 3 * 20_000


def test_same_seed_same_frames_other_seed_other_frames(demo):
    again = build_demo("small", seed=42)
    for table in TABLES:
        assert_frame_equal(demo[table], again[table])
    other = build_demo("small", seed=43)
    assert not other["episodes"].equals(demo["episodes"])
    assert other["insatser"]["insats"].to_list() == demo["insatser"]["insats"].to_list()


def test_demo_users_are_valid_and_see_demo_insatser(demo):
    roles = {u["role"] for u in DEMO_USERS}
    assert roles == {"admin", "samordnare", "styrelse", "styrgrupp"}
    insatser = set(demo["insatser"].select("forbund", "insats").iter_rows())
    for u in DEMO_USERS:
        check_user(User(u["username"], u["name"], u["role"], tuple(u["forbund"]),
                        tuple(u["insatser"])))
        assert u["password"].startswith("demo-")
        for insats in u["insatser"]:
            assert (u["forbund"][0], insats) in insatser


def test_demo_round_trips_through_the_database(demo, tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table in TABLES:
            bulk_insert(conn, DATA_TABLES[table], demo[table])
    loaded = load_frames(engine)
    for table in TABLES:
        assert_frame_equal(loaded[table], demo[table])
