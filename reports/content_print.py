"""The pages' figures made fit for paper: no label on top of another, none too small to read.

A page's chart can rely on hovering and zooming; a printed one cannot. Four adjustments,
made to the report's copy of a figure only (the pages keep theirs):

- A target line's written value ("Mål 30,0", "Förväntad nyttjandegrad 100,0 %") moves from
  the plot into the legend, drawn as the line it names: written at the line's left end it
  sat on the first bar's value label.
- A bar whose value label would be squeezed (plotly shrinks a label to its bar's width)
  gets the label turned upright; a bar too narrow even for that loses its label (the table
  under every chart has all values).
- A value label that a target dash would cross is lifted to sit on the dash.
- A legend under the plot moves below slanted category labels instead of covering them.

Sizes are estimated from the print size (`reports.charts.PRINT_WIDTH` × the figure's height)
and the pages' layout (`dashboard.display.style`): good enough to tell a label that fits
from one that does not, not a layout engine.
"""

from __future__ import annotations

import plotly.graph_objects as go

from reports.charts import PRINT_FONT_SIZE, PRINT_HEIGHT, PRINT_WIDTH

#: The plot area: the figure less the y tick labels' width, and the share of its height
#: left by the title above and the x tick labels and legend below.
PLOT_LEFT_PX = 45
PLOT_SHARE = 0.6
#: Advance widths of Source Sans Pro Regular in em, by character class (measured from the
#: font): enough to tell whether a label fits, not to set type.
CHAR_EM = 0.48  # a lower-case letter on average
_WIDTHS = ((" ", 0.2), (".,:;'", 0.25), ("iljtfrI", 0.29), ("%", 0.824), ("mwMW", 0.78),
           ("−-", 0.4))
LINE_PX = PRINT_FONT_SIZE * 1.3
#: How much wider than its bar a level value label may be (plotly shrinks it to fit).
SQUEEZE = 1.25
UPRIGHT = -90


def _em(c: str) -> float:
    if c.isdigit():
        return 0.497
    for chars, em in _WIDTHS:
        if c in chars:
            return em
    return 0.6 if c.isupper() else CHAR_EM


def text_px(text: str) -> float:
    """Estimated width of a label in px at the print font size (Source Sans Pro)."""
    return PRINT_FONT_SIZE * sum(_em(c) for c in str(text))


def _plot_px(fig: go.Figure) -> tuple[float, float]:
    width = fig.layout.width or PRINT_WIDTH
    height = fig.layout.height or PRINT_HEIGHT
    return width - PLOT_LEFT_PX, height * PLOT_SHARE


def _number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _full_width(xref: str | None) -> bool:
    return bool(xref) and ("domain" in xref or xref == "paper")


def _labelled_bars(fig: go.Figure) -> list:
    """Vertical bar traces with value labels above the bars."""
    return [t for t in fig.data if t.type == "bar" and t.orientation != "h"
            and t.text is not None and not isinstance(t.text, str)
            and t.textposition == "outside"]


def _hlines(fig: go.Figure) -> list:
    return [s for s in fig.layout.shapes if s.type == "line" and _number(s.y0)
            and s.y0 == s.y1]


def targets_to_legend(fig: go.Figure) -> go.Figure:
    """Move the written value of each full-width line (`add_hline`) into the legend."""
    moved = []
    kept = []
    lines = [s for s in _hlines(fig) if _full_width(s.xref)]
    for note in fig.layout.annotations:
        line = next((s for s in lines if _full_width(note.xref) and note.yref == s.yref
                     and _number(note.y) and note.y == s.y0 and note.text), None)
        if line is None:
            kept.append(note)
        else:
            moved.append((note.text, line))
    if not moved:
        return fig
    shown_before = fig.layout.showlegend if fig.layout.showlegend is not None else (
        sum(t.showlegend is not False for t in fig.data) > 1)
    if not shown_before:
        for trace in fig.data:
            trace.showlegend = False
    fig.layout.annotations = kept
    for text, line in moved:
        fig.add_trace(go.Scatter(
            x=[None], y=[None], mode="lines", name=text, showlegend=True, hoverinfo="skip",
            line={"color": line.line.color, "dash": line.line.dash or "solid",
                  "width": line.line.width or 2}))
    fig.update_layout(showlegend=True)
    return fig


def _slots(fig: go.Figure, bars: list) -> float:
    """How many category slots the x axis holds."""
    xs = [x for t in bars for x in (t.x or ())]
    if xs and all(_number(x) for x in xs):
        return max(xs) - min(xs) + 1
    return max(len(dict.fromkeys(xs)), 1)


def _bar_width(fig: go.Figure, trace, n_bars: int) -> float:
    """A bar's width in slot units: its own, else plotly's default for the bar mode."""
    if _number(trace.width):
        return float(trace.width)
    gap = fig.layout.bargap if _number(fig.layout.bargap) else 0.2
    grouped = fig.layout.barmode in (None, "group") and n_bars > 1
    return (1 - gap) / (n_bars if grouped else 1)


def fit_bar_labels(fig: go.Figure) -> go.Figure:
    """Upright value labels where they would be squeezed; none where even that is too tight.

    A label up to `SQUEEZE` times its bar's width stays level (plotly shrinks it a little,
    still readable); beyond that every label of the figure turns upright, so one chart never
    mixes level and upright labels.
    """
    bars = _labelled_bars(fig)
    if not bars:
        return fig
    plot_w, _ = _plot_px(fig)
    slot_px = plot_w / _slots(fig, bars)
    widths = {id(t): _bar_width(fig, t, len(bars)) * slot_px for t in bars}
    squeezed = any(max((text_px(str(s)) for s in t.text if s), default=0)
                   > SQUEEZE * widths[id(t)] for t in bars)
    if not squeezed:
        return fig
    for trace in bars:
        if widths[id(trace)] >= PRINT_FONT_SIZE:
            trace.textangle = UPRIGHT
            trace.constraintext = "none"
        else:
            trace.text = None
    return fig


def lift_labels_over_targets(fig: go.Figure) -> go.Figure:
    """A value label that a target line would cross sits on the line instead."""
    bars = _labelled_bars(fig)
    lines = _hlines(fig)
    if not bars or not lines:
        return fig
    _, plot_h = _plot_px(fig)
    values = [v for t in bars for v in (t.y or ()) if _number(v)]
    top = (fig.layout.yaxis.range[1] if fig.layout.yaxis.range else
           max([*values, *(s.y0 for s in lines)], default=1) * 1.1) or 1
    numeric_x = all(_number(x) for t in bars for x in (t.x or ()))
    for trace in bars:
        upright = trace.textangle == UPRIGHT
        width = _bar_width(fig, trace, len(bars))
        offset = trace.offset if _number(trace.offset) else -width / 2
        texts = list(trace.text)
        notes = []
        for i, (x, v, text) in enumerate(zip(trace.x or (), trace.y or (), texts,
                                              strict=False)):
            if not _number(v) or v < 0 or not text:
                continue
            reach = ((text_px(str(text)) if upright else LINE_PX) + 4) / plot_h * top
            hits = [s.y0 for s in lines if v - 0.01 * top <= s.y0 <= v + reach and (
                _full_width(s.xref) or (numeric_x and _number(s.x0) and _number(s.x1)
                                        and s.x0 < x + offset + width
                                        and s.x1 > x + offset))]
            if not hits or not (numeric_x or len(bars) == 1):
                continue
            texts[i] = ""
            notes.append({"x": x + offset + width / 2 if numeric_x else x, "y": max(hits),
                          "xref": "x", "yref": "y", "text": text, "showarrow": False,
                          "yanchor": "bottom", "yshift": 3,
                          "textangle": UPRIGHT if upright else 0})
        if notes:
            trace.text = texts
            for note in notes:
                fig.add_annotation(**note)
    return fig


def _categories(fig: go.Figure) -> list[str]:
    """The x axis's category labels (text x values, or the tick texts of a numeric axis)."""
    if fig.layout.xaxis.ticktext:
        return [str(t) for t in fig.layout.xaxis.ticktext]
    xs = [x for t in fig.data if t.type in ("bar", "scatter") for x in (t.x or ())
          if isinstance(x, str)]
    return list(dict.fromkeys(xs))


def legend_below_labels(fig: go.Figure) -> go.Figure:
    """A legend under the plot moves below slanted category labels instead of covering them.

    The pages put the legend a fixed fifth of the plot's height below it; plotly slants
    category labels that do not fit side by side, and long slanted labels reach further
    down than that.
    """
    legend = fig.layout.legend
    if fig.layout.showlegend is False or legend.orientation != "h" or not (
            _number(legend.y) and legend.y < 0):
        return fig
    labels = _categories(fig)
    if not labels:
        return fig
    plot_w, plot_h = _plot_px(fig)
    longest = max(text_px(label) for label in labels)
    if longest <= plot_w / len(labels) * 0.95:  # side by side: plotly keeps them level
        return fig
    # slanted 30° (plotly's first choice): the label reaches half its length down
    below = longest * 0.5 + LINE_PX * 1.5
    fig.update_layout(legend={"y": -below / plot_h, "yanchor": "top"})
    return fig


def for_print(fig: go.Figure) -> go.Figure:
    """`fig` (in place) with the print adjustments of this module."""
    fig = lift_labels_over_targets(fit_bar_labels(targets_to_legend(fig)))
    return legend_below_labels(fig)
