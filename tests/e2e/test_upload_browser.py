"""The samordnare's quarter in Chromium: upload → check → preview → commit → undo."""

import shutil

import pytest
from browser_tools import (
    ROOT,
    login,
    metric_value,
    open_app,
    open_page_link,
    screenshot,
    selected,
    settle,
)
from playwright.sync_api import expect
from sqlalchemy import func, select

from loaders.db import DATA_TABLES
from loaders.schema import make_engine
from tests.upload_files import NEW_EPISODES, NORRDAL, deltagare_csv, insats_of

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


@pytest.fixture(scope="module")
def upload_server(e2e_db, tmp_path_factory):
    """A server of its own on a copy of the demo database (this test writes to it)."""
    from browser_tools import streamlit_server

    workdir = tmp_path_factory.mktemp("upload-server")
    copy = workdir / "demo.db"
    shutil.copy(e2e_db.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    with streamlit_server(url, workdir) as base:
        yield base, url


def episode_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(DATA_TABLES["episodes"])
                                ).scalar_one()
    finally:
        engine.dispose()


def test_upload_preview_commit_and_undo(upload_server, new_page, e2e_frames, tmp_path):
    base, url = upload_server
    stored = episode_count(url)
    page = new_page()
    open_app(page, base)
    login(page, "samordnare", "demo-samordnare")
    year = int(selected(page, "År").split()[0])  # "2026 t.o.m. 2026-09-30"
    share_before = metric_value(page, "Andel till arbete")
    csv = tmp_path / "Deltagare.csv"
    csv.write_bytes(deltagare_csv(NORRDAL, insats_of(e2e_frames, NORRDAL), year))

    open_page_link(page, "Uppladdning")
    chooser = page.locator("[data-testid='stFileUploaderDropzoneInput']")
    settle(page, lambda: chooser.set_input_files(str(csv)))

    expect(page.get_by_text("Inga problem hittades.")).to_be_visible()
    expect(page.get_by_role("heading", name="Förhandsgranskning")).to_be_visible()
    expect(page.get_by_text("Nyckeltal som ändras")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(page, SCREENSHOTS / "uppladdning-forhandsgranskning.png")
    assert episode_count(url) == stored  # the preview writes nothing

    settle(page, lambda: page.get_by_role("button", name="Spara uppladdningen").click())
    expect(page.get_by_text("Uppladdning 2 är sparad.", exact=False)).to_be_visible()
    assert episode_count(url) == stored + NEW_EPISODES

    open_page_link(page, "Översikt")
    expect(page.locator("[data-testid='stMetric']").first).to_be_visible()
    assert metric_value(page, "Andel till arbete") != share_before

    open_page_link(page, "Historik")
    settle(page, lambda: page.get_by_text("Jag vill ångra uppladdning 2", exact=False).click())
    settle(page, lambda: page.get_by_role("button", name="Ångra uppladdningen").click())
    expect(page.get_by_text(f"Uppladdning 2 är ångrad: {NEW_EPISODES} rader borttagna, "
                            "0 återställda.")).to_be_visible()
    screenshot(page, SCREENSHOTS / "historik-angrad.png")
    assert episode_count(url) == stored

    open_page_link(page, "Översikt")
    expect(page.locator("[data-testid='stMetric']").first).to_be_visible()
    assert metric_value(page, "Andel till arbete") == share_before
