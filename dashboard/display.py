"""Shared display helpers without Streamlit: Swedish KPI texts, display tables, chart style.

Pure functions over disclosure-controlled data, used by the pages (through `dashboard.ui`,
which re-exports them), by `dashboard.charts` and by the report builder (`reports.content`),
which runs without Streamlit (the command line). `display_table` turns hidden cells into
their labels ("<5", "för få") before anything is drawn, downloaded or printed.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

from dashboard import fmt
from metrics.disclosure import SHARES, Shown, explanation
from metrics.disclosure import label as hidden_label
from metrics.registry import BY_KEY, Unit
from metrics.result import KpiResult

# The app's chart look, set once: naming a template on each figure re-validates it (~15 ms
# per chart), the default template is built once per process.
pio.templates.default = "plotly_white"

#: Status -> (Material icon, Swedish text, badge colour). The badge's text and icon carry
#: the meaning, not colour alone; Material icons ship with Streamlit's own font, where an
#: emoji shows as an empty box on a PC without an emoji font.
STATUS = {"met": (":material/check_circle:", "Mål uppfyllt", "green"),
          "near": (":material/error:", "Nära målet", "orange"),
          "not_met": (":material/cancel:", "Mål ej uppfyllt", "red")}
#: What a share card says under its value about its base (`count_text`).
OF = "av"
#: A payback time whose revenue is zero or negative (KPI.md).
NOT_REACHED = "Nås inte"
#: Where a socioeconomic figure comes from (`meta["socioeconomic_source"]`).
SOCIO_SOURCES = {"evaluation": "uppladdad utvärdering", "estimate": "inbyggd uppskattning"}
#: Selection field -> Swedish name, as the sidebar labels the filters.
FILTER_NAMES = {"grupp": "Grupp", "kon": "Kön", "remittent": "Remittent",
                "aldersgrupp": "Åldersgrupp", "forsorjning_fore": "Försörjning före",
                "utbildningsniva": "Utbildningsnivå"}
#: Dark-to-light blues plus a dark grey: distinguishable in colour and in greyscale print.
PALETTE = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#525252", "#969696", "#d9d9d9"]
TARGET_COLOUR = "#b2182b"


def kpi_text(result: KpiResult, key: str, threshold: int, part: str | None = None, *,
             short: bool = False) -> str:
    """A KPI's value as shown: formatted, or the disclosure label when hidden.

    `<5`, `för få`, `..`, or `< 24 %` for a share shown as an upper bound.
    """
    why = result.disclosure.get(key)
    if why and (lbl := hidden_label(why, threshold, result.upper_bounds.get(key))):
        return lbl
    if key == "payback_months" and part in (result.meta.get("payback_not_reached") or ()):
        return NOT_REACHED
    value = result.values.get(key)
    if isinstance(value, dict):
        value = value.get(part) if part else None
    return fmt.kpi_value(key, value, short=short)


def with_exact(help_text: str, result: KpiResult, key: str, threshold: int,
                part: str | None = None) -> str:
    """The help text, plus the exact amount when the card shows it in millions.

    For a hidden value (or one shown as an upper bound) the help says why instead.
    """
    if why := result.disclosure.get(key):
        return f"{help_text}\n\n{explanation(why, threshold)}"
    short = kpi_text(result, key, threshold, part, short=True)
    exact = kpi_text(result, key, threshold, part)
    return help_text if short == exact else f"{help_text}\n\nExakt: {exact}"


def target_text(result: KpiResult, key: str) -> str | None:
    """`Mål: minst 25,0 %` (with the direction), or None without a target.

    A target that mixes different insats targets by the selection's counts moves with the
    filters (studier 9,3 % unfiltered, 7,1 % for women): it says so.
    """
    target = result.values.get(f"{key}_target")
    if target is None or isinstance(target, dict):
        return None
    direction = (result.meta.get("target_directions") or {}).get(key) \
        or BY_KEY[key].target_direction
    text = f"Mål: {direction} {fmt.kpi_value(key, target)}"
    if key in (result.meta.get("weighted_targets") or ()):
        text += " (insatsernas mål vägda efter urvalet)"
    return text


def status_text(result: KpiResult, key: str) -> str | None:
    """`Mål uppfyllt` / `Nära målet` / `Mål ej uppfyllt`; None without a status to show."""
    status = result.target_status.get(key)
    if status is None or key in result.disclosure:
        return None
    return STATUS[str(status)][1]


def target_sentence(result: KpiResult, key: str) -> str | None:
    """The target and its status in one sentence, for a text alternative."""
    text = target_text(result, key)
    if text and (words := status_text(result, key)):
        text += f" – {words}"
    return text


def count_text(result: KpiResult, key: str, threshold: int) -> str | None:
    """The count and base of a share of people: `11 av 63 fullföljda`, `< 5 av 63 …`.

    Only where the share and its base are both shown (then the count follows from them
    anyway): a share shown as an upper bound gives `< t`, a share hidden for its
    neighbours `..`; None when the base is hidden or the KPI is no share of people.
    """
    if key not in SHARES:
        return None
    base = result.base_n.get(key)
    if base is None or (base and 0 < base < threshold):
        return None
    why = result.disclosure.get(key)
    noun = BY_KEY[BY_KEY[key].denominator].noun
    if why == Shown.UPPER_BOUND:
        count = f"< {threshold}"
    elif why:
        if why != Shown.SECONDARY:
            return None
        count = ".."
    else:
        value = result.values.get(key)
        if not isinstance(value, int | float):
            return None
        count = fmt.number(round(value * base))
    return f"{count} {OF} {fmt.number(base)} {noun}"


def source_text(result: KpiResult, quote: Callable[[str], str] = str) -> str | None:
    """`Källa: uppladdad utvärdering (2023)` or `Källa: inbyggd uppskattning`.

    Every payback time names its source: an evaluation and the app's own estimate can
    differ by years, and a board must know which one it is reading. The evaluation's
    periods come from an upload: `quote` escapes them for where the text goes.
    """
    source = result.meta.get("socioeconomic_source")
    if source not in SOCIO_SOURCES:
        return None
    text = f"Källa: {SOCIO_SOURCES[str(source)]}"
    periods = result.meta.get("socioeconomic_periods") or ()
    if source == "evaluation" and periods:
        text += f" ({quote(', '.join(map(str, periods)))})"  # type: ignore[call-overload]
    return text


def whole_insats_text(result: KpiResult, key: str) -> str | None:
    """`Gäller hela insatsen – Kön och Remittent påverkar inte värdet`.

    For a figure of the whole insats (capacity, budget, costs, evaluations) when filters
    that do not apply to it are in use.
    """
    ignored = result.ignored_filters.get(key)
    if not ignored:
        return None
    names = [FILTER_NAMES.get(f, f) for f in ignored]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}"
    return f"Gäller hela insatsen – {listed} påverkar inte värdet."


def display_table(df: pl.DataFrame, columns: dict[str, str], threshold: int) -> pl.DataFrame:
    """Select and rename `columns` (code -> Swedish header) as Swedish text cells.

    Numeric KPI columns are formatted by their registry unit; cells hidden by disclosure
    control show their label (a share shown as an upper bound `< 24 %`, from
    `<code>_upper_bound`); other numbers get Swedish separators.
    """
    out = []
    for code, header in columns.items():
        status, bound = f"{code}_status", f"{code}_upper_bound"
        values = df[code].to_list()
        statuses = df[status].to_list() if status in df.columns else [None] * df.height
        bounds = df[bound].to_list() if bound in df.columns else [None] * df.height
        out.append(pl.Series(header, [
            (lbl if s and (lbl := hidden_label(s, threshold, b)) else _cell(code, v))
            for v, s, b in zip(values, statuses, bounds, strict=True)
        ], dtype=pl.String))
    return pl.DataFrame(out)


def _cell(code: str, value) -> str:
    if value is None:
        return fmt.MISSING
    if code in BY_KEY:
        return fmt.kpi_value(code, value)
    if isinstance(value, float):
        return fmt.number(value, 0 if value.is_integer() else 1)
    if isinstance(value, int):
        return fmt.number(value)
    return str(value)


def style(fig: go.Figure, title: str, unit: Unit | None = None) -> go.Figure:
    """Swedish separators, explicit tick formats, readable title and colours."""
    tick = {Unit.SHARE: ".0%", Unit.KR: ",.0f", Unit.COUNT: ",.0f"}.get(unit, ",.1f")
    fig.update_layout(separators=", ", title={"text": title, "font": {"size": 16}},
                      colorway=PALETTE, height=380,
                      margin={"l": 10, "r": 10, "t": 60, "b": 10},
                      legend={"orientation": "h", "y": -0.2})
    if unit is Unit.SHARE:  # d3 writes "60%"; Swedish is "60 %"
        fig.update_yaxes(**percent_ticks(_highest_y(fig)))
    elif unit is Unit.KR:  # as the cards: "24,2 mnkr", not 24 200 000
        fig.update_yaxes(**money_ticks(_lowest_y(fig), _highest_y(fig)))
    else:
        fig.update_yaxes(tickformat=tick)
    return fig


_MONEY_UNITS = ((1_000_000, "mnkr"), (1_000, "tkr"), (1, "kr"))


def money_ticks(low: float, high: float) -> dict:
    """Axis ticks in one unit for the whole chart, like the cards: `10 mnkr`, `500 tkr`.

    >>> money_ticks(0, 24_200_000)["ticktext"][:3]
    ['0 mnkr', '5 mnkr', '10 mnkr']
    """
    low, high = min(low, 0.0), max(high, 1.0)
    span = high - low
    scale, name = next((s, n) for s, n in _MONEY_UNITS if max(abs(low), high) >= s or s == 1)
    step = next((m * 10 ** e for e in range(0, 12) for m in (1, 2, 5)
                 if span / (m * 10 ** e) <= 6), 10 ** 12)
    first = math.floor(low / step + 1e-9)
    values = [i * step for i in range(first, math.floor(high / step + 1e-9) + 2)]
    decimals = next(d for d in (0, 1, 2) if all(abs(round(v / scale, d) - v / scale) < 1e-9
                                                 for v in values) or d == 2)
    return {"tickmode": "array", "tickvals": values,
            "ticktext": [f"{fmt.number(v / scale, decimals)} {name}" for v in values]}


def percent_ticks(top: float) -> dict:
    """Axis settings with ticks from 0 to above `top` (a share), written `60 %`."""
    top = max(top, 0.01)
    step = next((s for s in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0, 2.0, 5.0)
                 if top / s <= 6), 10.0)
    values = [round(i * step, 6) for i in range(math.floor(top / step + 1e-9) + 2)]
    return {"tickmode": "array", "tickvals": values,
            "ticktext": [fmt.percent(v, 0) for v in values]}


def _highest_y(fig: go.Figure) -> float:
    """The largest y among traces, horizontal lines and a set axis range."""
    found = [y for trace in fig.data for y in (getattr(trace, "y", None) or ())
             if isinstance(y, int | float)]
    found += [shape.y0 for shape in fig.layout.shapes if isinstance(shape.y0, int | float)]
    if fig.layout.yaxis.range:
        found.append(fig.layout.yaxis.range[1])
    return max(found, default=1.0)


def _lowest_y(fig: go.Figure) -> float:
    """The smallest y among traces (0 when none is negative)."""
    found = [y for trace in fig.data for y in (getattr(trace, "y", None) or ())
             if isinstance(y, int | float)]
    return min([0.0, *found])


def add_target(fig: go.Figure, target: float | None, key: str) -> None:
    """A dashed target line with its value written out."""
    if target is not None:
        fig.add_hline(y=target, line_dash="dash", line_color=TARGET_COLOUR,
                      annotation_text=f"Mål {fmt.kpi_value(key, target)}",
                      annotation_position="top left")


def too_few_message(result: KpiResult, threshold: int) -> tuple[str, str] | None:
    """The notice a page shows instead of participant numbers: `(level, Swedish text)`.

    Level `info` (no data, no participants) or `warning` (fewer than `threshold` episodes:
    the numbers are not shown); None when the numbers may be shown.
    """
    n = result.episodes_n
    if n is None and result.meta.get("too_few"):  # 1-4 episodes: the count is hidden too
        n = 1
    if n is None:
        return "info", "Det finns inga deltagaruppgifter för det här urvalet."
    if n == 0:
        return "info", "Inga deltagare i urvalet under perioden."
    if n < threshold:
        return "warning", (f"Urvalet omfattar färre än {threshold} deltagare. Siffrorna visas "
                           "inte för att skydda enskilda personer – välj ett bredare urval.")
    return None
