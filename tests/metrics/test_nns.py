import pytest

from metrics.engine import compute_kpis
from metrics.nns import nns_kpis, nns_kpis_by, nns_table, no_rows
from tests.metrics.factories import frame, frames, indicator, selection


def survey():
    return [
        indicator(0.7, 20, measurement_period="2022-11-01–2023-10-31", clearly_positive=0.4,
                  negative=0.1, response_rate=0.5),
        indicator(0.5, 10, measurement_period="2022-11-01–2023-10-31", indicator=2,
                  question="Samverkan fungerar", clearly_positive=None, negative=0.3,
                  response_rate=0.25),
        indicator(0.8, 12, measurement_period="2022-11-01–2023-10-31", sex="Kvinnor"),
        indicator(0.6, 18, measurement_period="2021-11-01–2022-10-31", negative=0.2),
        indicator(0.4, 10, measurement_period="2021-11-01–2022-10-31", indicator=2,
                  question="Samverkan fungerar"),
        indicator(0.9, 50, measurement_period="2023-11-01–2024-10-31"),  # ends after the period
    ]


def test_headline_is_weighted_by_answers_and_change_in_points():
    r = compute_kpis(frames(indicators=survey()), selection())
    v = r.values
    assert v["nns_n"] == 30
    assert v["nns_positive"] == pytest.approx((0.7 * 20 + 0.5 * 10) / 30)
    assert v["nns_clearly_positive"] == pytest.approx(0.4)  # only the row that reports it
    assert v["nns_negative"] == pytest.approx((0.1 * 20 + 0.3 * 10) / 30)
    assert v["nns_response_rate"] == pytest.approx(30 / (20 / 0.5 + 10 / 0.25))
    before = (0.6 * 18 + 0.4 * 10) / 28
    assert v["nns_positive_change"] == pytest.approx(((0.7 * 20 + 0.5 * 10) / 30 - before) * 100)
    assert r.meta["nns_period"] == ["2022-11-01–2023-10-31"]
    assert r.meta["nns_previous"] == ["2021-11-01–2022-10-31"]
    assert r.base_n["nns_positive"] == 30


def test_table_per_question_with_change():
    t = nns_table(frame("indicators", survey()), selection())
    assert t.select("indicator", "sex").rows() == [(1, "Kvinnor"), (1, "Samtliga"), (2, "Samtliga")]
    row = t.filter(sex="Samtliga", indicator=1).row(0, named=True)
    assert row["nns_positive"] == 0.7 and row["nns_positive_change"] == pytest.approx(10.0)
    assert t.filter(sex="Kvinnor")["nns_positive_change"].to_list() == [None]


def test_first_measurement_has_no_change_and_no_data_gives_none():
    v = compute_kpis(frames(indicators=survey()[:2]), selection()).values
    assert v["nns_positive"] is not None and v["nns_positive_change"] is None
    assert compute_kpis(frames(), selection()).values["nns_positive"] is None


def test_public_nns_table_hides_small_answer_counts_with_their_shares():
    from metrics import public_nns_table

    rows = [indicator(0.7, 20), indicator(0.8, 3, sex="Kvinnor"),
            indicator(0.65, 17, sex="Män")]
    table = public_nns_table(frame("indicators", rows), selection())

    by_sex = {r["sex"]: r for r in table.iter_rows(named=True)}
    assert list(by_sex) == ["Kvinnor", "Män", "Samtliga"]
    assert by_sex["Samtliga"]["nns_n"] == 20 and by_sex["Samtliga"]["nns_positive"] == 0.7
    # 15 % "varken eller" of 20 answers is 3 people: an upper bound, 5 / 20 = 25 %
    assert by_sex["Samtliga"]["nns_neutral"] is None
    assert by_sex["Samtliga"]["nns_neutral_status"] == "upper_bound"
    assert by_sex["Samtliga"]["nns_neutral_upper_bound"] == 0.25
    # Kvinnor has 3 answers; Män is hidden too, or 20 − 17 would give Kvinnor away
    for sex in ("Kvinnor", "Män"):
        assert by_sex[sex]["nns_n"] is None and by_sex[sex]["nns_positive"] is None


def test_a_single_kon_uses_the_kvinnor_or_man_rows_as_the_data_has_them():
    """KPI.md: Kön Kvinna (or Man) alone -> the NNS rows Kvinnor (Män); otherwise Samtliga and
    the Kön filter is named as not applying; no Kvinnor/Män rows -> missing, not Samtliga."""
    fr = frames(indicators=survey())
    women = compute_kpis(fr, selection(kon=("Kvinna",)))
    assert women.values["nns_n"] == 12 and women.values["nns_positive"] == pytest.approx(0.8)
    assert women.values["nns_positive_change"] is None  # no Kvinnor rows the year before
    assert women.meta["nns_sex"] == "Kvinnor"
    assert "nns_positive" not in women.ignored_filters
    men = compute_kpis(fr, selection(kon=("Man",)))
    assert men.values["nns_n"] is None and men.values["nns_positive"] is None
    for kon in (("Kvinna", "Man"), ("Annat/ej angivet",)):
        r = compute_kpis(fr, selection(kon=kon))
        assert r.values["nns_n"] == 30 and r.meta["nns_sex"] == "Samtliga"
        assert r.ignored_filters["nns_positive"] == ("kon",)
    both = compute_kpis(fr, selection(kon=("Kvinna",), remittent=("Kommun",)))
    assert both.ignored_filters["nns_positive"] == ("remittent",)


def test_nns_kpis_by_gives_each_forbund_what_nns_kpis_gives_it():
    rows = survey() + [indicator(0.5, 10, forbund="B"),
                       indicator(0.25, 30, forbund="B", indicator=2, question="Samverkan")]
    ind = frame("indicators", rows)
    got = nns_kpis_by(ind, selection(forbund=("Testförbundet", "B", "C")), "forbund")
    assert set(got) == {"Testförbundet", "B"}  # C has no rows
    values, meta = got["B"]
    assert (values["nns_n"], values["nns_positive"]) == (40, (0.5 * 10 + 0.25 * 30) / 40)
    assert values["nns_positive_change"] is None
    assert meta == {"period": ["2023"], "previous": [], "sex": "Samtliga"}
    for name, want in got.items():
        assert nns_kpis(ind, selection(forbund=(name,))) == want
    assert nns_kpis(ind, selection(forbund=("C",))) == no_rows(selection())


def test_nns_kpis_by_insats_takes_each_insats_latest_period():
    # by förbund, X's 2023 is the current period and Y's 2023 H1 the previous one; each
    # insats alone has its own latest period
    rows = [indicator(0.75, 20, insats="X"),
            indicator(0.5, 20, insats="X", measurement_period="2022"),
            indicator(0.25, 8, insats="Y", measurement_period="2023H1"),
            indicator(0.5, 8, insats="Y", measurement_period="2023H1", sex="Kvinnor")]
    ind = frame("indicators", rows)
    got = nns_kpis_by(ind, selection(insatser=("X", "Y")), "insats")
    assert got["Y"][0]["nns_positive"] == 0.25 and got["Y"][1]["period"] == ["2023H1"]
    assert got["X"][0]["nns_positive_change"] == (0.75 - 0.5) * 100
    for kon in ((), ("Kvinna",)):
        got = nns_kpis_by(ind, selection(insatser=("X", "Y"), kon=kon), "insats")
        for name in ("X", "Y"):
            sel = selection(insatser=(name,), kon=kon)
            assert nns_kpis(ind, sel) == got.get(name, no_rows(sel))
    women = nns_kpis_by(ind, selection(insatser=("X", "Y"), kon=("Kvinna",)), "insats")
    assert set(women) == {"Y"} and women["Y"][0]["nns_n"] == 8
