"""What pages may show: every display function passes through disclosure control.

These are the only entry points a page should call. The threshold must be at least 1;
turning disclosure off (threshold 0) is possible only from the command line, which calls
`compute_kpis` and `suppress_kpis` directly.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import polars as pl

from loaders.contract import EXIT_REASONS
from metrics import nns, participants
from metrics.capacity import BASES as CAPACITY_BASES
from metrics.disclosure import (
    DEFAULT_THRESHOLD,
    LINKED,
    NO_OUTCOME,
    NOT_ADDITIVE,
    SHARES,
    TOTAL,
    Equation,
    Layout,
    numerator,
    protect_table,
    sums,
    suppress_kpis,
    totals,
)
from metrics.distributions import MISSING, distributions, income_flow
from metrics.engine import compute_kpis
from metrics.frames import table
from metrics.periods import Period
from metrics.registry import BY_KEY, Family, Unit
from metrics.result import KpiResult
from metrics.selection import Selection, filter_episodes
from metrics.socio_estimate import Assumptions
from metrics.views import By, bases_for, breakdown, trend
from metrics.volumes import volume_by_measure


def _check(threshold: int) -> None:
    if threshold < 1:
        raise ValueError("Röjandekontrollen kan bara stängas av från kommandoraden.")


def _is_count(col: str) -> bool:
    kpi = BY_KEY.get(col)
    return kpi.unit is Unit.COUNT if kpi else True  # helper bases are episode counts


def _layout(keys: Sequence[str]) -> Layout:
    """Counts, shares of people over their base column, and values resting on a count."""
    columns = [*keys, *bases_for(keys)]
    counts = [c for c in columns if _is_count(c)]
    shares, others = {}, {}
    for k in keys:
        base = participants.BASES.get(k) or CAPACITY_BASES.get(k)
        if k in counts or not base:
            continue
        if SHARES.get(k, (None, None))[1] == base:
            shares[k] = (SHARES[k][0], base)
        else:
            others[k] = base
    return Layout(tuple(counts), shares, others)


def _selection_totals(frames: Mapping[str, pl.DataFrame], sel: Selection, threshold: int,
                      keys: Sequence[str] = ()) -> dict[str, tuple[int | None, bool]]:
    """The cells of the selection's KPI set that a table of its parts adds up to.

    With whether the KPI set shows them (as `public_kpis` decides): the `LINKED` KPIs and
    the registry KPIs among `keys`.
    """
    eps = filter_episodes(table(frames, "episodes"), sel)
    wanted = [*LINKED, *(k for k in keys if k in participants.KEYS and k not in LINKED)]
    if any(BY_KEY[k].family is Family.FOLLOWUP for k in wanted):
        followups = table(frames, "followups").filter(pl.col("forbund").is_in(list(sel.forbund)))
        row = participants.participant_table(eps, followups, *sel.period)
    else:
        row = participants.aggregate(eps, *sel.period, keys=wanted)
    return totals(row.row(0, named=True), threshold, wanted)


def _safe(raw: pl.DataFrame, keys: Sequence[str], shown: Sequence[str], threshold: int,
          equations: Sequence[Equation] = (),
          total: Mapping[str, tuple[int | None, bool]] | None = None) -> pl.DataFrame:
    """`raw` (the KPIs asked for plus `LINKED`: `keys`) protected, then trimmed.

    Only the columns of `shown` (the KPIs asked for), their bases and their disclosure
    columns are kept.
    """
    layout = _layout(keys)
    out = protect_table(raw, layout, threshold, equations=equations, total=total)
    keep = [*shown, *bases_for(shown)]
    drop = [c for c in keys if c not in keep]
    drop += [f"{c}{suffix}" for c in drop for suffix in ("_status", "_upper_bound")]
    return out.drop([c for c in drop if c in out.columns])


def _cells(keys: Sequence[str]) -> list[str]:
    """The cells a table of `keys` shows (counts and the counts inside shares)."""
    layout = _layout(keys)
    cells = [*layout.counts, *dict.fromkeys(num for num, _ in layout.shares.values())]
    return [*cells, NO_OUTCOME] if "completed" in cells else cells


def public_kpis(frames: Mapping[str, pl.DataFrame], sel: Selection,
                threshold: int = DEFAULT_THRESHOLD, *,
                assumptions: Assumptions | None = None) -> KpiResult:
    """`compute_kpis` with disclosure control applied."""
    _check(threshold)
    return suppress_kpis(compute_kpis(frames, sel, assumptions=assumptions), threshold)


def public_breakdown(frames: Mapping[str, pl.DataFrame], sel: Selection,
                     kpi_keys: Sequence[str], by: By,
                     threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`breakdown` made safe to show beside the selection's KPI set.

    Each group is protected as its own KPI set would be (all `LINKED` KPIs are computed
    for that, then dropped), and the groups together so that none follows from the KPI
    set's counts (the groups add up to them) — including what the KPI set hides.
    """
    _check(threshold)
    keys = [*kpi_keys, *(k for k in LINKED if k not in kpi_keys)]
    raw = breakdown(frames, sel, keys, by)
    total = _selection_totals(frames, sel, threshold, keys)
    equations = [sums(c, range(raw.height)) for c in _cells(keys) if c in total]
    return _safe(raw, keys, list(kpi_keys), threshold, equations, total)


def _covers(periods: Sequence[Period], sel: Selection) -> list[int]:
    """Indexes of `periods` that exactly make up the selected period, else none."""
    rows = [i for i, (frm, to) in enumerate(periods)
            if frm >= sel.date_from and to <= sel.date_to]
    days = sum((periods[i][1] - periods[i][0]).days + 1 for i in rows)
    return rows if rows and days == sel.days else []


def public_trend(frames: Mapping[str, pl.DataFrame], sel: Selection,
                 kpi_keys: Sequence[str], freq: str,
                 threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`trend` made safe to show beside the selection's KPI set.

    Each period is protected as its own KPI set would be; when periods exactly make up the
    selected period (the quarters of a selected year), their counts add up to the KPI
    set's and are protected together with it.
    """
    _check(threshold)
    keys = [*kpi_keys, *(k for k in LINKED if k not in kpi_keys)]
    raw = trend(frames, sel, keys, freq)  # type: ignore[arg-type]
    tiles = _covers(list(raw.select("date_from", "date_to").iter_rows()), sel)
    total = _selection_totals(frames, sel, threshold, keys) if tiles else None
    equations = [sums(c, tiles) for c in _cells(keys)
                 if tiles and c not in NOT_ADDITIVE and c in (total or {})]
    return _safe(raw, keys, list(kpi_keys), threshold, equations, total)


#: Distribution -> the KPI set's count its categories add up to.
DISTRIBUTION_TOTALS = {"aldersgrupp": "participants_in_period",
                       "utbildningsniva": "participants_in_period",
                       "offentlig_forsorjning": "participants_in_period",
                       "tid_i_insats": "ended", "avslutsorsak": "ended"}
#: Outcome group -> its cell in the KPI set (exit reasons of a group add up to it).
GROUP_CELLS = {"work": numerator("share_work"), "studies": numerator("share_studies"),
               "rehab": numerator("share_rehab"), "other": numerator("share_other"),
               "dropout": "dropped_out"}


def _exit_groups(categories: Sequence[str]) -> list[Equation]:
    """Exit reasons add up to their outcome group's count.

    Reasons outside the contract and `Uppgift saknas` add up to the completed episodes
    without a group.
    """
    rows: dict[str, list[int]] = {}
    for i, category in enumerate(categories):
        group = EXIT_REASONS.get(category)
        rows.setdefault(GROUP_CELLS[group] if group else NO_OUTCOME, []).append(i)
    return [sums(cell, rows.get(cell, ()), "count") for cell in [*GROUP_CELLS.values(),
                                                                 NO_OUTCOME]]


def public_distributions(frames: Mapping[str, pl.DataFrame], sel: Selection,
                         threshold: int = DEFAULT_THRESHOLD) -> dict[str, pl.DataFrame]:
    """`distributions` made safe to show beside the selection's KPI set.

    The categories add up to the participants (or the ended episodes) of the KPI set, exit
    reasons also to their outcome groups; a share of a hidden count is hidden with it, of
    a count of 1..threshold−1 shown as an upper bound.
    """
    _check(threshold)
    total = _selection_totals(frames, sel, threshold)
    out = {}
    for name, df in distributions(frames, sel).items():
        of = DISTRIBUTION_TOTALS[name]
        equations = [sums(of, range(df.height), "count")]
        if name == "avslutsorsak":
            equations += _exit_groups([MISSING if c is None else c
                                       for c in df["category"].to_list()])
        layout = Layout(("count",), {"share": ("count", (TOTAL, of))})
        out[name] = protect_table(df, layout, threshold, identities=(), equations=equations,
                                  total=total)
    return out


def public_income_flow(frames: Mapping[str, pl.DataFrame], sel: Selection,
                       threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`income_flow` made safe to show: the flows add up to the KPI set's ended episodes."""
    _check(threshold)
    df = income_flow(frames, sel)
    return protect_table(df, Layout(("count",)), threshold, identities=(),
                         equations=[sums("ended", range(df.height), "count")],
                         total=_selection_totals(frames, sel, threshold))


def public_volume_results(frames: Mapping[str, pl.DataFrame], sel: Selection,
                          periods: Sequence[Period],
                          threshold: int = DEFAULT_THRESHOLD) -> list[KpiResult]:
    """`public_kpis` for each of `periods` (a volume trend), protected together.

    When the periods exactly make up the selected period (the quarters of a selected
    year), a Mått's counts per period add up to its count for the selected period, less
    what was reported for longer periods (a half-year or year row; when there is none the
    identity is exact). No hidden count of 1..threshold−1 may follow from that: one more
    period's count is hidden (`secondary`) where needed.
    """
    _check(threshold)
    raw = [compute_kpis(frames, sel.with_period(frm, to)) for frm, to in periods]
    results = [suppress_kpis(r, threshold) for r in raw]
    rows = _covers(periods, sel)
    whole = volume_by_measure(table(frames, "volumes"), sel) or {}
    if not rows or not whole:
        return results
    measures = sorted(whole)
    counts = pl.DataFrame({m: pl.Series([(raw[i].values["volume"] or {}).get(m) for i in rows],
                                        dtype=pl.Int64) for m in measures})
    total: dict[str, tuple[int | None, bool]] = {}
    equations: list[Equation] = []
    for m in measures:
        rest = whole[m] - sum(counts[m].drop_nulls())
        total |= {m: (whole[m], not 0 < whole[m] < threshold), f"{m}|rest": (rest, rest == 0)}
        equations.append(((TOTAL, m), (*((i, m) for i in range(len(rows))),
                                       (TOTAL, f"{m}|rest"))))
    safe = protect_table(counts, Layout(tuple(measures)), threshold, identities=(),
                         equations=equations, total=total)
    out = list(results)
    for i, index in enumerate(rows):
        more = [m for m in measures if safe[f"{m}_status"][i] == "secondary"]
        if more:
            out[index] = _hide_volumes(results[index], more)
    return out


def _hide_volumes(result: KpiResult, measures: Sequence[str]) -> KpiResult:
    keys = [f"volume[{m}]" for m in measures]
    volume = {m: (None if m in measures else v) for m, v in result.values["volume"].items()}
    return dataclasses.replace(
        result, values={**result.values, "volume": volume},
        suppressed=(*result.suppressed, *keys),
        disclosure={**result.disclosure, **dict.fromkeys(keys, "secondary")},
        target_status={k: v for k, v in result.target_status.items() if k not in keys})


#: NNS shares hidden together with the answer count they rest on.
NNS_SHARES = ("nns_positive", "nns_clearly_positive", "nns_negative", "nns_neutral",
              "nns_response_rate", "nns_positive_change")


def public_nns_table(indicators: pl.DataFrame, sel: Selection,
                     threshold: int = DEFAULT_THRESHOLD) -> pl.DataFrame:
    """`nns.nns_table` plus `nns_neutral` (1 − positive − negative), disclosure-controlled.

    Within a question and respondent group Kvinnor + Män = Samtliga, and the rows of the
    sex the headline uses add up to the headline KPIs (`nns.nns_kpis`): answer counts and
    the answers inside each share (share × answers) are protected against both. A share
    of 1..threshold−1 answers is an upper bound; rates and changes are hidden with their
    answer count. Sorted by indicator, question, respondent group and sex.
    """
    _check(threshold)
    keys = ["indicator", "question", "respondent_group"]
    table = nns.nns_table(indicators, sel).with_columns(
        nns_neutral=(1 - pl.col("nns_positive") - pl.col("nns_negative")).clip(0, 1)
    ).sort(*keys, "sex")
    counted = ("nns_positive", "nns_clearly_positive", "nns_negative", "nns_neutral")
    layout = Layout(("nns_n",), {k: (SHARES[k][0], "nns_n") for k in counted},
                    {k: "nns_n" for k in NNS_SHARES if k not in counted})
    cells = ["nns_n", *(SHARES[k][0] for k in counted)]
    equations: list[Equation] = []
    rows: dict[tuple, dict[str, int]] = {}
    for i, (*question, sex) in enumerate(table.select(*keys, "sex").iter_rows()):
        rows.setdefault(tuple(question), {})[sex] = i
    for by_sex in rows.values():
        parts = [by_sex[s] for s in ("Kvinnor", "Män") if s in by_sex]
        if "Samtliga" in by_sex and parts:
            equations += [((by_sex["Samtliga"], c), tuple((r, c) for r in parts))
                          for c in cells]
    headline = [by_sex[level] for by_sex in rows.values()
                if (level := nns.sex_level(sel)) in by_sex]
    total = totals(nns.nns_kpis(indicators, sel)[0], threshold,
                   ("nns_n", "nns_positive", "nns_clearly_positive", "nns_negative"))
    equations += [sums(c, headline) for c in cells if c in total]
    return protect_table(table, layout, threshold, equations=equations, total=total)
