"""Vectorised cell parsers: polars expressions over a column of raw cell text.

Every parser returns the typed value, or null where the text could not be read; a failure is
then `failed(raw, value)` (text present, no value), so validation can report it row by row.
Cells arrive as text from CSV and from fastexcel (`dtypes="string"`), which writes numeric
cells as `25` or `12.5` and date cells as `2023-03-31 00:00:00`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date

import polars as pl

from loaders.contract import Column, header_key
from metrics.periods import canonical_report_period

_NUMBER = r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"
# Trailing currency and the Swedish "kronor, no öre" marks: `867 000:-`, `100,-`, `664 000 kr`.
_CURRENCY_TAIL = r"(?i)(?:kr\.?|sek|[:,.][-\u2013\u2212])+$"
_ISO = r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"


def via_distinct(df: pl.DataFrame, column: str, parse: Callable[[pl.Expr], pl.Expr],
                 dtype: pl.DataType) -> pl.Expr:
    """`parse(pl.col(column))`, computed once per distinct text and mapped back to the rows.

    A 100,000-row sheet has few distinct dates, codes or amounts, so the regexes run on a
    few thousand texts instead of every row.
    """
    distinct = df.select(pl.col(column).unique())
    parsed = distinct.select(pl.col(column), parse(pl.col(column)).cast(dtype).alias("value"))
    return pl.col(column).replace_strict(parsed[column], parsed["value"], default=None,
                                         return_dtype=dtype)


def text(raw: pl.Expr) -> pl.Expr:
    """Stripped text; blank cells (also only spaces or non-breaking spaces) become null."""
    s = raw.str.strip_chars()
    return pl.when(s.str.len_chars() > 0).then(s)


def failed(raw: pl.Expr, value: pl.Expr) -> pl.Expr:
    """True where a cell has text but no value could be read from it."""
    return text(raw).is_not_null() & value.is_null()


def _number_text(raw: pl.Expr) -> pl.Expr:
    """Normalise Swedish number writing to `-1234.5` text (may still be no number)."""
    s = text(raw).str.replace_all(r"\s", "")  # \s is Unicode: also NBSP, thin spaces
    s = s.str.replace(_CURRENCY_TAIL, "").str.replace(r"^[\u2212\u2013]", "-")
    s = s.str.replace(r"^\+", "")
    n_comma = s.str.count_matches(",", literal=True)
    n_dot = s.str.count_matches(".", literal=True)
    return (
        # 1.923.361,50: dots group thousands, the comma is the decimal mark
        pl.when((n_comma == 1) & (n_dot >= 1)).then(
            s.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(n_comma > 1).then(s.str.replace_all(",", "", literal=True))
        .when(n_dot > 1).then(s.str.replace_all(".", "", literal=True))
        .otherwise(s.str.replace(",", ".", literal=True))
    )


def number(raw: pl.Expr) -> pl.Expr:
    """A Float64 from `1 923 361 kr`, `867 000: -`, `−19 875`, `8,1`, `12.5`; else null."""
    s = _number_text(raw)
    return pl.when(s.str.contains(_NUMBER)).then(s.cast(pl.Float64, strict=False))


def has_percent_sign(raw: pl.Expr) -> pl.Expr:
    """True where the cell ends with a percent sign (`25 %`, `25,0%`)."""
    return text(raw).str.contains(r"%\s*$").fill_null(False)


def percent(raw: pl.Expr) -> pl.Expr:
    """A fraction from `25`, `25 %`, `25,0%`, `8,1%` (all read as percent): 25 -> 0.25."""
    return number(text(raw).str.replace(r"\s*%$", "")) / 100


def is_whole(value: pl.Expr) -> pl.Expr:
    """True where a number has no decimals (`25.0` counts as whole)."""
    return value == value.round(0)


def date_(raw: pl.Expr, today: date) -> pl.Expr:
    """A Date from `2023-03-31` (also Excel date cells), `20230331` or `230331`; else null.

    Six digits are YYMMDD: 20YY when YY is at most this year's last two digits, else 19YY.
    """
    s = text(raw)
    iso = s.str.extract_groups(_ISO)
    pivot = today.year % 100
    yy = s.str.slice(0, 2).cast(pl.Int32, strict=False)
    century = pl.when(yy <= pivot).then(pl.lit("20")).otherwise(pl.lit("19"))
    ymd = (
        pl.when(s.str.contains(r"^\d{8}$")).then(s)
        .when(s.str.contains(r"^\d{6}$")).then(pl.concat_str(century, s))
        .when(iso.struct.field("1").is_not_null()).then(pl.concat_str(
            iso.struct.field("1"),
            iso.struct.field("2").str.zfill(2),
            iso.struct.field("3").str.zfill(2)))
    )
    return ymd.str.strptime(pl.Date, "%Y%m%d", strict=False)


def date_text(raw: pl.Expr) -> pl.Expr:
    """Text, with Excel date cells (`2023-03-31 00:00:00`) shown as `2023-03-31`.

    For text columns such as a Volymer `Period` that may hold a date.
    """
    s = text(raw)
    return pl.when(s.str.contains(r"^\d{4}-\d{2}-\d{2} 00:00:00$")).then(s.str.slice(0, 10)) \
        .otherwise(s)


def long_text(raw: pl.Expr) -> pl.Expr:
    r"""Text of several lines: stripped, line breaks as `\n` (also Windows' `\r\n`)."""
    return text(raw).str.replace_all("\r\n", "\n", literal=True) \
        .str.replace_all("\r", "\n", literal=True)


def report_period(raw: pl.Expr) -> pl.Expr:
    """A report period in its one spelling (`2024`, `2024 H1`, `2024 Q3`, a range); else null.

    Runs in Python per text: meant for `via_distinct`, where a sheet has a handful of periods.
    """
    return date_text(raw).map_elements(canonical_report_period, return_dtype=pl.String)


def code_mapping(column: Column, seen: Iterable[str]) -> dict[str, str]:
    """Map each distinct cell text to the column's canonical value (unknown texts left out).

    Matching is as forgiving as for headers (`header_key`) and knows the column's synonyms.
    Runs in Python over the distinct values only, which are few even in a large sheet.
    """
    canonical: dict[str, str] = {header_key(v): v for v in column.values}
    for alias, value in column.synonyms.items():
        canonical.setdefault(header_key(alias), value)
    out = {}
    for text_ in seen:
        key = header_key(text_)
        if key in canonical:
            out[text_] = canonical[key]
        elif column.open_values:
            out[text_] = text_
    return out


def mapped(raw: pl.Expr, mapping: Mapping[str, str | None]) -> pl.Expr:
    """Replace stripped cell texts through `mapping`; texts not in it become null."""
    return text(raw).replace_strict(dict(mapping), default=None, return_dtype=pl.String)
