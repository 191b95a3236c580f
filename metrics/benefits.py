"""Benefits in the population (KPI.md "Benefits"): helårsekvivalenter from SCB.

The area is `Selection.omrade`, or else the areas named like the selected förbund
("Samordningsförbundet Västerås" -> "Västerås"). The year is the latest with data on or
before the period's last year (SCB publishes late); the year used is returned.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from metrics.selection import Selection

KEYS = ("fye_benefits", "fye_benefits_share")
_PREFIX = re.compile(r"^(samordningsförbundet|samordningsförbund|finsam)\s+", re.IGNORECASE)


def default_areas(forbund: tuple[str, ...], areas: list[str]) -> tuple[str, ...]:
    """Areas whose name matches a förbund's name without its "Samordningsförbundet" prefix.

    >>> default_areas(("Samordningsförbundet Västerås",), ["Västerås", "Riket"])
    ('Västerås',)
    """
    wanted = {_PREFIX.sub("", f).strip().casefold() for f in forbund} | {
        f.casefold() for f in forbund}
    return tuple(a for a in areas if a.casefold() in wanted)


def benefit_kpis(benefit_fye: pl.DataFrame, sel: Selection,
                 benefits: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """Helårsekvivalenter of the selected benefits and their share of the population 20–64.

    Sex Samtliga is used (Kvinnor + Män when Samtliga is missing).
    Returns the values and `{"year", "areas"}` actually used. Participant filters never
    apply. Population is counted once per area, not once per benefit row.
    """
    none = dict.fromkeys(KEYS)
    areas = selected_areas(sel, benefit_fye["area"].unique().to_list())
    rows = benefit_fye.filter(pl.col("area").is_in(list(areas))
                              & (pl.col("year") <= sel.date_to.year))
    if benefits:
        rows = rows.filter(pl.col("benefit").is_in(list(benefits)))
    if rows.is_empty():
        return none, {"year": None, "areas": areas}
    year = rows["year"].max()
    rows = rows.filter(pl.col("year") == year).filter(_one_sex_level("area"))
    fye = float(rows["fye"].sum())
    population = (rows.group_by("area", "sex").agg(pl.col("population_20_64").max())
                  ["population_20_64"])
    pop = population.sum() if population.null_count() == 0 else None
    return _values(fye, pop), {"year": year, "areas": areas}


def _one_sex_level(*area: str) -> pl.Expr:
    """Samtliga where the area has it, else Kvinnor + Män (never both: double counting)."""
    return (pl.when((pl.col("sex") == "Samtliga").any().over(*area))
            .then(pl.col("sex") == "Samtliga")
            .otherwise(pl.col("sex").is_in(["Kvinnor", "Män"])))


def _values(fye: float, pop: int | None) -> dict:
    return {"fye_benefits": fye, "fye_benefits_share": fye / pop if pop else None}


def selected_areas(sel: Selection, areas: list[str]) -> tuple[str, ...]:
    """`sel.omrade`, else the `areas` named like the selected förbund."""
    return sel.omrade or default_areas(sel.forbund, areas)


def benefit_kpis_by(benefit_fye: pl.DataFrame, areas: Mapping[str, tuple[str, ...]],
                    last_year: int, benefits: tuple[str, ...] = ()) -> dict[str, tuple[dict, dict]]:
    """`benefit_kpis` of many units at once: unit -> (values, meta).

    `areas`: each unit's areas (`default_areas` of one förbund, say); `last_year`: the
    period's last year. Each unit has its own latest year with data.
    """
    pairs = [(u, a) for u, unit_areas in areas.items() for a in dict.fromkeys(unit_areas)]
    units = pl.DataFrame(pairs, schema={"_unit": pl.String, "area": pl.String}, orient="row")
    rows = benefit_fye.filter(pl.col("year") <= last_year)
    if benefits:
        rows = rows.filter(pl.col("benefit").is_in(list(benefits)))
    rows = (rows.with_columns(pl.col("area").cast(pl.String)).join(units, on="area")
            .filter(pl.col("year") == pl.col("year").max().over("_unit")))
    years = rows.group_by("_unit").agg(pl.col("year").first())
    rows = rows.filter(_one_sex_level("_unit", "area"))
    population = (rows.group_by("_unit", "area", "sex").agg(pl.col("population_20_64").max())
                  .group_by("_unit").agg(pl.when(pl.col("population_20_64").null_count() == 0)
                                         .then(pl.col("population_20_64").sum()).alias("_pop")))
    # a unit whose rows are all of another sex still has its year: 0 fye, no share
    sums = (years.join(rows.group_by("_unit").agg(pl.col("fye").sum()), on="_unit", how="left")
            .join(population, on="_unit", how="left"))
    out = {u: (dict.fromkeys(KEYS), {"year": None, "areas": a}) for u, a in areas.items()}
    for unit, year, fye, pop in sums.iter_rows():
        out[unit] = _values(float(fye or 0.0), pop), {"year": year, "areas": areas[unit]}
    return out
