"""Helårsekvivalenter, with the Västerås 2018 worked example (seed 004)."""

import pytest

from metrics.benefits import benefit_kpis, benefit_kpis_by, default_areas
from metrics.engine import compute_kpis
from tests.metrics.factories import benefit, frame, frames, selection

VASTERAS_2018 = {"Sjukpenning": 2223, "Sjuk- och aktivitetsersättning": 3826,
                 "Arbetslöshet": 1179, "Arbetsmarknadspolitiska åtgärder": 2830,
                 "Ekonomiskt bistånd": 2058, "Etableringsersättning": 1082}


def vasteras():
    rows = [benefit(b, v, area="Västerås", year=2018, population_20_64=86_708)
            for b, v in VASTERAS_2018.items()]
    rows += [benefit("Sjukpenning", 1436, area="Västerås", year=2018, sex="Kvinnor"),
             benefit("Sjukpenning", 153_586, area="Riket", year=2018, population_20_64=5_585_232)]
    return frames(benefit_fye=rows)


def test_vasteras_2018_worked_example():
    r = compute_kpis(vasteras(), selection(2018, forbund=("Samordningsförbundet Västerås",)))
    assert r.values["fye_benefits"] == 13_198
    assert r.values["fye_benefits_share"] == pytest.approx(13_198 / 86_708)
    assert round(r.values["fye_benefits_share"] * 100, 1) == 15.2
    assert r.meta["benefits_year"] == 2018 and r.meta["benefits_areas"] == ("Västerås",)


def test_latest_year_on_or_before_is_used_and_reported():
    r = compute_kpis(vasteras(), selection(2020, forbund=("Samordningsförbundet Västerås",)))
    assert r.values["fye_benefits"] == 13_198 and r.meta["benefits_year"] == 2018


def test_explicit_area_and_kvinnor_plus_man_without_samtliga():
    fr = frames(benefit_fye=[benefit("Sjukpenning", 30, sex="Kvinnor", population_20_64=400),
                             benefit("Sjukpenning", 20, sex="Män", population_20_64=600)])
    v = compute_kpis(fr, selection(omrade=("Teststad",))).values
    assert v["fye_benefits"] == 50 and v["fye_benefits_share"] == 0.05


def test_unknown_area_gives_none():
    v = compute_kpis(vasteras(), selection(2018)).values
    assert v["fye_benefits"] is None and v["fye_benefits_share"] is None


def test_default_areas_strip_the_forbund_prefix():
    assert default_areas(("Samordningsförbundet Västerås", "Finsam Gotland"),
                         ["Västerås", "Gotland", "Riket"]) == ("Västerås", "Gotland")


def test_benefit_kpis_by_gives_each_forbund_its_areas_and_latest_year():
    table = frame("benefit_fye", [
        benefit("Sjukpenning", 100.0, area="Norrby", year=2022, population_20_64=1_000),
        benefit("Sjukpenning", 200.0, area="Norrby", year=2021, population_20_64=1_000),
        benefit("Sjukpenning", 30.0, area="Söderby", year=2021, sex="Kvinnor",
                population_20_64=400),
        benefit("Sjukpenning", 20.0, area="Söderby", year=2021, sex="Män",
                population_20_64=600),
        benefit("Sjukpenning", 5.0, area="Västerby", year=2022, sex="Annat"),
    ])
    names = ("Samordningsförbundet Norrby", "Söderby", "Västerby", "Österby")
    areas = {f: default_areas((f,), ["Norrby", "Söderby", "Västerby"]) for f in names}
    got = benefit_kpis_by(table, areas, 2023)
    assert got["Samordningsförbundet Norrby"] == (
        {"fye_benefits": 100.0, "fye_benefits_share": 0.1}, {"year": 2022, "areas": ("Norrby",)})
    assert got["Söderby"] == ({"fye_benefits": 50.0, "fye_benefits_share": 0.05},
                              {"year": 2021, "areas": ("Söderby",)})  # Kvinnor + Män
    assert got["Västerby"][0] == {"fye_benefits": 0.0, "fye_benefits_share": None}
    assert got["Österby"] == ({"fye_benefits": None, "fye_benefits_share": None},
                              {"year": None, "areas": ()})
    for name in names:
        assert benefit_kpis(table, selection(2023, forbund=(name,))) == got[name]


def test_samtliga_of_an_earlier_year_does_not_hide_kvinnor_and_man():
    rows = [benefit("Sjukpenning", 99.0, area="Norrby", year=2021),
            benefit("Sjukpenning", 30.0, area="Norrby", year=2022, sex="Kvinnor"),
            benefit("Sjukpenning", 20.0, area="Norrby", year=2022, sex="Män")]
    sel = selection(2023, forbund=("Norrby",))
    want = {"fye_benefits": 50.0, "fye_benefits_share": 50.0 / 20_000}
    assert benefit_kpis(frame("benefit_fye", rows), sel)[0] == want
    assert benefit_kpis_by(frame("benefit_fye", rows), {"N": ("Norrby",)}, 2023)["N"][0] == want
