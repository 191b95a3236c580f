"""Cached data access for the pages: engine, data version, frames scoped to the viewer.

Frames are cached per data version (a new upload or undo changes it), so a filter change
never touches the database. They come from the data version's snapshot on disk
(`loaders.snapshot`: Arrow files an import writes right after its commit, or the first
reader builds), read in a fraction of a second instead of seconds of SQL rows. A
background thread per process keeps the current version's frames loaded: it starts with
the first page anyone opens (the login page) and reloads within a second of any upload or
undo, by anyone, in any process. Scoping happens here, once: a page only ever receives rows
of the förbund (and, for styrgrupp, the insatser) its viewer may see.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.auth import Viewer, all_users
from dashboard.config import settings
from dashboard.filters import FilterOptions
from dashboard.filters import filter_options as options_of
from dashboard.scoping import (  # noqa: F401 (`scope` re-exported: tests and pages use data.scope)
    ALL_ROWS,
    ScopeKey,
    only_forbund,
    scope,
    scope_key,
    scope_rows,
)
from dashboard.warm import keep_warm
from loaders import snapshot
from loaders.demo_finance import UNIT_COSTS_NOTE
from loaders.history import data_version
from loaders.installation import demo_forbund, non_demo_forbund
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
    year_period,
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


@st.cache_data(ttl=1, show_spinner=False)
def current_version(url: str) -> str:
    """The data version, re-read at most once a second (one query on the uploads table)."""
    return _version(url)


def _version(url: str) -> str:
    # Caches take frames unhashed and key them by this version: it names the database too,
    # so two databases with as many uploads never share a cached result.
    tag = hashlib.sha256(url.encode()).hexdigest()[:8]
    return f"{data_version(engine(url))}@{tag}"


@st.cache_resource(max_entries=4, show_spinner=False)
def _non_demo_forbund(url: str, version: str) -> tuple[str, ...]:
    loaded = _loaded.get(url)
    if loaded is None or loaded[0] != version:  # before the frames are read: ask SQL
        return tuple(non_demo_forbund(engine(url)))
    names = {name for frame in loaded[1].values() if "forbund" in frame.columns
             for name in frame["forbund"].cast(pl.String).unique().drop_nulls().to_list()}
    return tuple(sorted(names - demo_forbund()))


def non_demo_forbund_count(url: str) -> int:
    """Förbund in the database that are not demo förbund (0: demo mode is safe).

    Computed once per data version, so an import turns demo mode off within the second
    `current_version` is cached.
    """
    _start_warming(url)
    return len(_non_demo_forbund(url, current_version(url)))


def snapshot_dir(url: str) -> Path | None:
    """Where the frames snapshots of `url` live (None: the frames come from SQL each time)."""
    return snapshot.directory_for(url, settings().snapshot_dir)


def load_all_frames(url: str) -> Frames:
    """Every table, `prepare`d, of the database's current state (from its snapshot)."""
    return snapshot.load(engine(url), snapshot_dir(url), prepare)


#: Per database, the data version most recently read and its frames.
_loaded: dict[str, tuple[str, Frames]] = {}


@st.cache_resource(max_entries=2, show_spinner="Läser data …")
def _all_frames(url: str, version: str) -> Frames:
    # polars frames are immutable, so one shared copy is safe (no pickling per rerun);
    # `prepare` (in the snapshot) makes every filter change compare integers, not strings.
    frames = load_all_frames(url)
    _loaded[url] = (version, frames)
    return frames


def every_forbund(url: str, version: str) -> Frames:
    """Every förbund's rows, whoever looks: only for results anonymised before they are drawn.

    The one exception to scoping, for `dashboard.compare_data` (other förbund as points
    without names); a page never receives these frames.
    """
    return _all_frames(url, version)


def _scoped(url: str, version: str, key: ScopeKey) -> Frames:
    # All rows are the cached frames themselves: a second cache entry would keep an old
    # version's frames in memory after `_all_frames` let them go.
    if key == ALL_ROWS:
        return _all_frames(url, version)
    return _scoped_rows(url, version, key)


@st.cache_resource(max_entries=32, show_spinner=False)
def _scoped_rows(url: str, version: str, key: ScopeKey) -> Frames:
    return scope_rows(_all_frames(url, version), key)


def frames_for(url: str, viewer: Viewer) -> tuple[str, Frames]:
    """(data version, frames the viewer may see)."""
    _start_warming(url)
    key = scope_key(viewer)
    _seen[url][key] = time.monotonic()
    version = current_version(url)
    return version, _scoped(url, version, key)


# Warming (dashboard/warm.py): on a new data version, before any viewer asks, load the
# frames; the scoped frames and filter options of the scopes viewers used in the last hour,
# then of the users who may log in; the demo check; the administrators' options.

#: Scopes whose caches are refilled on a new data version, with when they were last used.
_seen: defaultdict[str, dict[ScopeKey, float]] = defaultdict(dict)
SEEN_FOR_S = 3600.0
#: At most this many scopes are warmed (recent viewers' first): fewer than `_scoped_rows`
#: keeps, so warming never evicts what it just filled.
MAX_WARM_SCOPES = 16


def _start_warming(url: str) -> None:
    keep_warm(url, lambda: _version(url), lambda version: _fill(url, version))


def _fill(url: str, version: str) -> None:
    _all_frames(url, version)
    now = time.monotonic()
    seen = _seen[url]
    for key, when in list(seen.items()):
        if now - when > SEEN_FOR_S:
            seen.pop(key, None)
    recent = sorted(seen, key=seen.get, reverse=True)  # the most recent viewer first
    keys = list(dict.fromkeys([*recent, *_configured_scopes()]))[:MAX_WARM_SCOPES]
    for key in keys:
        if key != ALL_ROWS:
            _options(_scoped(url, version, key), version, key, date.today())
    _non_demo_forbund(url, version)
    _options(_all_frames(url, version), version, ALL_ROWS, date.today())
    _warm_imports()
    for viewer in _configured_viewers()[:MAX_WARM_SCOPES]:
        _warm_first_page(url, version, viewer)
    # last, after what a login waits for: Jämförelse's values of each year
    from dashboard import compare_data  # it reads its frames through this module

    compare_data.warm(url, version)


def _configured_viewers() -> list[Viewer]:
    """The users who may log in (the auth file's, or the demo users), as viewers."""
    try:
        users = all_users(settings()).values()
    except Exception:  # noqa: BLE001 - a broken auth file is the login page's to report
        return []
    return [Viewer(u.username, u.name, u.role, u.forbund, u.insatser) for u in users]


def _configured_scopes() -> list[ScopeKey]:
    """The scopes of the users who may log in."""
    return [scope_key(viewer) for viewer in _configured_viewers()]


def _warm_first_page(url: str, version: str, viewer: Viewer) -> None:
    """The KPIs Översikt draws on the sidebar's opening selection, computed before a login.

    A login then only draws its first page (issue 11: ≤ 2 s from *Logga in*). The calls and
    selections are the page's own (`pages/oversikt.py`): the whole selection, then each
    insats with its yearly share to work.
    """
    key = scope_key(viewer)
    options = _options(_scoped(url, version, key), version, key, date.today())
    if not options.forbund:
        return
    forbund, threshold = options.forbund[0], settings().suppress
    frames = _of_forbund(url, version, key, forbund)
    sel = Selection(forbund=(forbund,), date_from=year_period(options.default_year)[0],
                    date_to=year_period(options.default_year)[1])
    kpis(frames, version, viewer, sel, threshold)
    for insats in options.insatser.get(forbund, ()):
        one = dataclasses.replace(sel, insatser=(insats,))
        kpis(frames, version, viewer, one, threshold)
        trend(frames, version, viewer, one, ("share_work",), "year", threshold)


def _warm_imports() -> None:
    """Import what the first page draws with and build one figure.

    Plotly loads its validators on first use; done here, the first viewer after a server
    start does not wait for it.
    """
    import plotly.graph_objects as go

    from dashboard import ui

    ui.style(go.Figure(go.Scatter(x=[2024], y=[0.5])), "", None)


def frames_of_forbund(url: str, version: str, viewer: Viewer, forbund: str) -> Frames:
    """The viewer's frames narrowed to the förbund the sidebar selects.

    Every page shows one förbund, so every metric call then scans that förbund's rows only
    instead of all förbund's (on the large demo: one sixtieth).
    """
    return _of_forbund(url, version, scope_key(viewer), forbund)


@st.cache_resource(max_entries=64, show_spinner=False)
def _of_forbund(url: str, version: str, key: ScopeKey, forbund: str) -> Frames:
    return only_forbund(_scoped(url, version, key), forbund)


def filter_options(frames: Frames, version: str, viewer: Viewer, today: date) -> FilterOptions:
    """The sidebar's options for the frames `viewer` sees (recomputed on a new upload)."""
    return _options(frames, version, scope_key(viewer), today)


@st.cache_data(max_entries=64, show_spinner=False)
def _options(_frames: Frames, version: str, key: ScopeKey, today: date) -> FilterOptions:
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
