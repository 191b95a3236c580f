"""End to end in headless Chromium: what AppTest cannot see (cookies, URLs, downloads)."""

from pathlib import Path
from urllib.parse import quote

import polars as pl
import pytest
from browser_tools import (
    CHROMIUM,
    ROOT,
    choose,
    login,
    metric_value,
    open_app,
    open_page_link,
    screenshot,
    selected,
    settle,
    wait_idle,
)
from playwright.sync_api import expect

from dashboard import fmt
from dashboard.context import PAGES, pages_for
from metrics import Selection, public_kpis, year_period

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
NORRDAL = "Demoförbundet Norrdal"
SMALL = {"1", "2", "3", "4"}


def test_chromium_is_installed():
    assert CHROMIUM.exists(), (f"Chromium saknas: {CHROMIUM}. Installera med "
                               "`apt-get install -y chromium` (.ci/run gör det).")


def h1(page):
    return page.get_by_role("heading", level=1)


def download(page, key: str) -> tuple[str, str]:
    """(file name, text) of the CSV download button with widget key `key`."""
    with page.expect_download() as info:
        page.locator(f".st-key-{key} button").click()
    raw = Path(info.value.path()).read_bytes()
    assert raw.startswith("\ufeff".encode()), "CSV without BOM: Excel would garble å/ä/ö"
    return info.value.suggested_filename, raw.decode("utf-8-sig")


def test_admin_logs_in_filters_downloads_and_logs_out(server, new_page, e2e_frames):
    page = new_page()
    open_app(page, server)
    expect(page.get_by_text("Demoläge.")).to_be_visible()
    login(page, "admin", "demo-admin")
    expect(h1(page)).to_have_text("Översikt")
    before = metric_value(page, "Nya deltagare")

    choose(page, "Kön", "Kvinna")

    year = int(selected(page, "År").split()[0])  # "2026 t.o.m. 2026-09-30"
    sel = Selection(forbund=(selected(page, "Förbund"),), date_from=year_period(year)[0],
                    date_to=year_period(year)[1], kon=("Kvinna",))
    women = public_kpis(e2e_frames, sel, 5).values["started"]
    expect(page.locator("[data-testid='stMetric']").filter(has_text="Nya deltagare").first
           .locator("[data-testid='stMetricValue']")).to_have_text(fmt.number(women))
    assert metric_value(page, "Nya deltagare") != before
    assert "kon=Kvinna" in page.url

    name, text = download(page, "csv_oversikt")
    assert name == "oversikt.csv"
    assert text.splitlines()[0] == (
        "Insats;Andel till arbete;Till arbete, antal;Andel till arbete, studier eller rehab;"
        "Till arbete, studier eller rehab, antal;Beläggningsgrad;Nyttjandegrad;Målstatus")

    open_page_link(page, "Deltagare")
    expect(h1(page)).to_have_text("Deltagare")
    name, text = download(page, "csv_deltagare_forsorjning")
    table = pl.read_csv(text.encode(), separator=";", infer_schema=False)
    assert table.columns == ["Försörjning före", "Försörjning efter", "Antal"]
    counts = set(table["Antal"].to_list())
    assert not counts & SMALL, counts
    assert "<5" in counts  # small flows are there, hidden

    settle(page, lambda: page.get_by_role("button", name="Logga ut").click())
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    expect(h1(page)).to_have_text("Logga in")  # the login page, no KPI page
    assert "finsam_login" not in {c["name"] for c in page.context.cookies()}
    page.reload()
    wait_idle(page)
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    expect(h1(page)).to_have_text("Logga in")  # the login page, no KPI page


def test_login_cookie_survives_reload_and_screenshots_every_admin_page(server, new_page):
    page = new_page()
    open_app(page, server)
    login(page, "admin", "demo-admin")
    assert "finsam_login" in {c["name"] for c in page.context.cookies()}

    page.reload()  # a new Streamlit session: only the cookie can log us in
    wait_idle(page)
    expect(h1(page)).to_have_text("Översikt")
    expect(page.get_by_label("Användarnamn")).to_have_count(0)

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for key in pages_for("admin"):
        title = PAGES[key][0]
        if key != "oversikt":
            open_page_link(page, title)
        expect(h1(page)).to_have_text(title)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        screenshot(page, SCREENSHOTS / f"{key}.png")
    assert {p.stem for p in SCREENSHOTS.glob("*.png")} >= set(PAGES)


def test_styrelse_never_sees_norrdal_even_when_the_url_asks(server, new_page):
    page = new_page()
    open_app(page, server)
    login(page, "styrelse", "demo-styrelse")

    for path in ("/", "/resultat"):
        open_app(page, f"{server}{path}?forbund={quote(NORRDAL)}")
        expect(h1(page)).to_have_text("Översikt" if path == "/" else "Resultat")
        expect(page.locator("[data-testid='stMetric']").first).to_be_visible()
        assert "Norrdal" not in page.locator("body").inner_text()
        assert "Norrdal" not in page.content()
        assert selected(page, "Förbund") == "Demoförbundet Sjöstad"


def test_styrgrupp_cannot_open_a_page_of_another_role_by_url(server, new_page):
    page = new_page()
    open_app(page, server)
    login(page, "styrgrupp", "demo-styrgrupp")

    for key in ("ekonomi", "indikatorer", "uppladdning", "historik"):
        open_app(page, f"{server}/{key}")
        # the page's title and a Swedish reason, none of its numbers (context.not_open_page)
        expect(h1(page)).to_have_text(PAGES[key][0])
        expect(page.get_by_text(f"Sidan {PAGES[key][0]} är inte öppen för din roll "
                                "(styrgrupp).")).to_be_visible()
        assert page.locator("[data-testid='stMetric']").count() == 0
        nav = page.locator("[data-testid='stSidebarNav']").inner_text()
        assert PAGES[key][0] not in nav
