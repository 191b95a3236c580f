"""What every run draws first for accessibility: language, Swedish names, style rules.

Streamlit's `index.html` says `<html lang="en">` and has no option for it; the file
uploader's texts ("Upload", "Drag and drop files here"), the skip link and the names that
screen readers read for Streamlit's and plotly's own buttons ("Link to heading", "Help for …",
"Zoom in") are English with no option either. They are fixed in the browser: visible texts
by CSS scoped to Streamlit's `data-testid`s, names (aria-label, tooltip, placeholder) by a
small script; the same style sheet holds the app's few other rules (metric labels and
buttons wrap instead of ending in "…": nothing is cut at 1280×720 or at 200 % zoom).
`tests/e2e/test_a11y_browser.py` fails when a Streamlit upgrade moves any of them.
"""

from __future__ import annotations

import json

import streamlit as st

from dashboard.browser_cookie import SCRIPT_CLASS

LANGUAGE = "sv"
#: English names (aria-label, data-title tooltips, title, placeholder) -> Swedish.
LABELS = {
    "file upload": "Välj filer", "Add files": "Lägg till filer",
    "Skip to main content": "Hoppa till huvudinnehållet", "Link to heading": "Länk till rubriken",
    "App pages": "Sidor", "Sidebar": "Sidofält", "Collapse sidebar": "Fäll ihop sidofältet",
    "Expand sidebar": "Fäll ut sidofältet", "Open": "Öppna", "Choose an option": "Välj",
    "Clear all": "Rensa alla", "Increment": "Öka", "Decrement": "Minska",
    "Show password": "Visa lösenord", "Hide password": "Dölj lösenord",
    "Download as CSV": "Ladda ner som CSV", "Search": "Sök",
    "Show/hide columns": "Visa eller dölj kolumner", "Fullscreen": "Helskärm",
    "Close fullscreen": "Stäng helskärm", "Exit fullscreen": "Stäng helskärm",
    "Download plot as a PNG": "Ladda ner diagrammet som PNG", "Zoom": "Zooma",
    "Pan": "Panorera", "Zoom in": "Zooma in", "Zoom out": "Zooma ut",
    "Autoscale": "Skala automatiskt", "Reset axes": "Återställ axlarna",
    "Reset view": "Återställ vyn",
}
#: English name starts -> Swedish ("Help for Andel till arbete" -> "Hjälp om …").
PREFIXES = {"Help for ": "Hjälp om ", "Remove ": "Ta bort "}
#: The uploader's and the skip link's visible English texts -> Swedish (CSS generated text).
UPLOAD_BUTTON = "Välj filer"
DROP_HERE = "Släpp filerna här"
#: The key of the container holding the page's selection heading (`context.page_context`).
SELECTION_KEY = "finsam_selection"

_DROPZONE = "[data-testid='stFileUploaderDropzone']"
#: The uploader's "Upload" button and the skip link: their text is drawn by CSS, their name
#: set by the script (axe-core, like some screen readers, does not read CSS generated text).
NAMED_BY_SCRIPT = {
    f"{_DROPZONE} [data-testid='stBaseButton-secondary']": UPLOAD_BUTTON,
    "[data-testid='stSkipToContent']": LABELS["Skip to main content"],
}
_UPLOAD_TEXT = (f"{_DROPZONE} [data-testid='stBaseButton-secondary'] "
                "[data-testid='stMarkdownContainer'] p")
_DROP_TEXT = f"{_DROPZONE} > [data-testid='stFileUploaderDropzoneInput'] + div > span:only-child"
_SKIP = "[data-testid='stSkipToContent']"
# An English text is hidden (also from screen readers: visibility) and the Swedish drawn
# after it in the same element.
STYLE = f"""<style>
{_UPLOAD_TEXT}, {_DROP_TEXT} {{ font-size: 0; visibility: hidden; }}
{_UPLOAD_TEXT}::after {{ content: "{UPLOAD_BUTTON}"; font-size: 1rem; visibility: visible; }}
{_DROP_TEXT}::after {{ content: "{DROP_HERE}"; font-size: 1rem; visibility: visible; }}
{_SKIP} {{ font-size: 0; }}
{_SKIP}::after {{ content: "{LABELS['Skip to main content']}"; font-size: 1rem; }}
.st-key-{SELECTION_KEY} h2 {{
  font-size: 0.875rem; font-weight: 400; line-height: 1.5; padding: 0; margin: 0;
  color: inherit; opacity: 0.75;
}}
.js-plotly-plot .plotly .modebar:focus-within .modebar-group {{ opacity: 1; }}
[data-testid='stMetricLabel'] *, [data-testid='stBaseButton-secondary'] p {{
  white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: anywhere;
}}
[data-testid='stMetricLabel'] {{ height: auto !important; min-height: 1.5rem; }}
.st-key-finsam_preload {{ display: none !important; }}
[data-testid='stElementContainer']:has(> [data-testid='stHtml'] > .{SCRIPT_CLASS}) {{
  display: none;
}}
</style>"""

# Runs in the app's own document (st.html is not iframed). Streamlit and plotly redraw their
# widgets, so names are translated again, at most once per frame, whenever the page changes.
SCRIPT = """<span class="%(script_class)s"></span><script>
(() => {
  const lang = %(lang)s, labels = %(labels)s, prefixes = %(prefixes)s, named = %(named)s;
  const attrs = ['aria-label', 'data-title', 'title', 'placeholder'];
  const swedish = value => {
    if (labels[value]) return labels[value];
    for (const [en, sv] of Object.entries(prefixes))
      if (value.startsWith(en)) return sv + value.slice(en.length);
    return null;
  };
  const fix = () => {
    window.__finsamA11yPending = false;
    if (document.documentElement.lang !== lang) document.documentElement.lang = lang;
    for (const [selector, name] of Object.entries(named))
      document.querySelectorAll(selector).forEach(el => {
        if (el.getAttribute('aria-label') !== name) el.setAttribute('aria-label', name);
      });
    // Material icons are named in English ("cancel icon"); in this app an icon always
    // stands beside words that say the same (a status badge, a notice), so it is hidden
    // from screen readers rather than read twice
    document.querySelectorAll("[role='img'][aria-label$=' icon']:not([aria-hidden])")
      .forEach(el => el.setAttribute('aria-hidden', 'true'));
    document.querySelectorAll('[aria-label], [data-title], [title], [placeholder]')
      .forEach(el => attrs.forEach(attr => {
        const value = el.getAttribute(attr), sv = value && swedish(value);
        if (sv && sv !== value) el.setAttribute(attr, sv);
      }));
  };
  fix();
  if (!window.__finsamA11y) {
    window.__finsamA11y = new MutationObserver(() => {
      if (window.__finsamA11yPending) return;
      window.__finsamA11yPending = true;
      requestAnimationFrame(fix);
    });
    window.__finsamA11y.observe(document.documentElement, {subtree: true, childList: true,
      attributes: true, attributeFilter: ['lang', ...attrs]});
  }
})();
</script>"""


def script() -> str:
    """The script with its data filled in (JSON is valid JavaScript)."""
    return SCRIPT % {"script_class": SCRIPT_CLASS, "lang": json.dumps(LANGUAGE),
                     "labels": json.dumps(LABELS), "prefixes": json.dumps(PREFIXES),
                     "named": json.dumps(NAMED_BY_SCRIPT)}


def page_setup() -> None:
    """Draw the style rules and the language script; call once per run, before anything."""
    st.html(STYLE)  # only <style>: Streamlit puts it where it takes no space
    st.html(script(), unsafe_allow_javascript=True)
