"""Presentationsläge on a projector (1280×720): every page of every board role, looked at.

Screenshots go to test-artifacts/presentation/. Each page is checked as the board sees it:
the sidebar collapsed, no metric label or button text cut with "…", the first key figure
above the fold, chart text at least 14 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_tools import login, open_app, wait_idle, wait_quiet
from playwright.sync_api import expect

from dashboard.context import PAGES, pages_for

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-artifacts" / "presentation"
PROJECTOR = {"width": 1280, "height": 720}
PASSWORDS = {"styrelse": "demo-styrelse", "styrgrupp": "demo-styrgrupp",
             "samordnare": "demo-samordnare"}

#: Elements whose text is cut when they overflow: metric labels, values, buttons.
_CUT = """() => [...document.querySelectorAll(
    "[data-testid='stMetricLabel'] p, [data-testid='stMetricValue'] div,"
    + " [data-testid='stMetricValue'], [data-testid='stMain'] button p")]
  .filter(el => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
  .map(el => el.innerText.trim())"""
_FIRST_METRIC_BOTTOM = """() => {
  const m = document.querySelector("[data-testid='stMetricValue']");
  return m ? m.getBoundingClientRect().bottom : null;
}"""
_SMALLEST_CHART_TEXT = """() => Math.min(...[...document.querySelectorAll(
    "[data-testid='stPlotlyChart'] svg text")]
  .filter(t => t.textContent.trim() && t.getBBox().width > 0)
  .map(t => parseFloat(getComputedStyle(t).fontSize)))"""


@pytest.mark.parametrize("role", list(PASSWORDS))
def test_every_page_in_presentation_mode_at_1280x720(server, chromium, role):
    context = chromium.new_context(locale="sv-SE", viewport=PROJECTOR)
    page = context.new_page()
    try:
        open_app(page, f"{server}/?presentation=true")
        login(page, role, PASSWORDS[role])
        SHOTS.mkdir(parents=True, exist_ok=True)
        problems = []
        for key in pages_for(role):
            page.goto(f"{server}/{key}?presentation=true")
            wait_idle(page, timeout=60_000)
            wait_quiet(page)
            expect(page.get_by_role("heading", level=1)).to_have_text(PAGES[key][0])
            page.screenshot(path=SHOTS / f"{role}-{key}.png")
            sidebar = page.locator("[data-testid='stSidebar']").bounding_box()
            if sidebar and sidebar["x"] + sidebar["width"] > 0:
                problems.append(f"{key}: sidebar open")
            if page.get_by_text("Page not found").count():
                problems.append(f"{key}: Streamlit's English 'Page not found'")
            if cut := page.evaluate(_CUT):
                problems.append(f"{key}: cut {cut}")
            bottom = page.evaluate(_FIRST_METRIC_BOTTOM)
            if bottom is not None and bottom > PROJECTOR["height"]:
                problems.append(f"{key}: first key figure below the fold ({bottom:.0f} px)")
            if page.locator("[data-testid='stPlotlyChart'] svg text").count():
                smallest = page.evaluate(_SMALLEST_CHART_TEXT)
                if smallest < 14:
                    problems.append(f"{key}: chart text {smallest} px")
        assert not problems, "\n".join(problems)
    finally:
        context.close()
