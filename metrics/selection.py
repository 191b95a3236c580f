"""What the user selected: förbund, insatser, grupp, period and participant filters.

A `Selection` is frozen and hashable, so pages can cache on it. Participant filters apply
to episode-based KPIs only; `filter_episodes` applies them, the engine reports where they
were ignored.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import polars as pl

from metrics.expressions import overlaps
from metrics.periods import Period, period_days

AGE_GROUPS = ("16-29", "30-44", "45-59", "60+")

#: Selection field -> episode column it filters (the age group is derived from age).
PARTICIPANT_FILTERS: dict[str, str] = {
    "kon": "sex",
    "remittent": "referrer",
    "aldersgrupp": "age_at_start",
    "forsorjning_fore": "income_before",
    "utbildningsniva": "education",
}


def _tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Selection:
    """The selection every KPI is computed over (KPI.md, first section).

    `forbund` must name at least one förbund (access control happens before this). Empty
    `insatser` means every insats of the selected förbund; an empty participant filter
    means no filtering. Lists are turned into tuples so the selection stays hashable.
    """

    forbund: tuple[str, ...]
    date_from: date
    date_to: date
    insatser: tuple[str, ...] = ()
    grupp: str | None = None
    kon: tuple[str, ...] = ()
    remittent: tuple[str, ...] = ()
    aldersgrupp: tuple[str, ...] = ()
    forsorjning_fore: tuple[str, ...] = ()
    utbildningsniva: tuple[str, ...] = ()
    #: SCB areas for the benefit KPIs; empty = the areas named like the förbund.
    omrade: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for f in ("forbund", "insatser", "omrade", *PARTICIPANT_FILTERS):
            object.__setattr__(self, f, _tuple(getattr(self, f)))
        if not self.forbund:
            raise ValueError("Välj minst ett förbund.")
        if self.date_from > self.date_to:
            raise ValueError(f"Periodens start {self.date_from} är efter slutet {self.date_to}.")
        bad = set(self.aldersgrupp) - set(AGE_GROUPS)
        if bad:
            raise ValueError(f"Okänd åldersgrupp: {', '.join(sorted(bad))}")

    @property
    def period(self) -> Period:
        """`(date_from, date_to)`."""
        return self.date_from, self.date_to

    @property
    def days(self) -> int:
        """Days in the period, both ends included."""
        return period_days(self.date_from, self.date_to)

    @property
    def active_filters(self) -> tuple[str, ...]:
        """Names of the participant filters in use, plus `grupp` when set."""
        names = tuple(f for f in PARTICIPANT_FILTERS if getattr(self, f))
        return (("grupp",) if self.grupp else ()) + names

    def with_period(self, frm: date, to: date) -> Selection:
        """The same selection over another period."""
        return dataclasses.replace(self, date_from=frm, date_to=to)

    def without_participant_filters(self) -> Selection:
        """The same selection with every participant filter removed (grupp kept)."""
        return dataclasses.replace(self, **{f: () for f in PARTICIPANT_FILTERS})


def age_group(col: str = "age_at_start") -> pl.Expr:
    """Age at start -> `16-29`/`30-44`/`45-59`/`60+`.

    15-year-olds count as 16-29; a missing age stays null.
    """
    age = pl.col(col)
    return (pl.when(age.is_null()).then(None)
            .when(age < 30).then(pl.lit("16-29"))
            .when(age < 45).then(pl.lit("30-44"))
            .when(age < 60).then(pl.lit("45-59"))
            .otherwise(pl.lit("60+")))


def _in(col: str | pl.Expr, values: tuple[str, ...]) -> pl.Expr:
    expr = pl.col(col) if isinstance(col, str) else col
    return expr == values[0] if len(values) == 1 else expr.is_in(list(values))


def insats_predicate(sel: Selection) -> pl.Expr:
    """Rows of the selected förbund and insatser, for tables without grupp."""
    pred = _in("forbund", sel.forbund)
    return pred & _in("insats", sel.insatser) if sel.insatser else pred


def org_predicate(sel: Selection) -> pl.Expr:
    """Rows of the selected förbund, insatser and grupp."""
    pred = insats_predicate(sel)
    if sel.grupp:
        pred = pred & (pl.col("grupp") == sel.grupp)
    return pred


def participant_predicate(sel: Selection) -> pl.Expr | None:
    """The participant filters as one predicate, or None when none is active."""
    preds = []
    for field, col in PARTICIPANT_FILTERS.items():
        values = getattr(sel, field)
        if values:
            preds.append(_in(age_group(col) if field == "aldersgrupp" else col, values))
    return pl.all_horizontal(preds) if preds else None


def filter_episodes(episodes: pl.DataFrame, sel: Selection, *, period: bool = True,
                    participant_filters: bool = True) -> pl.DataFrame:
    """Episodes of the selection: förbund, insatser, grupp and participant filters.

    Unless `period=False`, only episodes overlapping the period are kept: every flow,
    outcome, time and capacity KPI of the period is computed from these alone.

    The most selective condition runs first over all rows and the others only over what it
    keeps (polars evaluates every part of one predicate on every row): the förbund/insats
    condition when one förbund or named insatser are selected, else the period.
    """
    org = org_predicate(sel)
    rest = []
    if participant_filters and (pp := participant_predicate(sel)) is not None:
        rest.append(pp)
    if period:
        in_period = overlaps(sel.date_from, sel.date_to)
        if len(sel.forbund) == 1 or sel.insatser:
            rest.append(in_period)
        else:
            org, rest = in_period, [org, *rest]
    out = episodes.filter(org)
    return out.filter(pl.all_horizontal(rest)) if rest else out


def latest_full_year(episodes: pl.DataFrame, today: date) -> int:
    """The default year: the latest year with episode data that has ended by `today`.

    Data in the current year does not count (the year is not over); with no data at all the
    previous calendar year is returned.
    """
    last = episodes.select(pl.max_horizontal(pl.col("start_date").max(),
                                             pl.col("end_date").max())).item()
    if last is None or last.year >= today.year:
        return today.year - 1
    return last.year
