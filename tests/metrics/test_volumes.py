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


def test_missing_targets_name_only_insatser_that_report_the_measure():
    """KPI.md: an insats that never reports a Mått has no target to miss for it."""
    fr = frames(volumes=[volume("Konsultationer", 40), volume("Konsultationer", 9,
                                                              insats="Bron"),
                         volume("SIP-beslut", 6, insats="Kompassen")],
                targets=[target("volume[Konsultationer]", 30)])
    for sel in (selection(), selection(insatser=("Steget", "Kompassen", "Bron"))):
        r = compute_kpis(fr, sel)
        # Bron reports Konsultationer without a target; Kompassen never reports it
        assert r.missing_targets == {"volume[Konsultationer]": ("Bron",)}, sel
        assert r.values["volume_target"] == {"Konsultationer": 30}


def test_a_quarter_cannot_be_read_off_the_year():
    """KPI.md: the quarters of a selected year add up to it; a hidden quarter stays hidden."""
    from metrics import public_kpis, public_volume_results
    from metrics.periods import quarter_period

    counts = {1: 20, 2: 3, 3: 12, 4: 9}
    fr = frames(volumes=[volume("Konsultationer", n, period=f"2023-Q{q}")
                         for q, n in counts.items()])
    year = public_kpis(fr, selection())
    assert year.values["volume"] == {"Konsultationer": 44}  # shown beside the quarters
    quarters = public_volume_results(fr, selection(), [quarter_period(2023, q)
                                                       for q in counts])
    shown = [r.values["volume"]["Konsultationer"] for r in quarters]
    assert shown == [20, None, 12, None]  # 44 − 20 − 12 − 9 would give the 3 back
    assert quarters[3].disclosure["volume[Konsultationer]"] == "secondary"
    # with a yearly row beside the quarters the sum says nothing: no second hiding
    fr = frames(volumes=[*(volume("Konsultationer", n, period=f"2023-Q{q}")
                           for q, n in counts.items()),
                         volume("Konsultationer", 7, period="2023", insats="Bron")])
    quarters = public_volume_results(fr, selection(), [quarter_period(2023, q)
                                                       for q in counts])
    assert [r.values["volume"]["Konsultationer"] for r in quarters] == [20, None, 12, 9]
