"""Browser fixtures: one Streamlit server on the small demo and one Chromium per session."""

from __future__ import annotations

import pytest
from browser_tools import CHROMIUM, build_demo_db, launch, streamlit_server
from playwright.sync_api import expect, sync_playwright

expect.set_options(timeout=20_000)


@pytest.fixture(scope="session")
def e2e_db(tmp_path_factory) -> str:
    """A demo database filled like `finsam demo`."""
    return build_demo_db(tmp_path_factory.mktemp("e2e") / "demo.db")


@pytest.fixture(scope="session")
def server(e2e_db, tmp_path_factory) -> str:
    """Base URL of `streamlit run dashboard/app.py` in demo mode on that database."""
    with streamlit_server(e2e_db, tmp_path_factory.mktemp("server")) as base:
        yield base


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium; a missing binary fails the tests (it is never a reason to skip)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium saknas: {CHROMIUM} finns inte. Installera med "
                    "`apt-get install -y chromium` (.ci/run gör det).", pytrace=False)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium):
    """Factory: a page in a fresh Swedish browser context (own cookies) per call."""
    contexts = []

    def make():
        context = chromium.new_context(locale="sv-SE", viewport={"width": 1400, "height": 1000},
                                       accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def e2e_frames(e2e_db):
    """The demo tables, to compute what the browser must show."""
    from loaders.frames import load_frames
    from loaders.schema import make_engine

    engine = make_engine(e2e_db)
    try:
        return load_frames(engine)
    finally:
        engine.dispose()
