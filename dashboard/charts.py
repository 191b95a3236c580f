"""Chart builders shared by the pages: plotly figures and the small frames they draw from.

Everything here receives disclosure-controlled data (the `dashboard.data` calls): a hidden
value is None and is simply not drawn, while its label ("<5", "för få") is kept as text for
the table beside the chart, so a chart never shows more than its table. No Streamlit here:
the report builder (`reports.content`) draws the same figures from the command line.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import plotly.graph_objects as go
import polars as pl

from dashboard import display, escape, fmt
from metrics.disclosure import label as hidden_label
from metrics.periods import Freq, Period, parse_period, period_label, periods_between
from metrics.registry import BY_KEY, Unit
from metrics.result import KpiResult
from metrics.selection import Selection

if TYPE_CHECKING:
    from dashboard.filters import Filters

#: One row per drawn value: x category, series (legend), KPI key, number (None = hidden or
#: missing), its display text, the target and its text, and the target status in words.
LONG_SCHEMA = {"category": pl.String, "series": pl.String, "key": pl.String,
               "value": pl.Float64, "text": pl.String, "target": pl.Float64,
               "target_text": pl.String, "status": pl.String}
#: Bar colours in an order that keeps neighbours apart in greyscale (dark, light, mid, pale);
#: from the fifth series on a fill pattern tells them apart.
SERIES_COLOURS = [display.PALETTE[i] for i in (0, 2, 1, 3)]
PATTERNS = ["", "/", ".", "x", "-", "|", "+"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star"]
MISSING_GROUP = "Uppgift saknas"
_MAX_BAR_TEXTS = 30  # more bars than this: values only on hover and in the table
_LABEL_ZONE = 0.1  # a value label takes about this share of the axis above its bar


def titled(name: str, selection_title: str) -> str:
    """A chart title stating the selection on a second, smaller line.

    Both parts are text (they may hold names from the data), escaped for plotly; the title
    is the only markup.
    """
    return f"{escape.chart_text(name)}<br><sup>{escape.chart_text(selection_title)}</sup>"


CHART_TEXT = "#4a4a4a"  # 8.9:1 on white
_CHART_KINDS = {"bar": "Stapeldiagram", "scatter": "Linjediagram", "sankey": "Flödesdiagram"}
_MAX_LISTED = 8  # more categories (or longer names) than this: the first and the last
_MAX_LISTED_CHARS = 100
TABLE_NOTE = "Siffrorna finns i tabellen under diagrammet."


def _plain_title(fig: go.Figure) -> str:
    """The figure's title as text: its first line, entities decoded (`titled` escapes it)."""
    return html.unescape(str(fig.layout.title.text or "").split("<br>")[0]).strip()


def _categories(fig: go.Figure, trace) -> list[str]:
    if trace.type == "bar" and trace.orientation == "h":
        values = trace.y
    elif fig.layout.xaxis.ticktext:  # grouped_bars: numeric positions named by tick texts
        values = fig.layout.xaxis.ticktext
    else:
        values = trace.x
    return _unique([str(v).replace("\n", " ") for v in values or () if v is not None])


def summary(fig: go.Figure, note: str = TABLE_NOTE) -> str:
    """A short text alternative for a chart: its kind, subject, series, categories and target.

    Read from the figure (before `escape.figure`), so every chart drawn by `ui.chart` has one;
    the numbers themselves are in the table beside the chart (`note` says where).

    >>> summary(go.Figure(go.Bar(x=["Arbete", "Studier"], y=[1, 2]),
    ...                   layout={"title": {"text": "Avslut<br><sup>urval</sup>"}}), note="")
    'Stapeldiagram: Avslut. Kategorier: Arbete, Studier.'
    """
    title = _plain_title(fig) or "diagram"
    drawn = [t for t in fig.data if getattr(t, "showlegend", None) is not False]
    first = drawn[0] if drawn else (fig.data[0] if fig.data else None)
    if first is None:
        return f"Diagram: {title}. Inga värden att visa."
    if first.type == "sankey":
        groups = len(first.node.label or ())
        return (f"Flödesdiagram: {title}. Flöden mellan {groups} grupper, där bredden visar "
                f"antalet personer. {note}").strip()
    kind = _CHART_KINDS.get(first.type, "Diagram")
    if first.type == "bar" and first.orientation == "h":
        kind = "Liggande stapeldiagram"
    names = [str(t.name) for t in drawn if t.name and t.name != "Mål"]
    categories = _categories(fig, first)
    listed = ", ".join(categories)
    if len(categories) > _MAX_LISTED or len(listed) > _MAX_LISTED_CHARS:
        ends = f"{categories[0]} till {categories[-1]}"
        listed = f"{len(categories)} stycken" + (
            f", från {ends}" if len(ends) <= _MAX_LISTED_CHARS else "")
    target = (any(t.name == "Mål" or "(mål " in str(t.name or "") for t in fig.data)
              or any(str(a.text or "").startswith("Mål") for a in fig.layout.annotations))
    parts = [f"{kind}: {title}."]
    if len(names) > 1:
        parts.append(f"Serier: {', '.join(names)}.")
    if categories:
        parts.append(f"Kategorier: {listed}.")
    if target:
        parts.append("Målet är markerat med en streckad röd linje.")
    parts.append(note)
    return " ".join(p for p in parts if p)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two `#rrggbb` colours (1 to 21).

    >>> round(contrast("#ffffff", "#000000"), 1)
    21.0
    """
    def luminance(colour: str) -> float:
        rgb = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour(fill: str) -> str:
    """White or near-black, whichever contrasts more with a bar of colour `fill`."""
    return max(("#ffffff", "#111111"), key=lambda c: contrast(c, fill))


def values_summary(subject: str, pairs: Iterable[tuple[str, str]],
                   target: str | None = None) -> str:
    """A text alternative that lists a small chart's values: "Linjediagram: x. 2024: 12 %; …".

    For a chart shown without a table (the Översikt sparklines); `pairs` are display texts,
    `target` a sentence about the target (`display.target_text`).
    """
    values = "; ".join(f"{a}: {b}" for a, b in pairs) or "inga värden"
    end = "" if values.endswith(".") else "."  # a hidden value reads ".."
    return f"Linjediagram: {subject}. {values}{end}" + (f" {target}." if target else "")


def base_title(filters: Filters) -> str:
    """The selection title without participant filters and grupp (förbund · period · insatser).

    For pages whose figures ignore those filters. Relies on `filters.sidebar_filters` putting
    förbund, period and insatser first.
    """
    return " · ".join(filters.title.split(" · ")[:3])


def _target_text(key: str, target: float | None) -> str:
    return fmt.MISSING if target is None else fmt.kpi_value(key, target)


def _status_text(result: KpiResult, key: str) -> str:
    status = result.target_status.get(key)
    return display.STATUS[str(status)][1] if status else ""


def kpi_grid(result: KpiResult, grid: Mapping[str, Mapping[str, str]],
             threshold: int) -> pl.DataFrame:
    """KPIs of one result laid out for a grouped bar chart: `{series: {category: key}}`.

    Returns `LONG_SCHEMA` rows in the grid's order, with targets and target status.
    """
    rows = []
    for series, cells in grid.items():
        for category, key in cells.items():
            value = result.values.get(key)
            target = result.values.get(f"{key}_target")
            target = None if isinstance(target, dict) else target
            rows.append({"category": category, "series": series, "key": key,
                         "value": None if isinstance(value, dict) else value,
                         "text": display.kpi_text(result, key, threshold), "target": target,
                         "target_text": _target_text(key, target),
                         "status": _status_text(result, key)})
    return pl.DataFrame(rows, schema=LONG_SCHEMA)


def to_long(df: pl.DataFrame, category: str, series: Mapping[str, str], threshold: int,
            targets: Mapping[str, float | None] | None = None) -> pl.DataFrame:
    """A wide disclosure-controlled table (breakdown, trend, distribution) as `LONG_SCHEMA`.

    `series` maps value columns to legend names. A column's target comes from a
    `<column>_target` column when the table has one (per row), else from `targets`.
    A null group is shown as "Uppgift saknas".
    """
    cats = [MISSING_GROUP if c is None else str(c) for c in df[category].to_list()]
    shown = display.display_table(df, {c: c for c in series}, threshold)
    rows = []
    for code, name in series.items():
        per_row = (df[f"{code}_target"].to_list() if f"{code}_target" in df.columns
                   else [(targets or {}).get(code)] * df.height)
        for cat, value, text, target in zip(cats, df[code].to_list(), shown[code].to_list(),
                                            per_row, strict=True):
            rows.append({"category": cat, "series": name, "key": code,
                         "value": None if value is None else float(value), "text": text,
                         "target": target, "target_text": _target_text(code, target),
                         "status": ""})
    return pl.DataFrame(rows, schema=LONG_SCHEMA)


def long_table(long: pl.DataFrame, headers: Mapping[str, str]) -> pl.DataFrame:
    """The display table of a long frame: `headers` maps its columns to Swedish headers."""
    return long.select(pl.col(c).alias(h) for c, h in headers.items())


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _target_legend(fig: go.Figure) -> None:
    """A legend entry for the dashed red target lines (drawn as shapes, not traces)."""
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name="Mål",
                             line={"color": display.TARGET_COLOUR, "dash": "dash", "width": 3}))


def grouped_bars(long: pl.DataFrame, title: str, unit: Unit) -> go.Figure:
    """Grouped bars (x = category, one bar per series) with a dashed target over each bar.

    The x axis is numeric (category i at x = i, labelled with its name) and bars get
    explicit offsets, so each target segment sits exactly over the bar it belongs to.
    Hidden values leave a gap (their label is in the table).
    """
    categories = _unique(long["category"].to_list())
    series = _unique(long["series"].to_list())
    width = 0.8 / max(len(series), 1)
    show_text = long.height <= _MAX_BAR_TEXTS
    xs = list(range(len(categories)))
    # a target shared by every bar of a series (a breakdown) is named once, in the legend
    shared = {}
    for name in series:
        part = long.filter(pl.col("series") == name)
        texts = part["target_text"].unique().to_list()
        if len(categories) > 1 and part["target"].null_count() == 0 and len(texts) == 1:
            shared[name] = texts[0]
    top = max([v for v in [*long["value"].to_list(), *long["target"].to_list()]
               if v is not None] or [0])
    # a value label would sit under a target dash just above its bar: it moves onto the dash
    lifted = {(c, s): (t, target) for c, s, v, t, target in
              long.select("category", "series", "value", "text", "target").iter_rows()
              if v is not None and target is not None
              and -0.02 * top <= target - v <= _LABEL_ZONE * top}
    fig = go.Figure()
    for i, name in enumerate(series):
        part = long.filter(pl.col("series") == name)
        by_cat = {c: (v, t) for c, v, t in part.select("category", "value", "text").iter_rows()}
        texts = [by_cat.get(c, (None, fmt.MISSING))[1] for c in categories]
        bar_texts = ["" if (c, name) in lifted else t
                     for c, t in zip(categories, texts, strict=True)]
        fig.add_trace(go.Bar(
            x=xs, y=[by_cat.get(c, (None, ""))[0] for c in categories],
            name=f"{name} (mål {shared[name]})" if name in shared else name,
            width=width * 0.92, offset=-0.4 + i * width,
            marker={"color": SERIES_COLOURS[i % len(SERIES_COLOURS)],
                    "line": {"color": display.PALETTE[0], "width": 1},
                    "pattern": {"shape": PATTERNS[(i // len(SERIES_COLOURS)) % len(PATTERNS)]}},
            text=bar_texts if show_text else None, textposition="outside", cliponaxis=False,
            customdata=[(c, t, name) for c, t in zip(categories, texts, strict=True)],
            hovertemplate="%{customdata[0]}<br>%{customdata[2]}: %{customdata[1]}"
                          "<extra></extra>"))
    targets = long.filter(pl.col("target").is_not_null())
    starts = [categories.index(c) - 0.4 + series.index(s) * width
              for c, s in targets.select("category", "series").iter_rows()]
    # all segments in one assignment: each add_shape re-validates every shape before it
    fig.update_layout(shapes=[
        {"type": "line", "xref": "x", "yref": "y", "x0": x0, "x1": x0 + width * 0.92,
         "y0": target, "y1": target,
         "line": {"color": display.TARGET_COLOUR, "width": 3, "dash": "dash"}}
        for x0, target in zip(starts, targets["target"].to_list(), strict=True)])
    if targets.height:
        _target_legend(fig)
        # the target is written out unless the bar's own value label would sit on it
        labels = [f"Mål {text}" if name not in shared and (
                      value is None or abs(target - value) > 0.1 * top) else ""
                  for name, value, target, text in targets.select(
                      "series", "value", "target", "target_text").iter_rows()]
        # invisible markers at the segment centres carry the written target and its hover
        fig.add_trace(go.Scatter(
            x=[x0 + width * 0.46 for x0 in starts], y=targets["target"].to_list(),
            mode="markers+text", showlegend=False, marker={"opacity": 0, "size": 12},
            text=labels if show_text else None,
            textposition="top center", textfont={"color": display.TARGET_COLOUR, "size": 11},
            customdata=list(zip(targets["category"].to_list(), targets["series"].to_list(),
                                targets["target_text"].to_list(), strict=True)),
            hovertemplate="%{customdata[0]}<br>Mål %{customdata[1]}: %{customdata[2]}"
                          "<extra></extra>"))
    if lifted and show_text:
        fig.add_trace(go.Scatter(
            x=[categories.index(c) - 0.4 + series.index(s) * width + width * 0.46
               for c, s in lifted],
            y=[target for _, target in lifted.values()], mode="text", showlegend=False,
            text=[t for t, _ in lifted.values()], textposition="top center",
            textfont={"color": CHART_TEXT}, hoverinfo="skip"))
    if top > 0:  # room above the tallest bar or target for the written values
        fig.update_yaxes(range=[min([0, *[v for v in long["value"].to_list() if v is not None]]),
                                top * 1.18])
    display.style(fig, title, unit)
    fig.update_layout(barmode="overlay", bargap=0)
    fig.update_xaxes(tickmode="array", tickvals=xs, ticktext=categories,
                     range=[-0.5, len(categories) - 0.5], showgrid=False)
    return fig


def long_lines(long: pl.DataFrame, title: str, unit: Unit) -> go.Figure:
    """One line per series over the categories (periods, in order), targets as red ticks."""
    categories = _unique(long["category"].to_list())
    fig = go.Figure()
    for i, name in enumerate(_unique(long["series"].to_list())):
        part = long.filter(pl.col("series") == name)
        by_cat = {c: (v, t) for c, v, t in part.select("category", "value", "text").iter_rows()}
        fig.add_trace(go.Scatter(
            x=categories, y=[by_cat.get(c, (None, ""))[0] for c in categories], name=name,
            mode="lines+markers", line={"dash": DASHES[i % len(DASHES)], "width": 2},
            marker={"symbol": MARKERS[i % len(MARKERS)], "size": 8},
            customdata=[(by_cat.get(c, (None, fmt.MISSING))[1], name) for c in categories],
            hovertemplate="%{x}<br>%{customdata[1]}: %{customdata[0]}<extra></extra>"))
    targets = long.filter(pl.col("target").is_not_null())
    if targets.height:
        fig.add_trace(go.Scatter(
            x=targets["category"].to_list(), y=targets["target"].to_list(), mode="markers",
            name="Mål", marker={"symbol": "line-ew-open", "size": 22,
                                "color": display.TARGET_COLOUR,
                                "line": {"width": 3, "color": display.TARGET_COLOUR}},
            customdata=list(zip(targets["series"].to_list(), targets["target_text"].to_list(),
                                strict=True)),
            hovertemplate="%{x}<br>Mål %{customdata[0]}: %{customdata[1]}<extra></extra>"))
    display.style(fig, title, unit)
    fig.update_layout(xaxis={"type": "category"})
    fig.update_yaxes(rangemode="tozero")
    return fig


def last_years(table: pl.DataFrame, year: int, years: int = 3) -> pl.DataFrame:
    """Rows of a trend table whose period starts in the last `years` years up to `year`."""
    return table.filter(pl.col("date_from").dt.year().is_between(year - years + 1, year))


def results_table(periods: pl.DataFrame, results: Sequence[KpiResult],
                  keys: Sequence[str]) -> pl.DataFrame:
    """One row per period with the KPIs of that period's result.

    `periods` is a trend table (`period`, `date_from`, `date_to`); `results` its periods'
    results in the same order. Adds `<key>_status` (disclosure), `<key>_upper_bound` and
    `<key>_target`.
    """
    cols: dict[str, list] = {}
    for key in keys:
        values = [r.values.get(key) for r in results]
        cols[key] = [None if isinstance(v, dict) else v for v in values]
        cols[f"{key}_status"] = [r.disclosure.get(key, "shown") for r in results]
        cols[f"{key}_upper_bound"] = [r.upper_bounds.get(key) for r in results]
        cols[f"{key}_target"] = [t if isinstance(t := r.values.get(f"{key}_target"),
                                                 float | int) else None for r in results]
    extra = pl.DataFrame(cols, schema={c: pl.String if c.endswith("_status") else pl.Float64
                                       for c in cols})
    return pl.concat([periods.select("period", "date_from", "date_to"), extra],
                     how="horizontal")


def capacity_bars(table: pl.DataFrame, title: str) -> go.Figure:
    """Used årsplatser per period as bars, the capacity as a dashed line (the target)."""
    periods = table["period"].to_list()
    used = [fmt.kpi_value("fye_used", v) for v in table["fye_used"].to_list()]
    fig = go.Figure(go.Bar(
        x=periods, y=table["fye_used"].to_list(), name=BY_KEY["fye_used"].label,
        marker={"color": display.PALETTE[1], "line": {"color": display.PALETTE[0], "width": 1}},
        customdata=used, hovertemplate="%{x}<br>Nyttjade: %{customdata}<extra></extra>"))
    capacity = table["fye_capacity"].to_list()
    fig.add_trace(go.Scatter(
        x=periods, y=capacity, name=BY_KEY["fye_capacity"].label, mode="lines+markers",
        line={"color": display.TARGET_COLOUR, "dash": "dash", "width": 2},
        marker={"symbol": "line-ew-open", "size": 22, "color": display.TARGET_COLOUR,
                "line": {"width": 3, "color": display.TARGET_COLOUR}},
        customdata=[fmt.kpi_value("fye_capacity", v) for v in capacity],
        hovertemplate="%{x}<br>Kapacitet: %{customdata}<extra></extra>"))
    display.style(fig, title, Unit.FYE)
    fig.update_layout(xaxis={"type": "category"})
    fig.update_yaxes(tickformat=",.0f")
    return fig


def distribution_table(df: pl.DataFrame, header: str, threshold: int) -> pl.DataFrame:
    """A distribution (`category, count, share`) as display text: category, Antal, Andel."""
    table = display.display_table(df, {"category": header, "count": "Antal"}, threshold)
    statuses = df["share_status"].to_list() if "share_status" in df.columns else [None] * df.height
    bounds = (df["share_upper_bound"].to_list() if "share_upper_bound" in df.columns
              else [None] * df.height)
    shares = [(lbl if s and (lbl := hidden_label(s, threshold, b)) else fmt.percent(v))
              for v, s, b in zip(df["share"].to_list(), statuses, bounds, strict=True)]
    return table.with_columns(pl.Series("Andel", shares, dtype=pl.String))


def income_sankey(flow: pl.DataFrame, title: str) -> go.Figure | None:
    """Försörjning före → efter as a Sankey; hidden (null) and empty flows are not drawn.

    None when no flow is left to draw.
    """
    rows = (flow.filter(pl.col("count").is_not_null() & (pl.col("count") > 0))
            .sort("income_before", "income_after"))
    if rows.is_empty():
        return None
    before = sorted(rows["income_before"].unique().to_list())
    after = sorted(rows["income_after"].unique().to_list())
    colours = [display.PALETTE[i % 4] for i in range(len(before))] + [
        display.PALETTE[4 + i % 3] for i in range(len(after))]
    fig = go.Figure(go.Sankey(
        arrangement="snap", valueformat=",.0f",
        node={"label": [*before, *after], "pad": 14, "thickness": 16, "color": colours,
              "line": {"color": display.PALETTE[4], "width": 0.5},
              "customdata": ["före"] * len(before) + ["efter"] * len(after),
              "hovertemplate": "%{label} (%{customdata}): %{value}<extra></extra>"},
        link={"source": [before.index(b) for b in rows["income_before"].to_list()],
              "target": [len(before) + after.index(a) for a in rows["income_after"].to_list()],
              "value": rows["count"].to_list(), "color": "rgba(82, 82, 82, 0.25)",
              "hovertemplate": "%{source.label} → %{target.label}: %{value}<extra></extra>"},
    ))
    display.style(fig, title)
    fig.update_layout(height=520, annotations=[
        {"x": 0, "y": 1.04, "xref": "paper", "yref": "paper", "text": "<b>Före</b>",
         "showarrow": False, "xanchor": "left"},
        {"x": 1, "y": 1.04, "xref": "paper", "yref": "paper", "text": "<b>Efter</b>",
         "showarrow": False, "xanchor": "right"}])
    return fig


def benefit_table(benefit_fye: pl.DataFrame, area: str, year: int) -> pl.DataFrame:
    """SCB helårsekvivalenter of one area and year: `benefit`, `Kvinnor`, `Män`, `Samtliga`."""
    rows = benefit_fye.filter((pl.col("area") == area) & (pl.col("year") == year))
    wide = (rows.group_by("benefit").agg(
        pl.col("fye").filter(pl.col("sex") == sex).sum().alias(sex)
        if sex in rows["sex"].to_list() else pl.lit(None, dtype=pl.Float64).alias(sex)
        for sex in ("Kvinnor", "Män", "Samtliga")))
    return wide.sort("benefit")


def volume_long(result: KpiResult, threshold: int, *, period: str | None = None,
                targets: bool = True) -> pl.DataFrame:
    """`volume[Mått]` of a result as `LONG_SCHEMA` rows.

    Without `period`: one row per Mått (category = Mått, series "Antal"). With it:
    category = the period and series = Mått, for a trend. `targets=False` leaves targets
    out (a yearly target says nothing about a quarter).
    """
    volume = result.values.get("volume") or {}
    goals = (result.values.get("volume_target") or {}) if targets else {}
    rows = []
    for measure in sorted(volume):
        key = f"volume[{measure}]"
        why = result.disclosure.get(key)
        text = (hidden_label(why, threshold) if why and hidden_label(why, threshold)
                else fmt.number(volume[measure]))
        target = goals.get(measure) if isinstance(goals, dict) else None
        rows.append({"category": period or measure, "series": measure if period else "Antal",
                     "key": "volume",
                     "value": None if volume[measure] is None else float(volume[measure]),
                     "text": text, "target": target,
                     "target_text": _target_text("volume", target),
                     "status": _status_text(result, key) if targets else ""})
    return pl.DataFrame(rows, schema=LONG_SCHEMA)


def volume_periods(volumes: pl.DataFrame, sel: Selection, freq: Freq) -> list[Period]:
    """Whole years or quarters from the first reported volume of the selection to its end."""
    pred = pl.col("forbund").is_in(list(sel.forbund))
    if sel.insatser:
        pred = pred & pl.col("insats").is_in(list(sel.insatser))
    starts = [p[0] for text in volumes.filter(pred)["period"].unique().to_list()
              if (p := parse_period(text))]
    return periods_between(min(starts), sel.date_to, freq) if starts else []


def volume_trend(periods: Sequence[Period], results: Sequence[KpiResult], freq: Freq,
                 threshold: int) -> pl.DataFrame:
    """Volume per Mått and period as `LONG_SCHEMA` rows; targets only for whole years."""
    parts = [volume_long(r, threshold, period=period_label(frm, freq), targets=freq == "year")
             for (frm, _to), r in zip(periods, results, strict=True)]
    return pl.concat(parts) if parts else pl.DataFrame(schema=LONG_SCHEMA)


def results_display(table: pl.DataFrame, keys: Sequence[str], threshold: int,
                    period_header: str = "Period") -> pl.DataFrame:
    """The display table of `results_table`: the KPIs, then `Mål …` for KPIs with targets."""
    out = display.display_table(table, {"period": period_header,
                                   **{k: BY_KEY[k].label for k in keys}}, threshold)
    with_target = [k for k in keys if table[f"{k}_target"].is_not_null().any()]
    return out.with_columns(
        pl.Series(f"Mål {BY_KEY[k].label.lower()}",
                  [_target_text(k, v) for v in table[f"{k}_target"].to_list()], dtype=pl.String)
        for k in with_target)


# Samhällsekonomi, Ekonomi and Indikatorer --------------------------------------------------

#: Per-actor KPIs in the order the Samhällsekonomi tables show them.
ACTOR_KEYS = ("revenue_per_year", "cost", "revenue_per_participant", "profit_1y", "profit_5y",
              "payback_months")
NOT_REACHED = display.NOT_REACHED
OVER_BUDGET = "Över budget"
FORECAST_OVER = "Prognos över budget"
WITHIN_BUDGET = "Inom budget"
OWN_COSTS = "Förbundets egna kostnader"
#: NNS answer shares, drawn left to right: positive first, so a target reads along the bar.
NNS_PARTS = (("nns_positive", "Positiv", display.PALETTE[0]),
             ("nns_neutral", "Varken eller", display.PALETTE[6]),
             ("nns_negative", "Negativ", display.PALETTE[2]))


def actor_frame(result: KpiResult, keys: Sequence[str] = ACTOR_KEYS) -> pl.DataFrame:
    """Per-actor KPIs as one row per actor: `actor`, the keys, `<key>_status`, `not_reached`.

    Actors keep the order metrics gives them (Samhället first). Empty when every per-actor
    value is hidden by disclosure control or missing.
    """
    dicts = {k: v for k in keys if isinstance(v := result.values.get(k), dict)}
    actors = list(dict.fromkeys(a for d in dicts.values() for a in d))
    not_reached = set(result.meta.get("payback_not_reached") or ())  # type: ignore[arg-type]
    schema = {"actor": pl.String, **dict.fromkeys(keys, pl.Float64),
              **dict.fromkeys((f"{k}_status" for k in keys), pl.String),
              "not_reached": pl.Boolean}
    rows = [{"actor": a, **{k: (dicts.get(k) or {}).get(a) for k in keys},
             **{f"{k}_status": result.disclosure.get(k, "shown") for k in keys},
             "not_reached": a in not_reached} for a in actors]
    return pl.DataFrame(rows, schema=schema)


def actor_table(actors: pl.DataFrame, threshold: int,
                keys: Sequence[str] = ACTOR_KEYS) -> pl.DataFrame:
    """The display table of `actor_frame`: payback "Nås inte" where revenue ≤ 0."""
    table = display.display_table(actors, {"actor": "Aktör", **{k: BY_KEY[k].label for k in keys}},
                             threshold)
    if "payback_months" not in keys:
        return table
    header = BY_KEY["payback_months"].label
    return table.with_columns(pl.when(pl.Series(actors["not_reached"].to_list()))
                              .then(pl.lit(NOT_REACHED)).otherwise(pl.col(header)).alias(header))


def payback_bars(actors: pl.DataFrame, target: float | None, title: str) -> go.Figure:
    """Payback months per actor, "Nås inte" written where revenue ≤ 0, the target dashed."""
    names = actors["actor"].to_list()
    values = actors["payback_months"].to_list()
    not_reached = actors["not_reached"].to_list()
    texts = [NOT_REACHED if nr else fmt.kpi_value("payback_months", v)
             for v, nr in zip(values, not_reached, strict=True)]
    fig = go.Figure(go.Bar(
        x=names, y=[None if nr else v for v, nr in zip(values, not_reached, strict=True)],
        name=BY_KEY["payback_months"].label, text=texts, textposition="outside",
        cliponaxis=False, marker={"color": display.PALETTE[1], "line": {"color": display.PALETTE[0],
                                                                     "width": 1}},
        hovertemplate="%{x}: %{text} mån<extra></extra>"))
    for name, nr in zip(names, not_reached, strict=True):
        if nr:
            fig.add_annotation(x=name, y=0, text=NOT_REACHED, showarrow=False, yshift=12,
                               font={"color": display.PALETTE[4]})
    display.add_target(fig, target, "payback_months")
    display.style(fig, title, Unit.MONTHS)
    fig.update_layout(showlegend=False, xaxis={"type": "category"})
    fig.update_yaxes(title_text="Månader", rangemode="tozero")
    return fig


def profit_bars(actors: pl.DataFrame, title: str, target: float | None = None) -> go.Figure:
    """Profitability after 1 and 5 years per actor (kr), zero marked, a target if any."""
    fig = go.Figure()
    for i, key in enumerate(("profit_1y", "profit_5y")):
        values = actors[key].to_list()
        fig.add_trace(go.Bar(
            x=actors["actor"].to_list(), y=values, name=BY_KEY[key].label,
            marker={"color": SERIES_COLOURS[i], "line": {"color": display.PALETTE[0], "width": 1},
                    "pattern": {"shape": PATTERNS[i]}},
            customdata=[fmt.kpi_value(key, v) for v in values],
            hovertemplate="%{x}<br>" + BY_KEY[key].label + ": %{customdata}<extra></extra>"))
    fig.add_hline(y=0, line_color=display.PALETTE[4], line_width=1)
    display.add_target(fig, target, "profit_1y")
    display.style(fig, title, Unit.KR)
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    fig.update_yaxes(title_text="kr")
    return fig


def budget_flag(df: pl.DataFrame) -> pl.Expr:
    """Text (with icon) for a budget row: over budget, forecast over budget, or within."""
    forecast = (pl.col("forecast_spent") > pl.col("budget") if "forecast_spent" in df.columns
                else pl.lit(False))
    return (pl.when(pl.col("over_budget")).then(pl.lit(OVER_BUDGET))
            .when(forecast).then(pl.lit(FORECAST_OVER))
            .when(pl.col("budget").is_not_null()).then(pl.lit(WITHIN_BUDGET))
            .otherwise(pl.lit(fmt.MISSING)).alias("flag"))


def budget_rows(df: pl.DataFrame) -> pl.DataFrame:
    """Budget rows ready to show: blank Insats named as the förbund's own costs, a `flag`."""
    out = df.with_columns(budget_flag(df))
    if "insats" in out.columns:
        out = out.with_columns(pl.when(pl.col("insats").fill_null("") == "")
                               .then(pl.lit(OWN_COSTS)).otherwise(pl.col("insats"))
                               .alias("insats"))
    return out


def budget_bars(rows: pl.DataFrame, label: str, title: str) -> go.Figure:
    """Budget and utfall per row (kr), with the utfall expected at the time of the year.

    `rows` from `budget_rows`: `label` names the category column; `expected_pace` per row
    (or the page's pace) gives the expected utfall = budget × pace. Over-budget rows carry
    a written warning over their bar.
    """
    names = rows[label].to_list()
    fig = go.Figure()
    for key, colour, shape in (("budget", display.PALETTE[3], ""),
                               ("spent", display.PALETTE[0], "")):
        values = rows[key].to_list()
        fig.add_trace(go.Bar(
            x=names, y=values, name=BY_KEY[key].label,
            marker={"color": colour, "line": {"color": display.PALETTE[0], "width": 1},
                    "pattern": {"shape": shape}},
            text=[OVER_BUDGET if key == "spent" and over else None
                  for over in rows["over_budget"].to_list()],
            textposition="outside", cliponaxis=False,
            customdata=[fmt.kronor(v) for v in values],
            hovertemplate="%{x}<br>" + BY_KEY[key].label + ": %{customdata}<extra></extra>"))
    if "expected_pace" in rows.columns:
        expected = [None if b is None or p is None else b * p
                    for b, p in zip(rows["budget"].to_list(), rows["expected_pace"].to_list(),
                                    strict=True)]
        fig.add_trace(go.Scatter(
            x=names, y=expected, mode="markers", name="Förväntat utfall enligt tidsandel",
            marker={"symbol": "diamond", "size": 11, "color": display.PALETTE[4],
                    "line": {"color": "white", "width": 1}},
            customdata=[fmt.kronor(v) for v in expected],
            hovertemplate="%{x}<br>Förväntat utfall: %{customdata}<extra></extra>"))
    display.style(fig, title, Unit.KR)
    fig.update_layout(barmode="group", xaxis={"type": "category"})
    fig.update_yaxes(title_text="kr")
    return fig


def utilisation_bars(rows: pl.DataFrame, label: str, pace: float | None,
                     target: float | None, title: str) -> go.Figure:
    """Utilisation per row with the expected pace (dotted) and the target (dashed).

    Over-budget rows are drawn grey with a written warning (not by colour alone).
    """
    over = rows["over_budget"].to_list()
    values = rows["utilisation"].to_list()
    texts = [f"{fmt.percent(v)}{' över budget' if o else ''}"
             for v, o in zip(values, over, strict=True)]
    fig = go.Figure(go.Bar(
        x=rows[label].to_list(), y=values, name=BY_KEY["utilisation"].label, text=texts,
        textposition="inside", insidetextanchor="middle", textfont={"color": "white"},
        marker={"color": [display.PALETTE[4] if o else display.PALETTE[1] for o in over],
                "line": {"color": display.PALETTE[0], "width": 1}},
        hovertemplate="%{x}: %{text}<extra></extra>"))
    if pace is not None:
        fig.add_hline(y=pace, line_dash="dot", line_color=display.PALETTE[4],
                      annotation_text=f"Förväntad nyttjandegrad {fmt.percent(pace)}",
                      annotation_position="top right")
    display.add_target(fig, target, "utilisation")
    display.style(fig, title, Unit.SHARE)
    fig.update_layout(showlegend=False, xaxis={"type": "category"})
    return fig


def _wrap(text: str, width: int = 55) -> str:
    # a line break, not "<br>": `ui.chart` escapes labels as text and turns breaks into <br>
    return "\n".join(textwrap.wrap(text, width)) or text


def nns_bars(rows: pl.DataFrame, title: str, target: float | None,
             with_group: bool) -> go.Figure:
    """Horizontal stacked bars per question: positive, neither, negative (shares).

    `rows` from `data.nns_table` (one sex). Rows whose shares are hidden (too few answers)
    keep their label, marked "för få svar", and no bar; a row with a part shown only as an
    upper bound ("< 25 %", 1–4 answers) gets no bar either (a partial bar would mislead),
    marked "se tabellen". The target for share positive is a dashed vertical line.
    """
    labels = []
    parts = [key for key, _, _ in NNS_PARTS]
    drawn = (~pl.any_horizontal(pl.col(parts).is_null())).alias("drawn")
    too_few = pl.col("nns_positive").is_null() & (
        pl.col("nns_positive_status") != "upper_bound" if "nns_positive_status" in rows.columns
        else pl.lit(True))
    for ind, question, group, few, whole in rows.select(
            "indicator", "question", "respondent_group", too_few.alias("few"),
            drawn).iter_rows():
        text = f"{ind}. {question}" + (f" ({group})" if with_group else "")
        labels.append(_wrap(text) + (" – för få svar" if few else
                                     "" if whole else " – se tabellen"))
    whole = rows.select(drawn).to_series().to_list()
    fig = go.Figure()
    for key, name, colour in NNS_PARTS:
        values = [v if w else None for v, w in zip(rows[key].to_list(), whole, strict=True)]
        texts = [fmt.percent(v, 0) if v is not None and v >= 0.05 else "" for v in values]
        fig.add_trace(go.Bar(
            y=labels, x=values, name=name, orientation="h", text=texts,
            textposition="inside", insidetextanchor="middle",
            textfont={"color": text_colour(colour)},
            marker={"color": colour, "line": {"color": display.PALETTE[0], "width": 0.5}},
            customdata=[fmt.percent(v) for v in values],
            hovertemplate="%{y}<br>" + name + ": %{customdata}<extra></extra>"))
    if target is not None:
        fig.add_vline(x=target, line_dash="dash", line_color=display.TARGET_COLOUR,
                      annotation_text=f"Mål andel positiva {fmt.percent(target)}",
                      annotation_position="top")
    display.style(fig, title)
    fig.update_layout(barmode="stack", height=160 + 48 * max(len(labels), 1),
                      legend={"traceorder": "normal", "orientation": "h", "x": 0,
                              "y": 1.0, "yanchor": "bottom"},
                      margin={"t": 100})
    fig.update_xaxes(**display.percent_ticks(1.0), range=[0, 1])
    fig.update_yaxes(autorange="reversed", tickformat="")
    return fig
