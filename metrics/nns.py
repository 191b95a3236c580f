"""NNS indicator survey (KPI.md "NNS indicators").

Per förbund, the current measurement period is the latest one ending inside the selected
period and the previous one is the latest ending before it. Several rows (insatser,
förbund, questions) combine weighted by Antal svar; the response rate combines as
Σ answers / Σ asked. `nns_positive_change` is in percentage points (5.0 = +5 pp).
"""

from __future__ import annotations

import polars as pl

from metrics.periods import parse_period
from metrics.selection import Selection, insats_predicate

KEYS = ("nns_positive", "nns_clearly_positive", "nns_negative", "nns_n", "nns_response_rate",
        "nns_positive_change")
QUESTION = ["indicator", "question", "respondent_group", "sex"]
#: Episode Kön -> the NNS rows reported for it (the survey has Samtliga, Kvinnor and Män).
SEX_ROWS = {"Kvinna": "Kvinnor", "Man": "Män"}


def sex_level(sel: Selection) -> str:
    """The NNS rows (sex) the headline KPIs use.

    Kvinnor or Män when the selection's Kön filter is exactly Kvinna or Man, else Samtliga
    (then the Kön filter does not apply to NNS).

    >>> from datetime import date
    >>> sex_level(Selection(("F",), date(2023, 1, 1), date(2023, 12, 31), kon=("Man",)))
    'Män'
    """
    return SEX_ROWS.get(sel.kon[0], "Samtliga") if len(sel.kon) == 1 else "Samtliga"


def _weighted(col: str) -> pl.Expr:
    w = pl.col("n_answers").filter(pl.col(col).is_not_null())
    den = w.sum()
    return pl.when(den > 0).then((pl.col(col) * pl.col("n_answers")).sum() / den)


def _aggs() -> list[pl.Expr]:
    rr = pl.col("response_rate")
    ok = rr.is_not_null() & (rr > 0)
    asked = (pl.col("n_answers") / rr).filter(ok).sum()
    return [
        _weighted("positive").alias("nns_positive"),
        _weighted("clearly_positive").alias("nns_clearly_positive"),
        _weighted("negative").alias("nns_negative"),
        pl.col("n_answers").sum().cast(pl.Int64).alias("nns_n"),
        pl.when(asked > 0).then(pl.col("n_answers").filter(ok).sum() / asked)
        .alias("nns_response_rate"),
    ]


def current_and_previous(indicators: pl.DataFrame, sel: Selection,
                         by: str = "forbund") -> tuple[pl.DataFrame, pl.DataFrame]:
    """Rows of the current and of the previous measurement period, per förbund (or `by`).

    `metrics.compare` passes `by="insats"` for the insatser of one förbund: each insats
    alone has the periods it would have as the only one selected.
    """
    rows = indicators.filter(insats_predicate(sel))
    ends = {t: p[1] for t in rows["measurement_period"].unique().to_list()
            if (p := parse_period(t)) is not None}
    if not ends:
        return rows.clear(), rows.clear()
    rows = rows.filter(pl.col("measurement_period").is_in(list(ends))).with_columns(
        _end=pl.col("measurement_period").replace_strict(ends, return_dtype=pl.Date))
    inside = rows.filter(pl.col("_end").is_between(*sel.period))
    cur_end = inside.group_by(by).agg(_cur=pl.col("_end").max())
    current = inside.join(cur_end, on=by).filter(pl.col("_end") == pl.col("_cur"))
    before = rows.join(cur_end, on=by).filter(pl.col("_end") < pl.col("_cur"))
    previous = before.filter(pl.col("_end") == pl.col("_end").max().over(by))
    return current, previous


def nns_kpis(indicators: pl.DataFrame, sel: Selection) -> tuple[dict, dict]:
    """Headline NNS KPIs over every question, on the rows of `sex_level(sel)`.

    A single Kön (Kvinna or Man) uses the Kvinnor or Män rows as the data has them: when the
    period has none, the KPIs are missing, never the Samtliga figures in their place.
    Also returns `{"period": [...], "previous": [...], "sex": ...}`: what was used.
    """
    level = sex_level(sel)
    current, previous = (f.filter(pl.col("sex") == level)
                         for f in current_and_previous(indicators, sel))
    meta = _meta(sorted(current["measurement_period"].unique().to_list()),
                 sorted(previous["measurement_period"].unique().to_list()), level)
    if current.is_empty():
        return dict.fromkeys(KEYS), meta
    now = current.select(_aggs()).row(0, named=True)
    before = previous.select(_aggs()).row(0, named=True) if not previous.is_empty() else {}
    now["nns_positive_change"] = _change(now["nns_positive"], before.get("nns_positive"))
    return now, meta


def nns_kpis_by(indicators: pl.DataFrame, sel: Selection, by: str) -> dict[str, tuple[dict, dict]]:
    """`nns_kpis` of every unit of `sel` at once: unit (value of `by`) -> (values, meta).

    `sel` covers every unit (`metrics.compare`); a unit is one förbund (`by="forbund"`) or
    one insats of a single förbund (`by="insats"`). Units without rows are left out.
    """
    current, previous = current_and_previous(indicators, sel, by)
    return _per_unit(current, previous, by, sex_level(sel))


def no_rows(sel: Selection) -> tuple[dict, dict]:
    """What `nns_kpis` gives a selection without NNS rows."""
    return dict.fromkeys(KEYS), _meta([], [], sex_level(sel))


def _change(positive: float | None, previous: float | None) -> float | None:
    """The change in share positive, in percentage points."""
    return None if positive is None or previous is None else (positive - previous) * 100


def _meta(period: list, previous: list, level: str) -> dict:
    return {"period": period, "previous": previous, "sex": level}


def _per_unit(current: pl.DataFrame, previous: pl.DataFrame, by: str,
              level: str) -> dict[str, tuple[dict, dict]]:
    """The KPIs and meta per value of `by`, over the rows of sex `level`."""
    periods = pl.col("measurement_period").unique().alias("_periods")
    now = current.filter(pl.col("sex") == level).group_by(by).agg(*_aggs(), periods)
    before = previous.filter(pl.col("sex") == level).group_by(by).agg(
        _aggs()[0].alias("_prev"), periods)
    out: dict[str, tuple[dict, dict]] = {}
    prev = {str(r[by]): r for r in before.iter_rows(named=True)}
    for row in now.iter_rows(named=True):
        unit = str(row.pop(by))
        b = prev.pop(unit, {})
        values = {k: row[k] for k in KEYS[:-1]}
        values["nns_positive_change"] = _change(values["nns_positive"], b.get("_prev"))
        out[unit] = values, _meta(sorted(row["_periods"]), sorted(b.get("_periods", [])),
                                  level)
    for unit, b in prev.items():  # earlier rows of this sex, none in the current period
        out[unit] = dict.fromkeys(KEYS), _meta([], sorted(b["_periods"]), level)
    return out


def nns_table(indicators: pl.DataFrame, sel: Selection) -> pl.DataFrame:
    """One row per indicator, question, respondent group and sex of the current period.

    With the change in share positive vs the previous period, in percentage points.
    """
    current, previous = current_and_previous(indicators, sel)
    now = current.group_by(QUESTION).agg(_aggs())
    before = previous.group_by(QUESTION).agg(_aggs()[0].alias("_prev"))
    return (now.join(before, on=QUESTION, how="left", nulls_equal=True)
            .with_columns(((pl.col("nns_positive") - pl.col("_prev")) * 100)
                          .alias("nns_positive_change"))
            .drop("_prev").sort(QUESTION))
