"""Accessibility checks in the browser: axe-core (bundled by axe-playwright-python), headings,
document language, chart text alternatives and chart text contrast.

The allow-list is `dashboard.statement.KNOWN_ISSUES`: a finding is excused only when an entry
names its rule and a selector its element matches, and every entry is listed in the
tillgänglighetsredogörelse with the upstream issue that has to fix it.
"""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from dashboard import a11y
from dashboard.charts import contrast
from dashboard.statement import KNOWN_ISSUES

AXE = Axe()
BLOCKING_IMPACTS = {"serious", "critical"}
#: Rules that fail whatever axe calls their impact: item 3 of issue 11 asks for them.
ALWAYS_BLOCKING = {"heading-order", "page-has-heading-one", "html-has-lang", "html-lang-valid",
                   "document-title", "empty-heading"}
ALLOWED = [(issue.rule, issue.target) for issue in KNOWN_ISSUES if issue.rule]

_HEADINGS = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.checkVisibility() && h.innerText.trim())
  .map(h => [Number(h.tagName[1]), h.innerText.trim()])"""

# Every chart: is the next element a caption naming the chart kind, and when the caption
# points at "the table under the chart", is there a table after it?
_CHARTS = """() => {
  const tables = [...document.querySelectorAll("[data-testid='stDataFrame']")];
  // charts hidden with display: none (the login page's preload) are neither seen nor read
  return [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
    .filter(chart => chart.getClientRects().length > 0).map(chart => {
    const box = chart.closest("[data-testid='stElementContainer']");
    const next = box && box.nextElementSibling;
    const caption = next && next.querySelector("[data-testid='stCaptionContainer']");
    const text = caption ? caption.innerText.trim() : '';
    const table = tables.some(t => caption &&
      (caption.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING));
    return {text, table};
  });
}"""

# Every visible text in a chart: its colour, size and weight, and what is behind it (the bar
# for a label inside a bar, else the white paper).
_CHART_TEXTS = """() => [...document.querySelectorAll('.js-plotly-plot svg text')]
  .filter(t => t.textContent.trim() && t.getBBox().width > 0
               && getComputedStyle(t).visibility !== 'hidden')
  .map(t => {
    const style = getComputedStyle(t);
    const inside = t.classList.contains('bartext-inside');
    const bar = inside && t.closest('.point') && t.closest('.point').querySelector('path');
    return {text: t.textContent.trim(), fill: style.fill,
            opacity: Number(style.fillOpacity || 1) * Number(style.opacity || 1),
            size: parseFloat(style.fontSize), bold: Number(style.fontWeight) >= 700,
            background: bar ? getComputedStyle(bar).fill : 'rgb(255, 255, 255)'};
  })"""


def _hex(rgb: str) -> str:
    """`rgb(1, 2, 3)` -> `#010203`."""
    parts = [int(float(p)) for p in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    return "#" + "".join(f"{p:02x}" for p in parts)


def axe_findings(page) -> list[str]:
    """Blocking axe-core findings on the page, each as one readable line ([] when clean)."""
    results = AXE.run(page).response
    found = []
    for violation in results["violations"]:
        rule, impact = violation["id"], violation.get("impact")
        if impact not in BLOCKING_IMPACTS and rule not in ALWAYS_BLOCKING:
            continue
        for node in violation["nodes"]:
            selector = node["target"][0]
            allowed = [target for r, target in ALLOWED if r == rule]
            if allowed and page.evaluate(
                    "([sel, targets]) => { const el = document.querySelector(sel);"
                    " return !!el && targets.some(t => el.matches(t)); }",
                    [selector, allowed]):
                continue
            why = (node.get("any") or node.get("all") or node.get("none") or [{}])[0]
            found.append(f"{rule} ({impact}): {node['html'][:160]} – {why.get('message', '')}")
    return found


def heading_problems(page) -> list[str]:
    """Headings out of order: not starting with one h1, or skipping a level going down."""
    headings = page.evaluate(_HEADINGS)
    problems = []
    if [level for level, _ in headings].count(1) != 1 or not headings or headings[0][0] != 1:
        problems.append(f"one h1 first: {headings}")
    for (before, _), (level, text) in zip(headings, headings[1:], strict=False):
        if level > before + 1:
            problems.append(f"h{before} → h{level} ({text})")
    return problems


def chart_problems(page) -> list[str]:
    """Charts without a text summary, or whose summary points at a table that is not there."""
    problems = []
    for i, chart in enumerate(page.evaluate(_CHARTS)):
        if "diagram" not in chart["text"].lower():
            problems.append(f"chart {i + 1}: no summary under it ({chart['text']!r})")
        elif "tabellen under diagrammet" in chart["text"] and not chart["table"]:
            problems.append(f"chart {i + 1}: no table after it")
    return problems


def chart_contrast_problems(page) -> list[str]:
    """Chart texts under 4.5:1 (3:1 for large text) against what is behind them."""
    problems = []
    for text in page.evaluate(_CHART_TEXTS):
        if text["opacity"] < 1 or "rgb" not in text["fill"]:
            continue  # invisible helper texts; gradients do not occur
        large = text["size"] >= 24 or (text["bold"] and text["size"] >= 18.66)
        ratio = contrast(_hex(text["fill"]), _hex(text["background"]))
        if ratio < (3.0 if large else 4.5):
            problems.append(f"{text['text']!r}: {ratio:.2f}:1 ({text['fill']} on "
                            f"{text['background']})")
    return problems


def english_names(page) -> list[str]:
    """Names still in Streamlit's or plotly's English.

    Those of `a11y.LABELS` and `a11y.PREFIXES`, and Material icons read as "cancel icon".
    """
    return page.evaluate("""([labels, prefixes]) => {
      const out = [];
      document.querySelectorAll('[aria-label], [data-title], [title], [placeholder]')
        .forEach(el => ['aria-label', 'data-title', 'title', 'placeholder'].forEach(attr => {
          const v = el.getAttribute(attr);
          if (v && (labels.includes(v) || prefixes.some(p => v.startsWith(p))))
            out.push(`${attr}=${v}`);
        }));
      document.querySelectorAll("[role='img'][aria-label$=' icon']")  // Material icons
        .forEach(el => { if (el.getAttribute('aria-hidden') !== 'true')
          out.push(`aria-label=${el.getAttribute('aria-label')}`); });
      return out;
    }""", [list(a11y.LABELS), list(a11y.PREFIXES)])


def document_language(page) -> str:
    """The `lang` of the document."""
    return page.evaluate("document.documentElement.lang")
