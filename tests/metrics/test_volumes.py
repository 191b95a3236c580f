from metrics.engine import compute_kpis
from metrics.periods import half_year_period
from tests.metrics.factories import frames, selection, target, volume


def rows():
    return [volume("Konsultationer", 20, period="2023-Q1"),
            volume("Konsultationer", 25, period="2023-Q2"),
            volume("Konsultationer", 99, period="2022-Q4"),
            volume("Konsultationer", 5, period="2023-03-31"),
            volume("SIP-beslut", 3, period="2023H1", sex="Kvinnor"),
            volume("SIP-beslut", 2, period="2023H1", sex="Män"),
            volume("SIP-beslut", 7, period="2023H2"),
            volume("SIP-beslut", 4, period="2023H2", sex="Kvinnor"),
            volume("Utbildningstillfällen", 12, period="2023")]


def test_volume_per_measure_in_the_period_without_double_counting_sex():
    v = compute_kpis(frames(volumes=rows()), selection()).values
    assert v["volume"] == {"Konsultationer": 50, "SIP-beslut": 12, "Utbildningstillfällen": 12}


def test_a_yearly_figure_is_not_split_into_half_years():
    frm, to = half_year_period(2023, 1)
    v = compute_kpis(frames(volumes=rows()), selection(date_from=frm, date_to=to)).values
    assert v["volume"] == {"Konsultationer": 50, "SIP-beslut": 5}


def test_volume_target_by_measure():
    r = compute_kpis(frames(volumes=rows(), targets=[target("volume[Konsultationer]", 60),
                                                     target("SIP-beslut", 10)]), selection())
    assert r.values["volume_target"] == {"Konsultationer": 60, "SIP-beslut": 10}
    assert r.target_status == {"volume[Konsultationer]": "not_met", "volume[SIP-beslut]": "met"}


def test_no_rows_gives_none():
    assert compute_kpis(frames(), selection()).values["volume"] is None
