"""Drawing the Jämförelse page: a strip plot of every förbund, places in words, tables.

Everything here receives the anonymised comparison of `dashboard.compare_data`: points
carry a name only for admin, so a hover, a table or a download can hold no other name.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboard import charts, display, escape, fmt, ui
from dashboard.compare_data import ForbundView, KpiView, split_key, unit_of
from metrics.disclosure import explanation
from metrics.registry import BY_KEY, Unit
from metrics.result import KpiResult

if TYPE_CHECKING:
    from dashboard.filters import Filters

#: The KPI list opens with these (when compared), then every other in registry order.
HEADLINE = ("share_work", "share_studies", "share_rehab", "share_towards_work",
            "share_dropout", "occupancy", "cost_per_fye", "payback_months.Samhället",
            "nns_positive")
#: Rows of the Insatser matrix: what the insatser have targets for, and their costs.
MATRIX_KEYS = ("share_work", "share_studies", "share_rehab", "share_towards_work",
               "share_dropout", "occupancy", "utilisation", "cost_per_fye",
               "cost_per_participant", "payback_months.Samhället", "throughput_months_median")
OWN, OTHERS = "Ert förbund", "Andra förbund"
OWN_COLOUR, OTHER_COLOUR = display.PALETTE[0], display.PALETTE[4]
MEAN_COLOUR, MEDIAN_COLOUR = display.TARGET_COLOUR, display.PALETTE[1]
#: Target status -> cell background in the Insatser matrix (the words carry the meaning).
STATUS_BACKGROUND = {"Mål uppfyllt": "#e3f1e4", "Nära målet": "#fff1dc",
                     "Mål ej uppfyllt": "#fbe3e3"}
#: What the Förbund view compares, said once under the tab.
SCOPE_NOTE = ("Hela förbundet jämförs med varje förbund i installationen under samma period och "
              "med samma deltagarfilter.")
ANONYMOUS_NOTE = " Andra förbund visas utan namn."
NAMES_NOTE = " Som administratör ser du förbundens namn, i diagrammet och under det."
STYRGRUPP_NOTE = ("Som styrgrupp ser du era insatser, inte hela förbundets värde. Diagrammet "
                  "visar därför alla förbund utan att markera ert och utan plats.")
FAILED = "Jämförelsen kunde inte beräknas just nu. Felet är loggat; försök igen senare."
TABLE_HEADERS = ("Nyckeltal", "Ert värde", "Plats", "Medel", "Median", "Min", "Max",
                 "Antal förbund")


def kpi_label(key: str) -> str:
    """`Andel till arbete`; a per-actor key names its actor.

    >>> kpi_label("payback_months.Samhället")
    'Återbetalningstid (mån), Samhället'
    """
    base, part = split_key(key)
    return BY_KEY[base].label + (f", {part}" if part else "")


def compared(kpis: dict[str, KpiView]) -> list[str]:
    """The keys some förbund has a value for (a KPI no förbund has is not offered)."""
    return [k for k, v in kpis.items() if v.n]


def kpi_order(keys) -> list[str]:
    """The headline KPIs first, then the others as the comparison lists them."""
    keys = list(keys)
    return [k for k in HEADLINE if k in keys] + [k for k in keys if k not in HEADLINE]


def value_text(key: str, value: float | None) -> str:
    """A compared value as the page prints it."""
    return fmt.kpi_value(split_key(key)[0], value)


def own_text(view: KpiView, own: KpiResult | None, threshold: int) -> str:
    """The own value; when hidden, its disclosure label (`för få`, `< 24 %`) from `own`."""
    if view.value is not None:
        return value_text(view.key, view.value)
    if own is None:
        return fmt.MISSING
    base, part = split_key(view.key)
    return display.kpi_text(own, base, threshold, part)


def place_text(view: KpiView) -> str | None:
    """`Plats 2 av 6, där högre är bättre`; a neutral KPI counts from the highest value."""
    if view.place is None:
        return None
    where = f"Plats {view.place} av {view.n}"
    match view.direction:
        case "higher":
            return f"{where}, där högre är bättre"
        case "lower":
            return f"{where}, där lägre är bättre"
        case _:
            return f"{where}, räknat från det högsta värdet"


def too_few_text(view: KpiView | None, min_units: int) -> str:
    """Why a distribution is not shown."""
    n = view.n if view else 0
    return (f"Jämförelsen visas när minst {min_units} förbund har ett värde; nu har {n}. "
            "Med färre förbund skulle ett enskilt förbunds värde kunna pekas ut.")


def axis_ticks(unit: Unit, low: float, high: float) -> dict:
    """About five round ticks over the values (not from zero), written as the page writes.

    >>> axis_ticks(Unit.SHARE, 0.164, 0.205)["ticktext"]
    ['16 %', '17 %', '18 %', '19 %', '20 %', '21 %']
    """
    scale = 100 if unit is Unit.SHARE else 1
    span = max(high - low, abs(high) * 0.1, 0.01 if unit is Unit.SHARE else 1.0) * scale
    step = next(m * 10 ** e for e in range(-3, 13) for m in (1, 2, 2.5, 5)
                if span / (m * 10 ** e) <= 6)
    first = math.floor(low * scale / step + 1e-9)
    values = [round(i * step, 6) for i in range(first, math.ceil(high * scale / step - 1e-9) + 1)]
    if len(values) < 2:  # one value (or all alike): a tick either side
        values = [round(values[0] - step, 6), values[0], round(values[0] + step, 6)]
    decimals = 0 if all(float(v).is_integer() for v in values) else 1
    text = {Unit.SHARE: lambda v: f"{fmt.number(v, decimals)} %",
            Unit.KR: lambda v: f"{fmt.number(v)} kr"}.get(unit, lambda v: fmt.number(v, decimals))
    pad = (values[-1] - values[0]) * 0.04 / scale
    return {"tickmode": "array", "tickvals": [v / scale for v in values],
            "ticktext": [text(v) for v in values],
            "range": [values[0] / scale - pad, values[-1] / scale + pad]}


def strip_figure(rows: list[tuple[str, KpiView]], key: str, title: str) -> go.Figure:
    """Every förbund's value as a point per row (Totalt, Kvinnor, Män), the own point marked.

    Others are grey circles whose hover shows only the value (and the name, for admin);
    the own point is a larger dark-blue diamond labelled `Ert förbund`; mean and median are
    short vertical lines labelled under and over each row.
    """
    fig = go.Figure()
    unit = unit_of(key)
    values = [p.value for _, v in rows for p in v.points]
    for i, (_, view) in enumerate(rows):
        others = [p for p in view.points if not p.own]
        offsets = [(0.0, 0.16, -0.16)[j % 3] for j in range(len(others))]
        fig.add_trace(go.Scatter(
            x=[p.value for p in others], y=[i + o for o in offsets], mode="markers",
            name=OTHERS, legendgroup="others", showlegend=i == 0,
            marker={"color": OTHER_COLOUR, "size": 10, "symbol": "circle", "opacity": 0.85,
                    "line": {"color": "#ffffff", "width": 1}},
            customdata=[[value_text(key, p.value), *([p.name] if p.name else [])]
                        for p in others],
            hovertemplate=("%{customdata[1]}: %{customdata[0]}<extra></extra>"
                           if any(p.name for p in others) else
                           "%{customdata[0]}<extra></extra>")))
        for name, stat, colour, dash, end in (("Medel", view.mean, MEAN_COLOUR, "dash", 0),
                                              ("Median", view.median, MEDIAN_COLOUR, "solid", 1)):
            fig.add_trace(go.Scatter(
                x=[stat, stat], y=[i - 0.34, i + 0.34], mode="lines+text", name=name,
                legendgroup=name, showlegend=i == 0,
                line={"color": colour, "dash": dash, "width": 2},
                text=[name, ""] if end == 0 else ["", name],
                textposition=["top center", "bottom center"][end:end + 1] * 2,
                textfont={"color": colour},
                hovertemplate=f"{name}: {value_text(key, stat)}<extra></extra>"))
        for point in (p for p in view.points if p.own):
            fig.add_trace(go.Scatter(
                x=[point.value], y=[i], mode="markers+text", name=OWN, legendgroup="own",
                showlegend=i == 0, text=[OWN], textposition="top center",
                textfont={"color": OWN_COLOUR},
                marker={"color": OWN_COLOUR, "size": 16, "symbol": "diamond",
                        "line": {"color": "#ffffff", "width": 1.5}},
                hovertemplate=f"{OWN}: {value_text(key, point.value)}<extra></extra>"))
    display.style(fig, title)
    fig.update_xaxes(**axis_ticks(unit, min(values, default=0.0), max(values, default=1.0)),
                     zeroline=False, showgrid=True)
    fig.update_yaxes(tickmode="array", tickvals=list(range(len(rows))),
                     ticktext=[label for label, _ in rows], range=[len(rows) - 0.4, -0.6],
                     showgrid=False, zeroline=False)
    fig.update_layout(height=160 + 130 * len(rows), hovermode="closest")
    return fig


def strip_summary(rows: list[tuple[str, KpiView]], key: str) -> str:
    """The chart's text alternative: what it shows, per row the place and the median."""
    parts = [f"Punktdiagram: {kpi_label(key)} för {rows[0][1].n} förbund, ett per punkt."]
    for label, view in rows:
        where = place_text(view)
        own = f"ert förbund {value_text(key, view.value)}, {where[0].lower()}{where[1:]}; " \
            if where else ""
        parts.append(f"{label}: {own}medel {value_text(key, view.mean)}, median "
                     f"{value_text(key, view.median)}.")
    parts.append("Siffrorna finns i tabellen under diagrammet.")
    return " ".join(parts)


def _row(label: str, view: KpiView | None, own: KpiResult | None, threshold: int,
         own_shown: bool, first: str = "Nyckeltal") -> dict[str, str]:
    def stat(value: float | None) -> str:
        return value_text(view.key, value) if view and view.shown else fmt.MISSING

    row = {first: label}
    if own_shown:
        row["Ert värde"] = own_text(view, own, threshold) if view else fmt.MISSING
        row["Plats"] = (f"{view.place} av {view.n}" if view and view.place is not None
                        else fmt.MISSING)
    row |= {"Medel": stat(view and view.mean), "Median": stat(view and view.median),
            "Min": stat(view and view.min), "Max": stat(view and view.max),
            "Antal förbund": fmt.number(view.n if view else 0)}
    return row


def comparison_table(view: ForbundView, own: KpiResult | None, threshold: int) -> pl.DataFrame:
    """Every compared KPI: own value and place (not for styrgrupp), the statistics, n."""
    rows = [_row(kpi_label(k), view.kpis[k], own, threshold, view.own_shown)
            for k in kpi_order(compared(view.kpis))]
    return _frame(rows, view.own_shown)


def sex_table(rows: list[tuple[str, KpiView | None]], own: dict[str, KpiResult | None],
              threshold: int, own_shown: bool) -> pl.DataFrame:
    """One KPI as Totalt / Kvinnor / Män rows (`own`: the own KPIs per row label)."""
    return _frame([_row(label, view, own.get(label), threshold, own_shown, "Kön")
                   for label, view in rows], own_shown, "Kön")


def _frame(rows: list[dict[str, str]], own_shown: bool, first: str = "Nyckeltal") -> pl.DataFrame:
    headers = [first, *(h for h in TABLE_HEADERS[1:]
                        if own_shown or h not in ("Ert värde", "Plats"))]
    return pl.DataFrame(rows, schema=dict.fromkeys(headers, pl.String))


def points_table(view: KpiView) -> pl.DataFrame:
    """Admin only: every förbund's value, best first, with its place."""
    reverse = view.direction != "lower"
    points = sorted(view.points, key=lambda p: p.value, reverse=reverse)
    return pl.DataFrame({
        "Förbund": [p.name or fmt.MISSING for p in points],
        "Värde": [value_text(view.key, p.value) for p in points],
        "Plats": [str(1 + sum((q.value < p.value) if not reverse else (q.value > p.value)
                              for q in points)) for p in points],
    }, schema=dict.fromkeys(("Förbund", "Värde", "Plats"), pl.String))


def trend_frames(views: dict[int, ForbundView | None], key: str,
                 own_shown: bool) -> tuple[go.Figure, pl.DataFrame]:
    """Own value and the median of every förbund per year: a line chart and its table."""
    years, own, median, rows = [], [], [], []
    for year, view in views.items():
        kpi = view.kpis.get(key) if view else None
        shown = kpi is not None and kpi.shown
        years.append(str(year))
        own.append(kpi.value if kpi else None)
        median.append(kpi.median if shown else None)
        row = {"År": str(year)}
        if own_shown:
            row["Ert värde"] = value_text(key, kpi.value if kpi else None)
        row |= {"Median, alla förbund": value_text(key, kpi.median if shown else None),
                "Antal förbund": fmt.number(kpi.n if kpi else 0)}
        rows.append(row)
    fig = go.Figure()
    if own_shown:
        fig.add_trace(go.Scatter(x=years, y=own, mode="lines+markers", name=OWN,
                                 line={"color": OWN_COLOUR, "width": 3},
                                 marker={"symbol": "diamond", "size": 10}))
    fig.add_trace(go.Scatter(x=years, y=median, mode="lines+markers",
                             name="Median, alla förbund",
                             line={"color": MEDIAN_COLOUR, "dash": "dash", "width": 2},
                             marker={"symbol": "circle", "size": 8}))
    display.style(fig, f"{escape.chart_text(kpi_label(key))} per år")
    drawn = [v for v in (*own, *median) if v is not None]
    if drawn:
        fig.update_yaxes(**axis_ticks(unit_of(key), min(drawn), max(drawn)))
    fig.update_xaxes(type="category")
    return fig, pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.String) if rows else None)


def matrix(results: dict[str, KpiResult], threshold: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """KPIs × insatser: each cell the value with its target status in words.

    Returns the display table and a same-shaped table of status words (for the colours).
    """
    cells: dict[str, list[str]] = {"Nyckeltal": [kpi_label(k) for k in MATRIX_KEYS]}
    statuses: dict[str, list[str]] = {"Nyckeltal": [""] * len(MATRIX_KEYS)}
    for name, result in results.items():
        texts, words = [], []
        for key in MATRIX_KEYS:
            base, part = split_key(key)
            text = display.kpi_text(result, base, threshold, part)
            status = display.status_text(result, base)
            target = display.target_text(result, base)
            if status and target:
                text += f" · {status} (mål {target.removeprefix('Mål: ')})"
            texts.append(text)
            words.append(status or "")
        cells[name], statuses[name] = texts, words
    return pl.DataFrame(cells), pl.DataFrame(statuses)


def matrix_with_downloads(table: pl.DataFrame, statuses: pl.DataFrame, name: str) -> None:
    """The matrix with each cell's background by its status (the words say it too)."""
    def colour(column):
        return [f"background-color: {STATUS_BACKGROUND[s]}; color: #111111"
                if s in STATUS_BACKGROUND else "" for s in statuses[column.name].to_list()]

    styled = table.to_pandas().style.apply(colour, axis=0)
    # wide enough for "63,0 % · Mål ej uppfyllt (mål minst 75,0 %)"
    wide = {c: st.column_config.TextColumn(width=300) for c in table.columns[1:]}
    st.dataframe(styled, hide_index=True, width="stretch", column_config=wide,
                 height="content")
    ui.download_buttons(table, name)


def hidden_own_note(own: KpiResult | None, key: str, threshold: int) -> str | None:
    """Why the own value is not among the points: hidden by disclosure control, in words."""
    why = own.disclosure.get(split_key(key)[0]) if own else None
    return f"Ert värde visas inte. {explanation(why, threshold)}" if why else None


#: With Kön chosen in the sidebar: the chart's rows set Kön themselves.
KON_NOTE = (" Diagrammet och tabellen under det visar totalt, kvinnor och män; Kön-filtret "
            "gäller tabellen Alla nyckeltal.")


def scope_note(filters: Filters, names: bool) -> str:
    """What the Förbund view compares, whether names show, and the filters it treats apart."""
    return SCOPE_NOTE + (NAMES_NOTE if names else ANONYMOUS_NOTE) + ignored_note(filters)


def ignored_note(filters: Filters) -> str:
    """` Insats och Grupp gäller inte i den här vyn.` when either is chosen; `KON_NOTE`."""
    names = [n for k, n in (("insats", "Insats"), ("grupp", "Grupp")) if k in filters.active]
    note = f" {' och '.join(names)} gäller inte i den här vyn." if names else ""
    return note + (KON_NOTE if "kon" in filters.active else "")


def subtitle(filters: Filters) -> str:
    """The chart's second line: förbund, period, `hela förbundet`, the participant filters."""
    parts = filters.title.split(" · ")
    rest = [p for p in parts[3:] if not p.startswith("grupp ")]
    return " · ".join([*parts[:2], "hela förbundet", *rest])


def kpi_chooser(kpis: dict[str, KpiView]) -> str:
    """The KPI to draw, headline KPIs first; kept in the URL (`?nyckeltal=share_work`)."""
    options = kpi_order(compared(kpis))
    return st.selectbox("Nyckeltal", options, format_func=kpi_label, key="nyckeltal",
                        bind="query-params")


def draw_distribution(rows: list[tuple[str, KpiView | None]], key: str, min_units: int,
                      own: dict[str, KpiResult | None], threshold: int, title: str,
                      own_shown: bool) -> None:
    """The strip plot of one KPI (rows with enough förbund), places in words, its T/K/M table.

    With too few förbund in the Totalt row, a notice instead of the chart.
    """
    shown = [(label, v) for label, v in rows if v is not None and v.shown]
    if not shown:
        st.info(too_few_text(rows[0][1], min_units), icon=":material/group_off:")
    else:
        lines = []
        for label, view in shown:
            if own_shown and (where := place_text(view)):
                lines.append(f"**{label}:** {where}.")
            elif own_shown and (note := hidden_own_note(own.get(label), key, threshold)):
                lines.append(f"**{label}:** {note}")
        if lines:
            st.markdown("  \n".join(lines))
        ui.chart(strip_figure(shown, key, charts.titled(kpi_label(key), title)),
                 "jamforelse_chart", summary=strip_summary(shown, key))
    missing = [label for label, v in rows[1:] if v is None or not v.shown]
    if shown and missing:
        st.caption(f"{' och '.join(missing)}: {too_few_text(dict(rows)[missing[0]], min_units)}")
    ui.table_with_downloads(sex_table(rows, own, threshold, own_shown), "jamforelse_kon")
    names = [v for _, v in shown[:1] if any(p.name for p in v.points)]
    if names:
        st.caption("Alla förbund, totalt (med namn bara för administratörer).")
        ui.table_with_downloads(points_table(names[0]), "jamforelse_alla_forbund")
