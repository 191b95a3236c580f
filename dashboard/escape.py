"""Text from the data shown as plain text: in Streamlit markdown, in plotly charts, in CSV.

Names in an upload (förbund, insats, grupp, kostnadsslag, mått, frågor, perioder, file
names …) are free text written by whoever fills the spreadsheet. Three places would read
them as code: Streamlit renders markdown in captions, headings, notices, metric, tab and
expander labels (links, HTML, LaTeX, `:red[…]`, `:material/…:` icons, autolinked URLs);
plotly renders a subset of HTML in every chart text (`<a href>`, `<b>`, `<br>`,
`<span style>`); Excel runs a CSV cell that starts with `=`, `+`, `-` or `@` as a formula.
Each boundary has one function here, applied where data meets it:

- `markdown(text)`: by whoever puts a data value into a markdown string (page captions,
  headings, notices). Widget options of `st.selectbox`/`st.multiselect` and table cells are
  plain text already; options of `st.radio`, `st.pills` and `st.segmented_control`, and
  tab/expander labels, are markdown and need it.
- `figure(fig)`: by `ui.chart` on every figure before it is drawn, so a new chart gets it
  without asking. Trace data (x, y, text, names, customdata, labels …), axis tick texts and
  annotation positions are plain text; titles, annotation texts and hover templates are
  markup written by the chart code, which escapes data it puts there with `chart_text()`
  (`charts.titled` does so for every chart title).
- `csv_frame(df)`: by `ui.download_buttons` (OWASP's advice on CSV injection).

The xlsx downloads need no escaping: they are written with `ui.workbook_bytes`, whose
workbook stores every string as a string (no formulas, no hyperlinks).
"""

from __future__ import annotations

import re

import plotly.graph_objects as go
import polars as pl

#: Characters that start markdown, HTML, LaTeX or a Streamlit directive anywhere in a line
#: (emphasis, code, links, images, footnotes, tables, headings, quotes, entities, `$…$`,
#: `:red[…]`): each is backslash-escaped, and CommonMark shows an escaped ASCII punctuation
#: character literally. `-`, `+`, `.`, `=` and parentheses only matter at a line start.
_MD_INLINE = re.compile(r"([\\`*_~\[\]{}<>!|$:&@#^])")
#: At the start of a line: a list item (`- `, `+ `), an ordered list (`1. `, `1) `), a
#: setext underline (`=`); the punctuation is escaped.
_MD_LINE_START = (re.compile(r"^(\s*)([-+=])"), re.compile(r"^(\s*\d+)([.)])"))
#: Line breaks and other control characters would start new markdown blocks (a heading, a
#: list, a code block); in a name they are shown as a space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
#: Invisible, keeps neighbours on one line: breaks the patterns below without showing.
WORD_JOINER = "\u2060"
# Streamlit and remark-gfm also rewrite the *decoded* text after parsing, where backslash
# escapes no longer count: emoji and icon shortcodes (`:smile:`, `:material/home:`,
# `:streamlit:`), literal autolinks (`http://…`, `www.…`, `a@b.se`) and typographic arrows
# (`->`, `<=`, `--`). A word joiner after each colon not followed by a space, before each
# @, after `www` and between arrow characters breaks every one of these patterns.
_AFTER_COLON = (re.compile(r"\\:(?=\S)"), "\\:" + WORD_JOINER)
_BEFORE_AT = (re.compile(r"\\@"), WORD_JOINER + "\\@")
_WWW = (re.compile(r"(?i)(www)(?=\.)"), r"\1" + WORD_JOINER)
_ARROW = (re.compile(r"(\\?[<>~-])(?=\\?[->=])"), r"\1" + WORD_JOINER)

#: Cell starts that make Excel (and LibreOffice) evaluate a CSV cell (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def markdown(text: object) -> str:
    r"""`text` as markdown that Streamlit shows literally, character for character.

    Control characters become spaces; the text is otherwise unchanged on screen (word
    joiners are invisible).

    >>> print(markdown("**fet** $x$"))
    \*\*fet\*\* \$x\$
    """
    escaped = _MD_INLINE.sub(r"\\\1", _CONTROL.sub(" ", str(text)))
    for start in _MD_LINE_START:
        escaped = start.sub(r"\1\\\2", escaped)
    for pattern, replacement in (_AFTER_COLON, _BEFORE_AT, _WWW, _ARROW):
        escaped = pattern.sub(replacement, escaped)
    return escaped


def chart_text(text: object) -> str:
    """`text` for a plotly text field (a title, a hover template), shown literally.

    `<`, `>`, `&` (and `$`, which starts LaTeX where MathJax is loaded) become entities; a
    line break becomes plotly's `<br>`.

    >>> chart_text('<a href="http://x">k</a> & $x$')
    '&lt;a href="http://x"&gt;k&lt;/a&gt; &amp; &#36;x&#36;'
    """
    escaped = (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
               .replace("$", "&#36;"))
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def map_strings(value, fn, *, keep_key=lambda key: False):
    """`value` with `fn` applied to every string in it (dicts, lists, arrays, nested).

    Returns the same object where nothing changed, so a caller can tell whether to set it.
    Dict entries whose key `keep_key` accepts are left as they are.
    """
    if isinstance(value, str):
        changed = fn(value)
        return value if changed == value else changed
    if isinstance(value, dict):
        out = {k: v if keep_key(k) else map_strings(v, fn, keep_key=keep_key)
               for k, v in value.items()}
        return value if all(out[k] is value[k] for k in value) else out
    if isinstance(value, list | tuple) or getattr(getattr(value, "dtype", None), "kind",
                                                  None) in ("O", "U", "S"):
        items = list(value)
        out = [map_strings(v, fn, keep_key=keep_key) for v in items]
        return value if all(a is b for a, b in zip(out, items, strict=True)) else out
    return value


def _plain(value):
    """`value` with every string in it escaped by `chart_text` (hover templates are markup)."""
    return map_strings(value, chart_text, keep_key=lambda key: key.endswith("template"))


def figure(fig: go.Figure) -> go.Figure:
    """Escape, in place, every data text of a figure so plotly shows it literally.

    Trace properties (all but `type` and the `*template` ones), axis tick texts and
    category orders, and the x/y of annotations (a category name on a category axis) are
    data. Only properties holding a `<`, `>`, `&`, `$` or line break are set again, so a
    figure without any costs no re-validation.
    """
    for trace in fig.data:
        for key, value in trace.to_plotly_json().items():
            if key == "type" or key.endswith("template"):
                continue
            escaped = _plain(value)
            if escaped is not value:
                trace[key] = escaped
    for axis in (*fig.select_xaxes(), *fig.select_yaxes()):
        for key in ("ticktext", "categoryarray"):
            value = axis[key]
            if value is not None and (escaped := _plain(value)) is not value:
                axis[key] = escaped
    for annotation in fig.layout.annotations:
        for key in ("x", "y"):
            value = annotation[key]
            if isinstance(value, str) and (escaped := chart_text(value)) != value:
                annotation[key] = escaped
    return fig


def csv_frame(df: pl.DataFrame) -> pl.DataFrame:
    """Text cells that Excel would run as a formula, prefixed with `'` (numbers untouched).

    OWASP's advice for CSV exports: a cell starting with `=`, `+`, `-`, `@`, a tab or a
    carriage return gets a leading apostrophe, so it is read as text.
    """
    starts = r"^[=+\-@\t\r]"  # FORMULA_START
    return df.with_columns(
        pl.when(pl.col(c).str.contains(starts)).then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c)).alias(c)
        for c, dtype in df.schema.items() if dtype == pl.String)


def csv_cell(text: str) -> str:
    """One text cell as `csv_frame` writes it: `'=1+1` for `=1+1`."""
    return "'" + text if text.startswith(FORMULA_START) else text
