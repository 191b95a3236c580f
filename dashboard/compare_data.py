"""My förbund against every förbund, anonymised for the viewer before a page sees it.

The comparison is the one page result computed from every förbund's rows
(`data.every_forbund`), so it is made safe here, on the server, per viewer (docs/COMPARE.md):

- **Names**: for every role but admin, other förbund are points without a name, id or
  order of their own; only a flag marks the viewer's förbund. Names never reach the page, a
  download, the URL, session state or an error (a failed computation is logged and the page
  says so in general words).
- **Counts**: KPIs that count people or days (`Unit.COUNT`, `Unit.DAYS`) and årsplatser
  (`Unit.FYE`, participant days over the period) are left out of the comparison for those
  roles: a förbund's exact number of participants is not another förbund's business. Shares,
  months, years, kronor and percentage points stay, rounded to what the page prints, so no
  exact fraction (7/33) gives a förbund's count and base away.
- **Styrgrupp** sees only their insatser, not their förbund's whole value: the distribution
  is shown without a highlighted point or a place.
- With fewer than `min_units` förbund with a value no point is passed on and the statistics
  are None (one point among three could be told apart).
"""

from __future__ import annotations

import dataclasses
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import streamlit as st

from dashboard import data
from dashboard.auth import Viewer
from dashboard.config import settings
from dashboard.context import PageContext
from metrics.compare import (
    Comparison,
    KpiComparison,
    Shared,
    compare_each,
    shared_values,
)
from metrics.periods import year_period
from metrics.registry import BY_KEY, EPISODE_FAMILIES, Unit
from metrics.result import KpiResult
from metrics.selection import Selection

log = logging.getLogger(__name__)

#: Units never compared for anyone but admin: counts of people or days, and årsplatser.
COUNT_UNITS = frozenset({Unit.COUNT, Unit.DAYS, Unit.FYE})
#: Decimals a value keeps on its way to the page: what `fmt.kpi_value` prints.
DECIMALS = {Unit.SHARE: 3, Unit.KR: 0, Unit.MONTHS: 1, Unit.YEARS: 1, Unit.FYE: 1, Unit.PP: 1,
            Unit.COUNT: 0, Unit.DAYS: 0}
#: Role kinds the result depends on: names (admin), an own point (förbund), none (styrgrupp).
ADMIN, FORBUND, STYRGRUPP = "admin", "forbund", "styrgrupp"
#: Kolada's T/K/M: row label -> the Kön filter it stands for.
SEXES: dict[str, tuple[str, ...]] = {"Totalt": (), "Kvinnor": ("Kvinna",), "Män": ("Man",)}


@dataclass(frozen=True)
class Point:
    """One förbund's value; `name` only for admin."""

    value: float
    own: bool
    name: str | None = None


@dataclass(frozen=True)
class KpiView:
    """One KPI of the comparison as a viewer may see it.

    `place` counts from the best (from the highest for a neutral KPI): `1 + ` the number of
    förbund with a better value. `value`/`place` are None for styrgrupp and for a hidden own
    value; statistics and points are empty below `min_units`.
    """

    key: str
    value: float | None
    n: int
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    place: int | None
    direction: str
    points: tuple[Point, ...]

    @property
    def shown(self) -> bool:
        """Enough förbund have a value for the distribution to be shown."""
        return self.median is not None and bool(self.points)


@dataclass(frozen=True)
class ForbundView:
    """The förbund comparison of one selection, for one kind of viewer."""

    kpis: dict[str, KpiView]
    min_units: int
    own_shown: bool
    names: bool
    #: The own whole förbund's KPIs as the comparison computed them (a hidden value's
    #: label and reason); None for styrgrupp.
    own: KpiResult | None = None


def split_key(key: str) -> tuple[str, str | None]:
    """`payback_months.Samhället` -> `("payback_months", "Samhället")`; a plain key, None."""
    base, _, part = key.partition(".")
    return base, part or None


def unit_of(key: str) -> Unit:
    """The registry unit of a (per-actor) comparison key."""
    return BY_KEY[split_key(key)[0]].unit


def viewer_kind(viewer: Viewer) -> str:
    """What the comparison shown to `viewer` depends on."""
    return {"admin": ADMIN, "styrgrupp": STYRGRUPP}.get(viewer.role, FORBUND)


def whole_forbund(sel: Selection) -> Selection:
    """The selection of whole förbund: every insats, no grupp (participant filters kept)."""
    return dataclasses.replace(sel, insatser=(), grupp=None)


def rounded(value: float | None, unit: Unit) -> float | None:
    """`value` rounded half up to what the page prints (0.21212 -> 0.212 for a share)."""
    if value is None:
        return None
    step = Decimal(1).scaleb(-DECIMALS[unit])
    return float(Decimal(repr(float(value))).quantize(step, ROUND_HALF_UP))


def place(own: float | None, values: list[float], direction: str) -> int | None:
    """1 + the number of values better than `own` (higher unless `direction` is lower).

    >>> place(0.3, [0.1, 0.3, 0.5], "higher"), place(0.3, [0.1, 0.3, 0.5], "lower")
    (2, 2)
    """
    if own is None:
        return None
    better = [v for v in values if (v < own if direction == "lower" else v > own)]
    return 1 + len(better)


def anonymised(result: Comparison, kind: str) -> ForbundView:
    """`result` as a viewer of `kind` may see it (module docstring)."""
    kpis = {}
    for key, kpi in result.kpis.items():
        if split_key(key)[0] not in BY_KEY:
            continue
        unit = unit_of(key)
        if kind != ADMIN and unit in COUNT_UNITS:
            continue
        kpis[key] = _kpi_view(kpi, result.own, unit, kind, result.min_units)
    return ForbundView(kpis=kpis, min_units=result.min_units, own_shown=kind != STYRGRUPP,
                       names=kind == ADMIN,
                       own=result.own_result if kind != STYRGRUPP else None)


def _kpi_view(kpi: KpiComparison, own: str | None, unit: Unit, kind: str,
              min_units: int) -> KpiView:
    def r(v: float | None) -> float | None:
        return v if kind == ADMIN else rounded(v, unit)

    shown = kpi.n >= min_units and kpi.median is not None
    own_value = kpi.value if kind != STYRGRUPP else None
    points = tuple(Point(r(v), kind != STYRGRUPP and name == own,
                         name if kind == ADMIN else None)
                   for name, v in kpi.values) if shown else ()
    return KpiView(
        key=kpi.key, value=r(own_value), n=kpi.n, mean=r(kpi.mean), median=r(kpi.median),
        min=r(kpi.min), max=r(kpi.max), direction=kpi.direction, points=points,
        place=place(own_value, [v for _, v in kpi.values], kpi.direction) if shown else None)


def forbund_views(ctx: PageContext, sels: list[Selection]) -> list[ForbundView | None]:
    """For each of `sels`: its whole förbund against every förbund, as `ctx.viewer` sees it.

    Selections that differ only in participant filters (the T/K/M rows) are computed
    together (`metrics.compare.compare_each` shares their small tables); other groups (a
    trend's years) side by side (`_POOL`). None for one that could not be computed
    (logged; the page says so without details, since an error text could name another
    förbund).
    """
    if ctx.viewer.role != "admin" and {s.forbund[0] for s in sels} - set(ctx.viewer.forbund):
        raise PermissionError("Du har inte behörighet till förbundet.")
    kind, min_units = viewer_kind(ctx.viewer), settings().compare_min
    wholes = [whole_forbund(s) for s in sels]
    groups: dict[Selection, list[Selection]] = {}
    for whole in dict.fromkeys(wholes):
        groups.setdefault(whole.without_participant_filters(), []).append(whole)
    # polars leaves the GIL while it scans, so a trend's years take little more than the
    # slowest of them; results land in the caches either way. One group runs right here.
    args = (ctx.database_url, ctx.version)
    tasks = [tuple(group) for group in groups.values()]
    futures = {task: _POOL.submit(_views, *args, task, ctx.threshold, min_units, kind)
               for task in tasks} if len(tasks) > 1 else {}
    out: dict[Selection, ForbundView | None] = {}
    for task in tasks:
        try:
            views = futures[task].result() if futures else _views(*args, task, ctx.threshold,
                                                                  min_units, kind)
            out |= zip(task, views, strict=True)
        except Exception:
            if kind == ADMIN:
                raise
            log.exception("Jämförelsen kunde inte beräknas")
            out |= dict.fromkeys(task)
    return [out[w] for w in wholes]


def forbund_view(ctx: PageContext, sel: Selection) -> ForbundView | None:
    """`forbund_views` of one selection."""
    return forbund_views(ctx, [sel])[0]


def by_sex(key: str) -> bool:
    """Whether Kön moves the KPI (T/K/M rows); whole-insats figures and NNS do not."""
    return BY_KEY[split_key(key)[0]].family in EPISODE_FAMILIES


def sex_selections(sel: Selection) -> list[Selection]:
    """Kolada's T/K/M: `sel` with Kön set to each of `SEXES` (other filters kept)."""
    return [dataclasses.replace(sel, kon=kon) for kon in SEXES.values()]


def sex_rows(key: str, views: list[ForbundView | None]) -> list[tuple[str, KpiView | None]]:
    """The T/K/M rows of KPI `key` from the views of `sex_selections`.

    A KPI that Kön does not move has the Totalt row only.
    """
    rows = [(label, v.kpis.get(key) if v else None) for label, v in zip(SEXES, views,
                                                                       strict=True)]
    return rows if by_sex(key) else rows[:1]


def own_results(by_sex: list[ForbundView | None]) -> dict[str, KpiResult | None]:
    """The own förbund's KPIs per T/K/M row label, from the views of `sex_selections`."""
    return {label: v.own if v else None for label, v in zip(SEXES, by_sex, strict=True)}


def trend_years(ctx: PageContext, sel: Selection, most: int = 10) -> tuple[int, ...]:
    """Calendar years from the own förbund's first episode to the selection's end.

    At most `most`, the latest: each year is a comparison of every förbund.
    """
    starts = ctx.frames["episodes"]["start_date"].drop_nulls()
    last = sel.date_to.year
    first = starts.min().year if len(starts) else last
    return tuple(range(max(first, last - most + 1), last + 1))


def forbund_trend(ctx: PageContext, sel: Selection,
                  years: tuple[int, ...]) -> dict[int, ForbundView | None]:
    """`forbund_view` of each calendar year in `years` (same filters)."""
    views = forbund_views(ctx, [sel.with_period(*year_period(y)) for y in years])
    return dict(zip(years, views, strict=True))


def own_insatser(ctx: PageContext, sel: Selection) -> list[str]:
    """The insatser the Insatser view puts side by side.

    The chosen ones, else every insats of the förbund the viewer may see (styrgrupp: theirs).
    """
    if sel.insatser:
        return list(sel.insatser)
    rows = ctx.frames["insatser"].filter(pl.col("forbund").cast(pl.String) == sel.forbund[0])
    return sorted(rows["insats"].cast(pl.String).drop_nulls().unique().to_list())


#: Worker threads for comparisons (a page asks for up to ten at once: a trend's years).
_POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix="finsam-compare")


@st.cache_resource(max_entries=128, show_spinner=False)
def _comparisons(url: str, version: str, sels: tuple[Selection, ...], threshold: int,
                 min_units: int) -> tuple[Comparison, ...]:
    # Shared by every viewer of the selections (with names: kept on the server only);
    # `version` names the data, so an upload never reuses an old comparison.
    frames = data.every_forbund(url, version)
    first = sels[0]
    shared = _shared(url, version, first.date_from, first.date_to, first.omrade)
    return tuple(compare_each(frames, sels, "forbund", threshold=threshold,
                              min_units=min_units, units=shared.units, shared=[shared]))


@st.cache_resource(max_entries=32, show_spinner=False)
def _shared(url: str, version: str, date_from: date, date_to: date,
            omrade: tuple[str, ...]) -> Shared:
    # What a change of Remittent, Kön or another participant filter leaves as it was
    # (small tables, estimate): a few kB per period, kept between page runs and made for
    # every calendar year before anyone asks (`warm`). The own förbund plays no part.
    any_forbund = Selection(("",), date_from, date_to, omrade=omrade)
    return shared_values(data.every_forbund(url, version), any_forbund, "forbund")


def warm(url: str, version: str, most: int = 10) -> None:
    """The `Shared` values of the latest `most` calendar years with episodes.

    Run by the cache-warming thread after the first page's KPIs: a change of year on
    Jämförelse then only reads the episodes.
    """
    starts = data.every_forbund(url, version)["episodes"]["start_date"].drop_nulls()
    if not len(starts):
        return
    last = min(starts.max().year, date.today().year)
    for year in range(last, max(starts.min().year, last - most + 1) - 1, -1):
        _shared(url, version, *year_period(year), ())


@st.cache_data(max_entries=256, show_spinner=False)
def _views(url: str, version: str, sels: tuple[Selection, ...], threshold: int,
           min_units: int, kind: str) -> tuple[ForbundView, ...]:
    return tuple(anonymised(c, kind)
                 for c in _comparisons(url, version, sels, threshold, min_units))
