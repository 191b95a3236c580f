"""Periods: years, half-years, quarters, day counts, period texts and the data's cut-off.

Every period is a pair of dates `(from, to)`, both inclusive.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

import polars as pl

Freq = Literal["year", "half", "quarter"]
Period = tuple[date, date]


def year_period(year: int) -> Period:
    """The calendar year `year`.

    >>> year_period(2024)
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    return date(year, 1, 1), date(year, 12, 31)


def half_year_period(year: int, half: int) -> Period:
    """Half-year 1 (Jan–Jun) or 2 (Jul–Dec)."""
    if half not in (1, 2):
        raise ValueError(f"halvår måste vara 1 eller 2, inte {half}")
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1),
                                                                      date(year, 12, 31))


def quarter_period(year: int, quarter: int) -> Period:
    """Quarter 1–4 of `year`.

    >>> quarter_period(2024, 1)
    (datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))
    """
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"kvartal måste vara 1–4, inte {quarter}")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, end - timedelta(days=1)


def period_days(frm: date, to: date) -> int:
    """Days in `[frm, to]`, both ends included (a leap year has 366)."""
    return (to - frm).days + 1


def days_in_year(year: int) -> int:
    """365 or 366."""
    return period_days(*year_period(year))


def period_of(day: date, freq: Freq) -> Period:
    """The year, half-year or quarter containing `day`."""
    if freq == "year":
        return year_period(day.year)
    if freq == "half":
        return half_year_period(day.year, 1 if day.month <= 6 else 2)
    return quarter_period(day.year, (day.month - 1) // 3 + 1)


def period_label(frm: date, freq: Freq) -> str:
    """`2023`, `2023H1` or `2023-Q2` (the spellings the Volymer sheet uses)."""
    if freq == "year":
        return str(frm.year)
    if freq == "half":
        return f"{frm.year}H{1 if frm.month <= 6 else 2}"
    return f"{frm.year}-Q{(frm.month - 1) // 3 + 1}"


def periods_between(first: date, last: date, freq: Freq) -> list[Period]:
    """Consecutive whole periods from the one containing `first` to the one containing `last`."""
    out: list[Period] = []
    cur = period_of(first, freq)
    while cur[0] <= last:
        out.append(cur)
        cur = period_of(cur[1] + timedelta(days=1), freq)
    return out


def data_cutoff(episodes: pl.DataFrame, today: date) -> date | None:
    """The last day the episodes report: the end of the quarter of their latest date.

    Förbund report per quarter, so data whose latest Startdatum or Slutdatum is 2026-08-14 is
    read as reported through 2026-09-30 once that quarter is over; in a quarter still running
    on `today` it is the latest date itself. Dates after `today` (a planned Slutdatum, which
    the upload allows up to 31 December) are not reported yet and are left out. None without
    any date. Years before the cut-off's year are complete, later ones have no reported
    episodes: only the cut-off's own year can be partly reported.

    >>> eps = pl.DataFrame({"start_date": [date(2026, 2, 3)], "end_date": [date(2026, 8, 14)]})
    >>> data_cutoff(eps, date(2026, 11, 29))
    datetime.date(2026, 9, 30)
    >>> data_cutoff(eps, date(2026, 9, 1))
    datetime.date(2026, 8, 14)
    """
    last = episodes.select(pl.max_horizontal(
        *(pl.col(c).filter(pl.col(c) <= today).max() for c in ("start_date", "end_date"))
    )).item()
    if last is None:
        return None
    quarter_end = period_of(last, "quarter")[1]
    return quarter_end if quarter_end <= today else last


def opening_year(cutoff: date | None, today: date) -> int:
    """The year a view opens on: the cut-off's, even while the data is still in it.

    Without episodes (no cut-off) it is the last calendar year; years that only have budgets
    never decide it, so a budget for next year does not open an empty view.

    >>> opening_year(date(2026, 9, 30), date(2026, 11, 29)), opening_year(None, date(2026, 11, 29))
    (2026, 2025)
    """
    return today.year - 1 if cutoff is None else cutoff.year


def partly_reported(frm: date, to: date, cutoff: date | None) -> bool:
    """True when `[frm, to]` begins on or before the cut-off and ends after it.

    Such a period is still going on in the data; a period wholly after the cut-off has no
    episodes at all and is not called ongoing.

    >>> partly_reported(date(2026, 1, 1), date(2026, 12, 31), date(2026, 9, 30))
    True
    >>> partly_reported(date(2026, 7, 1), date(2026, 9, 30), date(2026, 9, 30))
    False
    """
    return cutoff is not None and frm <= cutoff < to


_DATE = r"(\d{4})-?(\d{2})-?(\d{2})"
_RANGE = re.compile(rf"^{_DATE}\s*(?:–|—|-|/|till)\s*{_DATE}$")


def parse_period(text: str | None) -> Period | None:
    """The dates a period text covers, or None when it cannot be read.

    Accepts `2023`, `2023H1`/`2023-H1`, `2023-Q2`/`2023Q2`, a date (that one day) and a
    range `2022-11-01–2023-10-31`.

    >>> parse_period("2023-Q2")
    (datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))
    >>> parse_period("2017H2")[0]
    datetime.date(2017, 7, 1)
    """
    if text is None:
        return None
    t = str(text).strip().upper().replace(" ", "")
    try:
        if m := re.fullmatch(r"(\d{4})", t):
            return year_period(int(m[1]))
        if m := re.fullmatch(r"(\d{4})-?H([12])", t):
            return half_year_period(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-?Q([1-4])", t):
            return quarter_period(int(m[1]), int(m[2]))
        if m := re.fullmatch(_DATE, t):
            day = date(int(m[1]), int(m[2]), int(m[3]))
            return day, day
        if m := _RANGE.fullmatch(str(text).strip()):
            a = date(int(m[1]), int(m[2]), int(m[3]))
            b = date(int(m[4]), int(m[5]), int(m[6]))
            return (a, b) if a <= b else None
    except ValueError:
        return None
    return None


def report_period(frm: date, to: date) -> str:
    """The text that names a report period, as the sidebar writes it.

    A calendar year is `2024`, a half-year `2024 H1`, a quarter `2024 Q3`; any other range
    is `2024-02-01–2024-05-31`. Report texts are stored under this text, so a custom range
    covering exactly a year finds the year's texts.

    >>> report_period(date(2024, 7, 1), date(2024, 12, 31))
    '2024 H2'
    >>> report_period(date(2024, 2, 1), date(2024, 5, 31))
    '2024-02-01–2024-05-31'
    """
    if (frm, to) == year_period(frm.year):
        return str(frm.year)
    for half in (1, 2):
        if (frm, to) == half_year_period(frm.year, half):
            return f"{frm.year} H{half}"
    for quarter in (1, 2, 3, 4):
        if (frm, to) == quarter_period(frm.year, quarter):
            return f"{frm.year} Q{quarter}"
    return f"{frm.isoformat()}–{to.isoformat()}"


def canonical_report_period(text: str | None) -> str | None:
    """A written report period in `report_period` spelling; None when it names no period.

    Takes what `parse_period` reads except a single day (`2024-06-30` is no report period).

    >>> [canonical_report_period(t) for t in ("2024h1", "2024-Q3", "2024-01-01–2024-12-31")]
    ['2024 H1', '2024 Q3', '2024']
    """
    found = parse_period(text)
    if found is None or found[0] == found[1]:
        return None
    return report_period(*found)


def contained(text: str | None, frm: date, to: date) -> Period | None:
    """The dates of period `text` when they lie wholly within `[frm, to]`, else None.

    A yearly figure is never split: `2023` is not contained in 2023-Q2.
    """
    p = parse_period(text)
    return p if p is not None and frm <= p[0] and p[1] <= to else None
