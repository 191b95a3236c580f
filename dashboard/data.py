"""Cached data access for the pages: engine, data version, frames scoped to the viewer.

Frames are cached per data version (a new upload or undo changes it), so a filter change
never touches the database. Scoping happens here, once: a page only ever receives rows of
the förbund (and, for styrgrupp, the insatser) its viewer may see.
"""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.auth import Viewer
from dashboard.filters import FilterOptions
from dashboard.filters import filter_options as options_of
from loaders.demo_finance import UNIT_COSTS_NOTE
from loaders.frames import load_frames
from loaders.history import data_version
from loaders.installation import non_demo_forbund
from loaders.schema import make_engine, upgrade
from metrics import (
    KpiResult,
    Selection,
    budget,
    prepare,
    public_breakdown,
    public_distributions,
    public_income_flow,
    public_kpis,
    public_nns_table,
    public_trend,
    public_volume_results,
)
from metrics.periods import parse_period
from metrics.socio_estimate import Assumptions, default_assumptions

Frames = dict[str, pl.DataFrame]


@st.cache_resource(show_spinner=False)
def engine(url: str) -> Engine:
    """One engine per database URL, schema brought up to date on first use."""
    eng = make_engine(url)
    upgrade(eng)
    return eng


@st.cache_data(ttl=5, show_spinner=False)
def current_version(url: str) -> str:
    """The data version, re-read at most every few seconds."""
    return data_version(engine(url))


@st.cache_resource(max_entries=4, show_spinner=False)
def _non_demo_forbund(url: str, version: str) -> tuple[str, ...]:
    return tuple(non_demo_forbund(engine(url)))


def non_demo_forbund_count(url: str) -> int:
    """Förbund in the database that are not demo förbund (0: demo mode is safe).

    Computed once per data version, so an import turns demo mode off within the few
    seconds `current_version` is cached.
    """
    return len(_non_demo_forbund(url, current_version(url)))


@st.cache_resource(max_entries=2, show_spinner="Läser data …")
def _all_frames(url: str, version: str) -> Frames:
    # polars frames are immutable, so one shared copy is safe (no pickling per rerun);
    # `prepare` once here makes every filter change compare integers, not strings.
    return prepare(load_frames(engine(url)))


def scope(frames: Frames, viewer: Viewer) -> Frames:
    """Only the rows `viewer` may see; tables without förbund are shared reference data."""
    if viewer.role == "admin":
        return frames
    out = {}
    for name, frame in frames.items():
        if "forbund" not in frame.columns:
            out[name] = frame
            continue
        keep = pl.col("forbund").cast(pl.String).is_in(list(viewer.forbund))
        if viewer.role == "styrgrupp" and "insats" in frame.columns:
            keep = keep & pl.col("insats").cast(pl.String).is_in(list(viewer.insatser))
        out[name] = frame.filter(keep)
    return out


@st.cache_resource(max_entries=32, show_spinner=False)
def _scoped(url: str, version: str, viewer: Viewer) -> Frames:
    return scope(_all_frames(url, version), viewer)


def frames_for(url: str, viewer: Viewer) -> tuple[str, Frames]:
    """(data version, frames the viewer may see)."""
    version = current_version(url)
    return version, _scoped(url, version, viewer)


def only_forbund(frames: Frames, forbund: str) -> Frames:
    """The rows of one förbund; tables without förbund are shared reference data."""
    return {name: frame.filter(pl.col("forbund") == forbund) if "forbund" in frame.columns
            else frame for name, frame in frames.items()}


@st.cache_resource(max_entries=64, show_spinner=False)
def frames_of_forbund(url: str, version: str, viewer: Viewer, forbund: str) -> Frames:
    """The viewer's frames narrowed to the förbund the sidebar selects.

    Every page shows one förbund, so every metric call then scans that förbund's rows only
    instead of all förbund's (on the large demo: one sixtieth).
    """
    return only_forbund(_scoped(url, version, viewer), forbund)


@st.cache_data(max_entries=64, show_spinner=False)
def filter_options(_frames: Frames, version: str, viewer: Viewer, today: date) -> FilterOptions:
    """The sidebar's options for the frames `viewer` sees (recomputed on a new upload)."""
    return options_of(_frames, today)


# Cached metric calls. Frames are passed unhashed (`_frames`); the data version and the
# viewer identify them, so a new upload or another viewer never reuses a stale result.

@st.cache_data(max_entries=1024, show_spinner=False)
def kpis(_frames: Frames, version: str, viewer: Viewer, sel: Selection, threshold: int,
         assumptions: Assumptions | None = None) -> KpiResult:
    """Disclosure-controlled KPIs of a selection."""
    return public_kpis(_frames, sel, threshold, assumptions=assumptions)


@st.cache_data(max_entries=256, show_spinner=False)
def breakdown(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
              keys: tuple[str, ...], by: str, threshold: int) -> pl.DataFrame:
    """Disclosure-controlled KPIs per group."""
    return public_breakdown(_frames, sel, keys, by, threshold)


@st.cache_data(max_entries=256, show_spinner=False)
def trend(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
          keys: tuple[str, ...], freq: str, threshold: int) -> pl.DataFrame:
    """Disclosure-controlled KPIs per year/half-year/quarter."""
    return public_trend(_frames, sel, keys, freq, threshold)


@st.cache_data(max_entries=64, show_spinner=False)
def volume_results(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
                   periods: tuple[tuple[date, date], ...], threshold: int) -> list[KpiResult]:
    """Disclosure-controlled KPIs per period of a volume trend, protected together.

    The quarters of a selected year add up to it, so they are checked against it.
    """
    return public_volume_results(_frames, sel, periods, threshold)


@st.cache_data(max_entries=256, show_spinner=False)
def distributions(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
                  threshold: int) -> dict[str, pl.DataFrame]:
    """Disclosure-controlled SUS-style distributions."""
    return public_distributions(_frames, sel, threshold)


@st.cache_data(max_entries=256, show_spinner=False)
def income_flow(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
                threshold: int) -> pl.DataFrame:
    """Disclosure-controlled income source before → after counts."""
    return public_income_flow(_frames, sel, threshold)


# Samhällsekonomi, Ekonomi and Indikatorer. Budget lines, evaluations and unit costs hold no
# person data; the estimate and the NNS answers do and pass through disclosure control.

@st.cache_data(max_entries=256, show_spinner=False)
def budget_by_insats(_frames: Frames, version: str, viewer: Viewer,
                     sel: Selection) -> pl.DataFrame:
    """Budget KPIs per insats for the budget year of `date_to`, each at its own as-of date.

    Every insats with budget lines appears (also strukturinriktade, which a participant
    breakdown misses); blank Insats (the förbund's own costs) comes last. Adds `as_of` and
    `over_budget` (spent > budget).
    """
    lines = budget.selected_lines(_frames["budget_lines"], sel)
    return budget.by_insats(lines, sel.date_to.year, sel.date_to)


@st.cache_data(max_entries=256, show_spinner=False)
def budget_by_category(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
                       per_insats: bool = False) -> pl.DataFrame:
    """`metrics.budget.by_category` of the selected lines (budget year of `date_to`).

    With `per_insats`, one row per insats and Kostnadsslag (column `insats` first, the
    förbund's own costs last).
    """
    lines = budget.selected_lines(_frames["budget_lines"], sel)
    if per_insats:
        return budget.by_insats_and_category(lines, sel.date_to.year, sel.date_to)
    return budget.by_category(lines, sel.date_to.year, sel.date_to)


@st.cache_data(max_entries=64, show_spinner=False)
def socio_assumptions(_frames: Frames, version: str, viewer: Viewer,
                      sel: Selection) -> Assumptions:
    """The built-in estimate's assumptions as the data gives them (before any edit)."""
    return default_assumptions(_frames, sel)


@st.cache_data(max_entries=8, show_spinner=False)
def unit_costs_illustrative(_frames: Frames, version: str, viewer: Viewer) -> bool:
    """True when the Schablonkostnader are the demo's illustrative values, not uploaded ones."""
    notes = _frames["unit_costs"]["notes"].drop_nulls()
    return bool(notes.str.contains(UNIT_COSTS_NOTE, literal=True).any())


@st.cache_data(max_entries=256, show_spinner=False)
def socio_estimate(_frames: Frames, version: str, viewer: Viewer, sel: Selection,
                   threshold: int, assumptions: Assumptions) -> KpiResult:
    """Disclosure-controlled KPIs whose socioeconomic values come from the built-in estimate.

    `compute_kpis` prefers an imported evaluation; leaving that table out makes it use the
    estimate with `assumptions`, so the what-if passes the same disclosure control.
    """
    without = {**_frames, "socioeconomic": _frames["socioeconomic"].clear()}
    return public_kpis(without, sel, threshold, assumptions=assumptions)


@st.cache_data(max_entries=64, show_spinner=False)
def nns_periods(_frames: Frames, version: str, viewer: Viewer,
                sel: Selection) -> dict[str, tuple[date, date]]:
    """NNS measurement period -> its dates, for the selected förbund and insatser, oldest first."""
    rows = _frames["indicators"].filter(pl.col("forbund").is_in(list(sel.forbund)))
    if sel.insatser:
        rows = rows.filter(pl.col("insats").is_in(list(sel.insatser)))
    periods = {t: p for t in rows["measurement_period"].unique().to_list()
               if (p := parse_period(t)) is not None}
    return dict(sorted(periods.items(), key=lambda item: (item[1][1], item[1][0], item[0])))


@st.cache_data(max_entries=256, show_spinner=False)
def nns_table(_frames: Frames, version: str, viewer: Viewer, sel: Selection, threshold: int,
              group: str | None = None, sex: str | None = None) -> pl.DataFrame:
    """`metrics.public_nns_table`, narrowed to respondent `group` and `sex`."""
    out = public_nns_table(_frames["indicators"], sel, threshold)
    if group:
        out = out.filter(pl.col("respondent_group") == group)
    if sex:
        out = out.filter(pl.col("sex") == sex)
    return out
