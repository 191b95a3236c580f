"""Benefits in the population (KPI.md "Benefits"): helårsekvivalenter from SCB.

The area is `Selection.omrade`, or else the areas named like the selected förbund
("Samordningsförbundet Västerås" -> "Västerås"). The year is the latest with data on or
before the period's last year (SCB publishes late); the year used is returned.
"""

from __future__ import annotations

import re

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
    areas = sel.omrade or default_areas(sel.forbund, benefit_fye["area"].unique().to_list())
    rows = benefit_fye.filter(pl.col("area").is_in(list(areas))
                              & (pl.col("year") <= sel.date_to.year))
    if benefits:
        rows = rows.filter(pl.col("benefit").is_in(list(benefits)))
    if rows.is_empty():
        return none, {"year": None, "areas": areas}
    year = rows["year"].max()
    rows = rows.filter(pl.col("year") == year)
    has_total = rows.group_by("area").agg((pl.col("sex") == "Samtliga").any().alias("_t"))
    rows = rows.join(has_total, on="area").filter(
        pl.when(pl.col("_t")).then(pl.col("sex") == "Samtliga")
        .otherwise(pl.col("sex").is_in(["Kvinnor", "Män"])))
    fye = float(rows["fye"].sum())
    population = (rows.group_by("area", "sex").agg(pl.col("population_20_64").max())
                  ["population_20_64"])
    pop = population.sum() if population.null_count() == 0 else None
    return ({"fye_benefits": fye, "fye_benefits_share": fye / pop if pop else None},
            {"year": year, "areas": areas})
