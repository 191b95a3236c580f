"""The sidebar filters every page shares, kept in the URL so a view can be shared as a link.

Widgets are created in the entry point (so their state survives page switches) and bound to
query parameters. Options come from the viewer's scoped frames only, so a förbund the viewer
may not see cannot be selected — a foreign value in the URL is ignored by Streamlit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import polars as pl
import streamlit as st

from loaders.contract import EDUCATION, INCOME_SOURCES, REFERRERS, SEX
from metrics import (
    data_cutoff,
    half_year_period,
    opening_year,
    partly_reported,
    quarter_period,
    year_period,
)
from metrics.selection import AGE_GROUPS, Selection

PERIOD_KINDS = ("År", "Halvår", "Kvartal", "Anpassad")
ALL = "Alla"
#: Filter key -> Swedish label (also the names a page lists as "does not apply").
FILTER_LABELS = {
    "insats": "Insats", "grupp": "Grupp", "kon": "Kön", "remittent": "Remittent",
    "alder": "Åldersgrupp", "forsorjning": "Försörjning före", "utbildning": "Utbildningsnivå",
}
PARTICIPANT_FILTERS = ("grupp", "kon", "remittent", "alder", "forsorjning", "utbildning")
#: Period kind -> the word for a period of that kind the data is still in.
ONGOING_WORDS = {"År": "år", "Halvår": "halvår", "Kvartal": "kvartal"}


@dataclass(frozen=True)
class Filters:
    """What the sidebar says: the selection, a title fragment, and the active filter labels."""

    selection: Selection
    title: str
    active: tuple[str, ...]  # keys of FILTER_LABELS in use

    @property
    def whole_insatser(self) -> Selection:
        """The selection without participant filters and grupp.

        For figures that belong to whole insatser: budget, capacity, evaluations, NNS, volumes.
        """
        return dataclasses.replace(self.selection.without_participant_filters(), grupp=None)


@dataclass(frozen=True)
class FilterOptions:
    """What the sidebar can offer, computed once per data version and viewer (`data`)."""

    forbund: tuple[str, ...]
    insatser: dict[str, tuple[str, ...]]  # förbund -> its insatser
    grupper: dict[tuple[str, str], tuple[str, ...]]  # (förbund, insats) -> its grupper
    years: tuple[int, ...]  # newest first
    default_year: int  # the latest year with episodes (see `filter_options`)
    cutoff: date | None = None  # the last day the episodes report (`metrics.data_cutoff`)


def filter_options(frames: dict[str, pl.DataFrame], today: date) -> FilterOptions:
    """Every option of every data-driven filter: one pass over the frames.

    Computed here, not per widget, because on a million episodes each unique/filter costs
    tens of milliseconds and every filter change reruns the sidebar.

    The default year is the latest year with episodes up to `today`, even while it is still
    going on (the sidebar says so): `metrics.opening_year` of the data's cut-off.
    """
    eps, ins = frames["episodes"], frames["insatser"]
    pairs = (pl.concat([ins.select(pl.col("forbund", "insats").cast(pl.String)),
                        eps.select(pl.col("forbund", "insats").cast(pl.String))
                        if eps.is_empty() else
                        eps.select("forbund", "insats").unique()
                        .select(pl.col("forbund", "insats").cast(pl.String))])
             .drop_nulls().unique())
    insatser: dict[str, list[str]] = {}
    for forbund, insats in pairs.iter_rows():
        if forbund:
            insatser.setdefault(forbund, [])
            if insats:
                insatser[forbund].append(insats)
    grupper: dict[tuple[str, str], list[str]] = {}
    if not eps.is_empty():
        for forbund, insats, grupp in (eps.select("forbund", "insats", "grupp").unique()
                                       .select(pl.all().cast(pl.String)).iter_rows()):
            if grupp:
                grupper.setdefault((forbund, insats), []).append(grupp)
    years: set[int] = set(frames["budget_lines"]["year"].drop_nulls().unique().to_list())
    if not eps.is_empty():
        years |= set(eps["start_date"].dt.year().unique().drop_nulls().to_list())
        years |= set(eps["end_date"].dt.year().unique().drop_nulls().to_list())
    cutoff = data_cutoff(eps, today)
    default_year = opening_year(cutoff, today)
    return FilterOptions(
        forbund=tuple(sorted(insatser)),
        insatser={f: tuple(sorted(set(i))) for f, i in insatser.items()},
        grupper={k: tuple(sorted(set(g))) for k, g in grupper.items()},
        years=tuple(sorted(years | {default_year}, reverse=True)), default_year=default_year,
        cutoff=cutoff)


def year_option(year: int, cutoff: date | None) -> str:
    """A year as the År list shows it; the year the data is still in says so, with its cut-off.

    Only that year can carry the longer text, and it is the default year, which Streamlit
    never writes to the URL: `?ar=` stays a plain year.
    """
    if partly_reported(*year_period(year), cutoff):
        return f"{year} t.o.m. {cutoff.isoformat()}"  # fits the sidebar's list
    return str(year)


def period_title(text: str, frm: date, to: date, kind: str, cutoff: date | None) -> str:
    """The period as the selection title names it, with the cut-off when the data is still in it.

    So no one reads a partial year as a whole one: `2026 t.o.m. 2026-09-30 (pågående år)`.
    """
    if not partly_reported(frm, to, cutoff):
        return text
    if kind in ONGOING_WORDS:
        return f"{text} t.o.m. {cutoff.isoformat()} (pågående {ONGOING_WORDS[kind]})"
    return f"{text} (uppgifter t.o.m. {cutoff.isoformat()})"


def _prune(key: str, options: list, multi: bool) -> None:
    """Drop remembered values the options no longer offer (e.g. after a förbund change)."""
    if key not in st.session_state:
        return
    value = st.session_state[key]
    if multi:
        st.session_state[key] = [v for v in (value or []) if v in options]
    elif value not in options:
        del st.session_state[key]


def _period(options: FilterOptions) -> tuple[date, date, str]:
    frm, to, text, kind = _chosen_period(options)
    return frm, to, period_title(text, frm, to, kind, options.cutoff)


def _chosen_period(options: FilterOptions) -> tuple[date, date, str, str]:
    years, default_year = list(options.years), options.default_year
    kind = st.sidebar.segmented_control("Period", PERIOD_KINDS, default="År", key="period",
                                        bind="query-params") or "År"
    if kind == "Anpassad":
        frm = st.sidebar.date_input("Från", value=date(default_year, 1, 1), key="fran",
                                    format="YYYY-MM-DD", bind="query-params")
        to = st.sidebar.date_input("Till", value=date(default_year, 12, 31), key="till",
                                   format="YYYY-MM-DD", bind="query-params")
        if frm > to:
            st.sidebar.warning("Från-datum ligger efter till-datum; de har bytts om.")
            frm, to = to, frm
        return frm, to, f"{frm.isoformat()}–{to.isoformat()}", kind
    _prune("ar", years, multi=False)
    year = st.sidebar.selectbox("År", years, index=years.index(default_year), key="ar",
                                format_func=lambda y: year_option(y, options.cutoff),
                                bind="query-params")
    if kind == "Halvår":
        half = st.sidebar.selectbox("Halvår", [1, 2], format_func=lambda h: f"H{h}", key="del",
                                    bind="query-params")
        return (*half_year_period(year, half), f"{year} H{half}", kind)
    if kind == "Kvartal":
        quarter = st.sidebar.selectbox("Kvartal", [1, 2, 3, 4], format_func=lambda q: f"Q{q}",
                                       key="kvartal", bind="query-params")
        return (*quarter_period(year, quarter), f"{year} Q{quarter}", kind)
    return (*year_period(year), str(year), kind)


def _multi(label: str, options, key: str) -> list:
    _prune(key, list(options), multi=True)
    return st.sidebar.multiselect(label, options, key=key, bind="query-params",
                                  placeholder="Alla")


def sidebar_filters(options: FilterOptions) -> Filters | None:
    """Draw the filters; None (after a notice) when the viewer has no förbund with data."""
    forbund_options = list(options.forbund)
    if not forbund_options:
        st.info("Det finns inga uppgifter som du har behörighet att se ännu.")
        return None
    _prune("forbund", forbund_options, multi=False)
    forbund = st.sidebar.selectbox("Förbund", forbund_options, key="forbund",
                                   bind="query-params")
    insats_options = options.insatser.get(forbund, ())
    insats = _multi("Insats", insats_options, "insats")
    grupp_options = [ALL, *sorted({g for i in (insats or insats_options)
                                   for g in options.grupper.get((forbund, i), ())})]
    _prune("grupp", grupp_options, multi=False)
    grupp = st.sidebar.selectbox("Grupp", grupp_options, key="grupp", bind="query-params")
    frm, to, period_text = _period(options)
    st.sidebar.caption("Deltagarfilter")
    kon = _multi("Kön", SEX, "kon")
    remittent = _multi("Remittent", REFERRERS, "remittent")
    alder = _multi("Åldersgrupp", AGE_GROUPS, "alder")
    forsorjning = _multi("Försörjning före", INCOME_SOURCES, "forsorjning")
    utbildning = _multi("Utbildningsnivå", EDUCATION, "utbildning")
    selection = Selection(
        forbund=(forbund,), date_from=frm, date_to=to, insatser=tuple(insats),
        grupp=None if grupp == ALL else grupp, kon=tuple(kon), remittent=tuple(remittent),
        aldersgrupp=tuple(alder), forsorjning_fore=tuple(forsorjning),
        utbildningsniva=tuple(utbildning),
    )
    active = tuple(k for k, v in [("insats", insats), ("grupp", grupp != ALL), ("kon", kon),
                                  ("remittent", remittent), ("alder", alder),
                                  ("forsorjning", forsorjning), ("utbildning", utbildning)]
                   if v)
    parts = [forbund, period_text, ", ".join(insats) if insats else "alla insatser"]
    parts += [", ".join(v) for v in (kon, remittent, alder, forsorjning, utbildning) if v]
    if grupp != ALL:
        parts.append(f"grupp {grupp}")
    return Filters(selection=selection, title=" · ".join(parts), active=active)
