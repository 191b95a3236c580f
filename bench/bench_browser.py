"""Benchmark: page redraw after a filter change on the large demo, measured in Chromium.

A real `streamlit run` on the large demo (≥ 1M episodes) and headless Chromium. After the
first load (which reads the database into the cache once), each measured change picks a
filter value in the sidebar; the time runs from the click until the app reports it is idle
again (script state `notRunning`, no skeleton left): what a board member waits for.
Medians per page over the changes. `FINSAM_BENCH_LARGE_DB` may name an existing large demo
database (a SQLAlchemy URL) to skip building one.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "e2e")]

from browser_tools import (  # noqa: E402
    build_demo_db,
    choose,
    launch,
    login,
    open_app,
    open_page_link,
    streamlit_server,
)
from playwright.sync_api import sync_playwright  # noqa: E402

#: Page -> (filter label, value) changes in order. Filters persist across pages (they live in
#: the URL), so each page adds values not chosen before.
CHANGES = {
    "Översikt": [("Kön", "Kvinna"), ("Remittent", "Försäkringskassan"), ("År", "2023"),
                 ("År", "2024")],
    "Resultat": [("Kön", "Man"), ("Remittent", "Arbetsförmedlingen"), ("År", "2023"),
                 ("År", "2024")],
    "Deltagare": [("Remittent", "Kommun"), ("År", "2023"), ("År", "2024"),
                  ("Kön", "Annat/ej angivet")],
    # issue 12: the comparison over every förbund is recomputed for each new selection
    "Jämförelse": [("Remittent", "Region"), ("År", "2025"), ("Remittent", "Egen ansökan"),
                   ("År", "2023")],
}


def run() -> dict:
    """Medians (s) of a filter change per page on the large demo, plus the first load."""
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("FINSAM_BENCH_LARGE_DB") or build_demo_db(Path(tmp) / "large.db",
                                                                       size="large")
        with streamlit_server(url, Path(tmp), timeout=120) as base, \
                sync_playwright() as playwright:
            browser = launch(playwright)
            page = browser.new_page(locale="sv-SE", viewport={"width": 1400, "height": 1000})
            t0 = time.perf_counter()
            open_app(page, base)
            login(page, "admin", "demo-admin")
            first_load = time.perf_counter() - t0
            out: dict[str, dict[str, float]] = {
                "first_login_and_load": {"seconds": first_load}}
            for title, changes in CHANGES.items():
                if title != "Översikt":
                    open_page_link(page, title)
                times = [choose(page, label, value) for label, value in changes]
                out[title] = {"median_s": statistics.median(times), "max_s": max(times),
                              "changes": len(times)}
            browser.close()
    return {"browser_filter_change_large_demo": out}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))
