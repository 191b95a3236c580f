"""No hidden count of 1–4 can be recovered from what a view shows together (hypothesis).

KPI.md "Disclosure control": over random datasets and random small selections (period,
kön, remittent, åldersgrupp, grupp, one insats), the KPI set alone (`finsam kpi`) and each
page's tables beside it must not let anyone derive a count of 1–4 — by the identities
between counts (a flow, outcome groups, a breakdown's groups, a year's quarters, a
distribution's categories) or by share × base.

The attacker here is written independently of `metrics.disclosure`: it reads only what
the public functions return (a hidden value is None), multiplies every shown share by its
shown (or derived) base, and applies every identity with one unknown term, again and
again, until nothing new follows. Every count it reaches must be 0 or at least 5 in the
unsuppressed data (and equal to it: the identities hold).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.contract import EXIT_REASONS
from metrics import compute_kpis, public_kpis
from metrics.distributions import MISSING, distributions, income_flow
from metrics.periods import half_year_period, quarter_period, year_period
from metrics.public import (
    public_breakdown,
    public_distributions,
    public_income_flow,
    public_nns_table,
    public_trend,
)
from metrics.selection import Selection
from metrics.views import breakdown, trend
from tests.metrics.factories import FORBUND, episode, followup, frame, frames, indicator

T = 5
SMALL = range(1, T)
CHECK = settings(max_examples=30, deadline=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

#: share -> (the count inside it, the count it is a share of)
SHARES = {
    "share_work": ("work", "completed"), "share_studies": ("studies", "completed"),
    "share_rehab": ("rehab", "completed"), "share_other": ("other", "completed"),
    "share_work_incl_dropouts": ("work", "ended"),
    "share_studies_incl_dropouts": ("studies", "ended"),
    "share_rehab_incl_dropouts": ("rehab", "ended"), "share_dropout": ("dropped_out", "ended"),
    "share_work_or_studies": ("work+studies", "completed"),
    "share_towards_work": ("work+studies+rehab", "completed"),
    "step_up_share": ("stepped_up", "ended_with_steps"),
    **{f"share_{g}_{m}m": (f"{g}@{m}", f"followed_up_{m}m")
       for g in ("work", "studies", "rehab") for m in (6, 12, 18, 24)},
    **{f"followup_coverage_{m}m": (f"completed_followed@{m}", "completed")
       for m in (6, 12, 18, 24)},
}
#: total = Σ parts within one KPI set or table row (every ended episode has a reason here)
IDENTITIES = [
    ("participants_in_period", ("ended", "active_at_end")),
    ("ended", ("completed", "dropped_out")),
    ("completed", ("work", "studies", "rehab", "other")),
    ("work+studies", ("work", "studies")),
    ("work+studies+rehab", ("work", "studies", "rehab")),
]
COUNTS = {"started", "ended", "dropped_out", "completed", "active_at_end",
          "participants_in_period", "ended_with_steps",
          *(f"followed_up_{m}m" for m in (6, 12, 18, 24))}
#: Counts that add up over periods (a year is its quarters).
ADDITIVE = {"started", "ended", "dropped_out", "completed", "work", "studies", "rehab",
            "other", "work+studies", "work+studies+rehab", "ended_with_steps", "stepped_up"}
GROUP_CELL = {"work": "work", "studies": "studies", "rehab": "rehab", "other": "other",
              "dropout": "dropped_out"}

# The pages' tables (pages/resultat.py, pages/deltagare.py)
RESULTAT_BY = ("share_work", "share_studies", "share_rehab", "share_dropout")
RESULTAT_TREND = ("share_work", "share_studies", "share_rehab", "share_towards_work",
                  "share_dropout")
DELTAGARE_TREND = ("started", "completed", "dropped_out", "active_at_end")


class View:
    """What one view shows (`shown`), the truth behind it and the relations between cells."""

    def __init__(self) -> None:
        self.shown: dict[tuple, int] = {}
        self.truth: dict[tuple, int] = {}
        self.products: list[tuple[tuple, float, tuple]] = []  # (count, share, base)
        self.sums: list[tuple[tuple, list[tuple]]] = []  # total = Σ parts

    def count(self, cell: tuple, shown, true) -> None:
        if true is None:
            return
        self.truth[cell] = int(true)
        if shown is not None:
            self.shown[cell] = int(shown)

    def share(self, cell: tuple, shown, true, base: tuple, true_base) -> None:
        if true is not None and true_base is not None:
            self.truth.setdefault(cell, round(true * true_base))
        if shown is not None:
            self.products.append((cell, shown, base))

    def values(self, scope, shown: dict, true: dict) -> None:
        """A KPI set or a table row: its counts, its shares and its identities."""
        for key, value in true.items():
            if key in COUNTS:
                self.count((scope, key), shown.get(key), value)
            elif key in SHARES:
                num, base = SHARES[key]
                self.share((scope, num), shown.get(key), value, (scope, base), true.get(base))
        self.sums += [((scope, total), [(scope, p) for p in parts])
                      for total, parts in IDENTITIES]

    def derive(self) -> dict[tuple, int]:
        """Everything that follows: share × base, and identities with one unknown term."""
        known = dict(self.shown)
        changed = True
        while changed:
            changed = False
            for cell, share, base in self.products:
                if cell not in known and (share == 0 or base in known):
                    known[cell] = 0 if share == 0 else round(share * known[base])
                    changed = True
            for total, parts in self.sums:
                terms = [total, *parts]
                unknown = [c for c in terms if c not in known]
                if len(unknown) != 1 or any(c not in self.truth for c in terms):
                    continue
                rest = sum(known[p] for p in parts if p in known)
                known[unknown[0]] = (rest if unknown[0] == total
                                     else known[total] - rest)
                changed = True
        return known

    def assert_nothing_recovered(self, what: str) -> None:
        known = self.derive()
        for cell, value in known.items():
            if cell not in self.truth:
                continue
            assert value == self.truth[cell], (what, cell, value, self.truth[cell])
            assert self.truth[cell] not in SMALL, (
                f"{what}: {cell} = {self.truth[cell]} follows from what is shown"
                + ("" if cell not in self.shown else " (shown as it is)"))


def kpi_view(fr, sel) -> View:
    view = View()
    view.values("kpi", public_kpis(fr, sel, T).values, compute_kpis(fr, sel).values)
    return view


def add_table(view: View, name: str, shown: pl.DataFrame, true: pl.DataFrame,
              tiles: list[int] | None = None) -> None:
    """A breakdown or trend beside the KPI set: rows add up to it (a trend only over the
    periods that make up the selection, `tiles`)."""
    assert shown.height == true.height
    for i, (s, t) in enumerate(zip(shown.iter_rows(named=True), true.iter_rows(named=True),
                                   strict=True)):
        view.values((name, i), s, t)
    rows = range(true.height) if tiles is None else tiles
    cells = {c for scope, c in view.truth if scope[0] == name} if rows else set()
    for cell in cells:
        if tiles is None or cell in ADDITIVE:
            view.sums.append((("kpi", cell), [((name, i), cell) for i in rows]))


def tiles(table: pl.DataFrame, sel: Selection) -> list[int]:
    rows = [i for i, (f, t) in enumerate(table.select("date_from", "date_to").iter_rows())
            if f >= sel.date_from and t <= sel.date_to]
    days = sum((table["date_to"][i] - table["date_from"][i]).days + 1 for i in rows)
    return rows if days == (sel.date_to - sel.date_from).days + 1 else []


def add_categories(view: View, name: str, shown: pl.DataFrame, true: pl.DataFrame,
                   total: str) -> None:
    """A distribution: counts per category adding up to the KPI set's `total`, and shares
    of that total; exit reasons also add up to their outcome groups."""
    groups: dict[str, list[tuple]] = {}
    for i, (s, t) in enumerate(zip(shown.iter_rows(named=True), true.iter_rows(named=True),
                                   strict=True)):
        cell = (name, i)
        view.count(cell, s["count"], t["count"])
        view.share(cell, s.get("share"), t.get("share"), ("kpi", total), None)
        category = t.get("category")
        if name == "avslutsorsak" and category not in (None, MISSING):
            groups.setdefault(GROUP_CELL[EXIT_REASONS[category]], []).append(cell)
    view.sums.append((("kpi", total), [(name, i) for i in range(true.height)]))
    view.sums += [(("kpi", group), cells) for group, cells in groups.items()]


# Random data and small selections --------------------------------------------------------

FIRST = date(2023, 4, 1)
REASONS = list(EXIT_REASONS)
STATUSES = [None, None, "Arbete", "Studier", "Arbetssökande"]  # status 6 months after exit


def dataset(seed: int, n: int, dropouts: float) -> dict[str, pl.DataFrame]:
    """`n` episodes (seeded) over about a year, dense enough that small selections hold
    5–30 episodes with many counts of 1–4; `dropouts` is the share of exits that are."""
    rng = random.Random(seed)
    groups = [r for r in REASONS if EXIT_REASONS[r] != "dropout"]
    dropped = [r for r in REASONS if EXIT_REASONS[r] == "dropout"]
    eps, fus = [], []
    for i in range(n):
        start = FIRST + timedelta(days=rng.randrange(420))
        end = start + timedelta(days=rng.randrange(20, 330)) if rng.random() < 0.75 else None
        reason = rng.choice(dropped if rng.random() < dropouts else groups) if end else None
        eps.append(episode(
            participant_id=f"p{i}", start_date=start, end_date=end, exit_reason=reason,
            sex=rng.choice(["Kvinna", "Kvinna", "Man", "Man", "Annat/ej angivet"]),
            referrer=rng.choice(["Arbetsförmedlingen", "Försäkringskassan", "Kommun"]),
            age_at_start=rng.randrange(18, 64), grupp=rng.choice([None, "A"]),
            insats=rng.choice(["Steget", "Steget", "Bron"]),
            step_start=rng.choice([None, 2, 3, 4]),
            step_end=rng.choice([None, 2, 3, 4, 5]) if end else None))
        if end and (status := rng.choice(STATUSES)):
            fus.append(followup(f"p{i}", 6, status, insats=eps[-1]["insats"],
                                start_date=start))
    out = frames()
    out["episodes"], out["followups"] = frame("episodes", eps), frame("followups", fus)
    return out


datasets = st.builds(dataset, st.integers(0, 2**32), st.integers(40, 160),
                     st.sampled_from([0.05, 0.2, 0.45]))
PERIODS = [year_period(2023), year_period(2024), half_year_period(2024, 1),
           quarter_period(2023, 4), quarter_period(2024, 1), quarter_period(2024, 2)]
selections = st.builds(
    lambda period, kon, remittent, alder, grupp, insats: Selection(
        forbund=(FORBUND,), date_from=period[0], date_to=period[1], kon=kon,
        remittent=remittent, aldersgrupp=alder, grupp=grupp, insatser=insats),
    st.sampled_from(PERIODS),
    st.sampled_from([(), ("Kvinna",), ("Man",)]),
    st.sampled_from([(), (), ("Kommun",), ("Försäkringskassan",)]),
    st.sampled_from([(), (), ("30-44",)]),
    st.sampled_from([None, None, "A"]),
    st.sampled_from([(), (), ("Steget",)]))


# The properties ------------------------------------------------------------------------------


@CHECK
@given(datasets, selections)
def test_the_kpi_set_gives_no_small_count_back(fr, sel):
    kpi_view(fr, sel).assert_nothing_recovered("KPI-set")


@CHECK
@given(datasets, selections)
def test_resultat_breakdowns_and_trend_give_no_small_count_back(fr, sel):
    view = kpi_view(fr, sel)
    for by in ("kon", "remittent"):
        add_table(view, by, public_breakdown(fr, sel, RESULTAT_BY, by, T),
                  breakdown(fr, sel, RESULTAT_BY, by))
    shown, true = (public_trend(fr, sel, RESULTAT_TREND, "year", T),
                   trend(fr, sel, RESULTAT_TREND, "year"))
    add_table(view, "per år", shown, true, tiles(true, sel))
    view.assert_nothing_recovered("Resultat")


@CHECK
@given(datasets, selections, st.sampled_from(["year", "quarter"]))
def test_deltagare_tables_give_no_small_count_back(fr, sel, freq):
    view = kpi_view(fr, sel)
    shown, true = (public_trend(fr, sel, DELTAGARE_TREND, freq, T),
                   trend(fr, sel, DELTAGARE_TREND, freq))
    add_table(view, "flöde", shown, true, tiles(true, sel))
    hidden, raw = public_distributions(fr, sel, T), distributions(fr, sel)
    for name in raw:
        total = "ended" if name in ("tid_i_insats", "avslutsorsak") else \
            "participants_in_period"
        add_categories(view, name, hidden[name], raw[name], total)
    flows, raw_flows = public_income_flow(fr, sel, T), income_flow(fr, sel)
    for i, (s, t) in enumerate(zip(flows["count"], raw_flows["count"], strict=True)):
        view.count(("försörjning", i), s, t)
    view.sums.append((("kpi", "ended"), [("försörjning", i) for i in range(flows.height)]))
    view.assert_nothing_recovered(f"Deltagare ({freq})")


def test_the_issue_examples_are_closed():
    """Kustlandet-like: ended hidden but participants − active shown; Kompassen-like:
    dropouts hidden but share_dropout × ended shown."""
    eps = [episode(participant_id=f"a{i}", end_date=None, exit_reason=None,
                   start_date=date(2023, 3, 1)) for i in range(19)]
    eps += [episode(participant_id=f"e{i}") for i in range(3)]
    view = kpi_view(build_frames(eps), sel := Selection((FORBUND,), *year_period(2023)))
    view.assert_nothing_recovered("22 − 19")
    assert public_kpis(build_frames(eps), sel).values["ended"] is None
    eps = [episode(participant_id=f"w{i}") for i in range(19)]
    eps += [episode(participant_id=f"d{i}", exit_reason="Tidigt avhopp") for i in range(2)]
    r = public_kpis(build_frames(eps), sel)
    assert r.values["share_dropout"] is None and r.upper_bounds["share_dropout"] == 0.24
    kpi_view(build_frames(eps), sel).assert_nothing_recovered("0,0952 × 21")


def build_frames(eps: list[dict]) -> dict[str, pl.DataFrame]:
    out = frames()
    out["episodes"] = frame("episodes", eps)
    return out


# Indikatorer: the NNS table beside the headline ------------------------------------------

QUESTIONS = [(1, "Jag har fått stöd"), (2, "Jag känner mig trygg"), (3, "Samverkan fungerar")]
ANSWERS = st.tuples(*(st.integers(0, 12) for _ in range(4)))  # positive, of them clearly, …


def survey(answers) -> tuple[dict[str, pl.DataFrame], dict[tuple, dict[str, int]]]:
    """Indicator rows from answer counts per question and sex (Samtliga = Kvinnor + Män),
    and the counts themselves: (indicator, sex) -> cell -> count."""
    rows, truth = [], {}
    for (ind, question), answered in zip(QUESTIONS, answers, strict=False):
        women, men = ((pos, min(clear, pos), neu, neg) for pos, clear, neu, neg in answered)
        both = tuple(w + m for w, m in zip(women, men, strict=True))
        for sex, (pos, clear, neu, neg) in (("Kvinnor", women), ("Män", men),
                                            ("Samtliga", both)):
            n = pos + neu + neg
            if n == 0:
                continue
            truth[(ind, sex)] = {"nns_n": n, "positive": pos, "neutral": neu,
                                 "negative": neg, "clearly": clear}
            rows.append(indicator(pos / n, n, indicator=ind, question=question, sex=sex,
                                  clearly_positive=clear / n, neutral=neu / n,
                                  negative=neg / n))
    return frames(indicators=rows), truth


NNS_SHARES = {"nns_positive": "positive", "nns_clearly_positive": "clearly",
              "nns_negative": "negative", "nns_neutral": "neutral"}


@CHECK
@given(st.lists(st.tuples(ANSWERS, ANSWERS), min_size=1, max_size=3))
def test_indikatorer_give_no_small_answer_count_back(answers):
    fr, truth = survey(answers)
    sel = Selection((FORBUND,), *year_period(2023))
    view = View()
    table = public_nns_table(fr["indicators"], sel, T)
    for row in table.iter_rows(named=True):
        scope = (row["indicator"], row["sex"])
        cells = truth[scope]
        view.count((scope, "nns_n"), row["nns_n"], cells["nns_n"])
        for share, cell in NNS_SHARES.items():
            view.share((scope, cell), row[share], None, (scope, "nns_n"), None)
            view.truth[(scope, cell)] = cells[cell]
        view.sums.append(((scope, "nns_n"), [(scope, c) for c in
                                             ("positive", "neutral", "negative")]))
    for ind, _ in QUESTIONS:
        parts = [(ind, s) for s in ("Kvinnor", "Män") if (ind, s) in truth]
        if (ind, "Samtliga") in truth and parts:
            for cell in ("nns_n", "positive", "neutral", "negative", "clearly"):
                view.sums.append((((ind, "Samtliga"), cell), [(p, cell) for p in parts]))
    headline = public_kpis(fr, sel, T).values
    samtliga = [s for s in truth if s[1] == "Samtliga"]
    view.count(("kpi", "nns_n"), headline["nns_n"], sum(truth[s]["nns_n"] for s in samtliga))
    for share, cell in NNS_SHARES.items():
        if share in headline:
            view.share(("kpi", cell), headline[share], None, ("kpi", "nns_n"), None)
        view.truth[("kpi", cell)] = sum(truth[s][cell] for s in samtliga)
        view.sums.append((("kpi", cell), [(s, cell) for s in samtliga]))
    view.sums.append((("kpi", "nns_n"), [(s, "nns_n") for s in samtliga]))
    view.assert_nothing_recovered("Indikatorer")
