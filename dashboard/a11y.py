"""What every run draws first for accessibility: the document language, Swedish texts for
Streamlit's own English words in the file uploader, and the app's few style rules.

Streamlit's `index.html` says `<html lang="en">` and has no option for it, and the file
uploader's texts ("Upload", "Drag and drop files here", aria-labels) are English with no
option either. Both are fixed in the browser, scoped to Streamlit's `data-testid`s:
`tests/e2e/test_a11y_browser.py` fails when a Streamlit upgrade moves them.
"""

from __future__ import annotations

import streamlit as st

LANGUAGE = "sv"
#: Streamlit's English names for the uploader's controls -> Swedish (aria-labels, read aloud).
ARIA_LABELS = {"file upload": "Välj filer", "Add files": "Lägg till filer"}
REMOVE_PREFIX = ("Remove ", "Ta bort ")
#: The uploader's visible English texts -> Swedish (CSS generated content).
UPLOAD_BUTTON = "Välj filer"
DROP_HERE = "Släpp filerna här"
#: The key of the container holding the page's selection heading (`context.page_context`).
SELECTION_KEY = "finsam_selection"

_DROPZONE = "[data-testid='stFileUploaderDropzone']"
#: The uploader's "Upload" button: its text is drawn by CSS, its name set by the script
#: (axe-core, like some screen readers, does not read CSS generated text).
UPLOAD_BUTTON_SELECTOR = f"{_DROPZONE} [data-testid='stBaseButton-secondary']"
# The English text is hidden (also from screen readers: visibility), the Swedish drawn after
# it in the same element; a generated text is part of the button's accessible name.
STYLE = f"""<style>
{_DROPZONE} [data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer'] p,
{_DROPZONE} > [data-testid='stFileUploaderDropzoneInput'] + div > span:only-child {{
  font-size: 0; visibility: hidden;
}}
{_DROPZONE} [data-testid='stBaseButton-secondary'] [data-testid='stMarkdownContainer'] p::after {{
  content: "{UPLOAD_BUTTON}"; font-size: 1rem; visibility: visible;
}}
{_DROPZONE} > [data-testid='stFileUploaderDropzoneInput'] + div > span:only-child::after {{
  content: "{DROP_HERE}"; font-size: 1rem; visibility: visible;
}}
.st-key-{SELECTION_KEY} h2 {{
  font-size: 0.875rem; font-weight: 400; line-height: 1.5; padding: 0; margin: 0;
  color: inherit; opacity: 0.8;
}}
[data-testid='stElementContainer']:has(> [data-testid='stHtml'] > .finsam-a11y-script) {{
  display: none;
}}
</style>"""

# Runs in the app's own document (st.html is not iframed). Streamlit re-renders its widgets,
# so the labels are translated again whenever the page changes.
SCRIPT = """<span class="finsam-a11y-script"></span><script>
(() => {
  const lang = %(lang)s, labels = %(labels)s, remove = %(remove)s;
  const upload = %(upload)s, button = %(button)s;
  const fix = () => {
    if (document.documentElement.lang !== lang) document.documentElement.lang = lang;
    document.querySelectorAll(button).forEach(el => {
      if (el.getAttribute('aria-label') !== upload) el.setAttribute('aria-label', upload);
    });
    document.querySelectorAll("[data-testid='stFileUploader'] [aria-label]").forEach(el => {
      const label = el.getAttribute('aria-label');
      if (labels[label]) el.setAttribute('aria-label', labels[label]);
      else if (label.startsWith(remove[0]))
        el.setAttribute('aria-label', remove[1] + label.slice(remove[0].length));
    });
  };
  fix();
  if (!window.__finsamA11y) {
    window.__finsamA11y = new MutationObserver(fix);
    window.__finsamA11y.observe(document.documentElement, {subtree: true, childList: true,
      attributes: true, attributeFilter: ['lang', 'aria-label']});
  }
})();
</script>"""


def script() -> str:
    """The script with its data filled in (JSON is valid JavaScript)."""
    import json

    return SCRIPT % {"lang": json.dumps(LANGUAGE), "labels": json.dumps(ARIA_LABELS),
                     "remove": json.dumps(REMOVE_PREFIX), "upload": json.dumps(UPLOAD_BUTTON),
                     "button": json.dumps(UPLOAD_BUTTON_SELECTOR)}


def page_setup() -> None:
    """Draw the style rules and the language script; call once per run, before anything."""
    st.html(STYLE)  # only <style>: Streamlit puts it where it takes no space
    st.html(script(), unsafe_allow_javascript=True)
