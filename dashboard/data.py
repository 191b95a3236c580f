"""Cached data access for the pages: engine, data version, frames scoped to the viewer.

Frames are cached per data version (a new upload or undo changes it), so a filter change
never touches the database. Scoping happens here, once: a page only ever receives rows of
the förbund (and, for styrgrupp, the insatser) its viewer may see.
"""

from __future__ import annotations

import polars as pl
import streamlit as st
from sqlalchemy import Engine

from dashboard.auth import Viewer
from loaders.frames import load_frames
from loaders.history import data_version
from loaders.schema import make_engine, upgrade
from metrics import (
    KpiResult,
    Selection,
    public_breakdown,
    public_distributions,
    public_income_flow,
    public_kpis,
    public_trend,
)
from metrics.socio_estimate import Assumptions

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


@st.cache_resource(max_entries=2, show_spinner="Läser data …")
def _all_frames(url: str, version: str) -> Frames:
    # polars frames are immutable, so one shared copy is safe (no pickling per rerun).
    return load_frames(engine(url))


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
