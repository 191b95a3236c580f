"""The metrics layer: pure polars functions from input frames to KPIs (docs/KPI.md).

No I/O, no clock, no Streamlit or SQLAlchemy. Pages call the `public_*` functions, which
apply disclosure control; the command line may call `compute_kpis` directly. An app that
queries the same frames many times may pass them through `prepare` once (faster filters).
"""

from metrics.compare import Comparison, KpiComparison, compare
from metrics.disclosure import suppress_kpis, suppress_table, suppress_value, too_few
from metrics.distributions import distributions, income_flow
from metrics.engine import compute_kpis
from metrics.frames import prepare
from metrics.periods import (
    data_cutoff,
    half_year_period,
    opening_year,
    partly_reported,
    quarter_period,
    year_period,
)
from metrics.public import (
    public_breakdown,
    public_distributions,
    public_income_flow,
    public_kpis,
    public_nns_table,
    public_trend,
    public_volume_results,
)
from metrics.result import KpiResult
from metrics.selection import Selection, filter_episodes, latest_full_year
from metrics.views import breakdown, trend

__all__ = [
    "Comparison", "KpiComparison", "KpiResult", "Selection", "breakdown", "compare",
    "compute_kpis", "data_cutoff", "distributions",
    "filter_episodes", "half_year_period", "income_flow", "latest_full_year", "opening_year",
    "partly_reported", "prepare", "public_breakdown",
    "public_distributions", "public_income_flow", "public_kpis", "public_nns_table",
    "public_trend", "public_volume_results",
    "quarter_period", "suppress_kpis", "suppress_table", "suppress_value", "too_few", "trend",
    "year_period",
]
