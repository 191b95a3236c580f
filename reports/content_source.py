"""Where a report's numbers come from: the calls the pages make, with the pages' arguments.

`Source` answers what `dashboard.data` answers for a page (KPI set, breakdown, trend,
distributions, income flow, NNS table, budget tables), through the same public,
disclosure-controlled functions (`metrics.public_*`), so a report prints what the pages
show, to the digit. With threshold 0 — only the command line's `--suppress 0` — it calls
the unsuppressed functions instead, as `finsam kpi --suppress 0` does.

No Streamlit, no database, no clock: the frames are handed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl

from metrics import budget, nns
from metrics.distributions import distributions, income_flow
from metrics.engine import compute_kpis
from metrics.frames import table
from metrics.periods import parse_period
from metrics.public import (
    public_breakdown,
    public_distributions,
    public_income_flow,
    public_kpis,
    public_nns_table,
    public_trend,
)
from metrics.result import KpiResult
from metrics.selection import Selection
from metrics.views import By, breakdown, trend

Frames = Mapping[str, pl.DataFrame]


class Source:
    """The pages' metric calls over `frames` at one disclosure threshold (0 = off).

    KPI sets are kept per selection: a report asks for the same one from several sections.
    """

    def __init__(self, frames: Frames, threshold: int) -> None:
        if threshold < 0:
            raise ValueError("Tröskeln för röjandekontroll kan inte vara negativ.")
        self.frames = frames
        self.threshold = threshold
        self._kpis: dict[Selection, KpiResult] = {}

    @property
    def controlled(self) -> bool:
        """Whether disclosure control is on (every report but `--suppress 0`)."""
        return self.threshold > 0

    def kpis(self, sel: Selection) -> KpiResult:
        """The KPI set of `sel`: `public_kpis`, or `compute_kpis` when control is off."""
        if sel not in self._kpis:
            self._kpis[sel] = (public_kpis(self.frames, sel, self.threshold)
                               if self.controlled else compute_kpis(self.frames, sel))
        return self._kpis[sel]

    def breakdown(self, sel: Selection, keys: tuple[str, ...], by: By) -> pl.DataFrame:
        """KPIs per group, protected together with the KPI set of `sel`."""
        if self.controlled:
            return public_breakdown(self.frames, sel, keys, by, self.threshold)
        return breakdown(self.frames, sel, keys, by)

    def trend(self, sel: Selection, keys: tuple[str, ...], freq: str) -> pl.DataFrame:
        """KPIs per year, half-year or quarter (`freq`), protected with the KPI set."""
        if self.controlled:
            return public_trend(self.frames, sel, keys, freq, self.threshold)
        return trend(self.frames, sel, keys, freq)  # type: ignore[arg-type]

    def distributions(self, sel: Selection) -> dict[str, pl.DataFrame]:
        """Age, education, time in public support, time in insats, exit reason."""
        if self.controlled:
            return public_distributions(self.frames, sel, self.threshold)
        return distributions(self.frames, sel)

    def income_flow(self, sel: Selection) -> pl.DataFrame:
        """Försörjning före → efter counts of the ended episodes."""
        if self.controlled:
            return public_income_flow(self.frames, sel, self.threshold)
        return income_flow(self.frames, sel)

    def nns_table(self, sel: Selection, sex: str | None = None) -> pl.DataFrame:
        """NNS answers per question and respondent group (`data.nns_table`), one `sex`."""
        indicators = table(self.frames, "indicators")
        if self.controlled:
            out = public_nns_table(indicators, sel, self.threshold)
        else:
            out = nns.nns_table(indicators, sel).with_columns(
                nns_neutral=(1 - pl.col("nns_positive") - pl.col("nns_negative")).clip(0, 1)
            ).sort("indicator", "question", "respondent_group", "sex")
        return out.filter(pl.col("sex") == sex) if sex else out

    def nns_periods(self, sel: Selection) -> dict[str, tuple[date, date]]:
        """NNS measurement period -> its dates for the selection, oldest first."""
        rows = table(self.frames, "indicators").filter(pl.col("forbund").is_in(list(sel.forbund)))
        if sel.insatser:
            rows = rows.filter(pl.col("insats").is_in(list(sel.insatser)))
        periods = {t: p for t in rows["measurement_period"].unique().to_list()
                   if (p := parse_period(t)) is not None}
        return dict(sorted(periods.items(), key=lambda item: (item[1][1], item[1][0], item[0])))

    # Budget lines hold no person data: the Ekonomi page's tables, unchanged.

    def budget_by_insats(self, sel: Selection) -> pl.DataFrame:
        """Budget KPIs per insats for the budget year of `date_to` (`data.budget_by_insats`)."""
        lines = budget.selected_lines(table(self.frames, "budget_lines"), sel)
        return budget.by_insats(lines, sel.date_to.year, sel.date_to)

    def budget_by_category(self, sel: Selection, per_insats: bool = False) -> pl.DataFrame:
        """`budget.by_category` of the selected lines (`data.budget_by_category`)."""
        lines = budget.selected_lines(table(self.frames, "budget_lines"), sel)
        if per_insats:
            return budget.by_insats_and_category(lines, sel.date_to.year, sel.date_to)
        return budget.by_category(lines, sel.date_to.year, sel.date_to)
