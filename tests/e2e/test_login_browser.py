"""The login cookie in a real browser: attributes, reload, and revocation by logout."""

import pytest
from browser_tools import login, open_app, settle, wait_idle
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def h1(page):
    return page.get_by_role("heading", level=1)


def test_cookie_is_strict_survives_reload_and_a_copy_dies_with_logout(server, new_page):
    page = new_page()
    open_app(page, server)
    login(page, "samordnare", "demo-samordnare")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "finsam_login"]
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False  # plain http on localhost; https sets Secure

    page.reload()  # a new Streamlit session: only the cookie can log us in
    wait_idle(page)
    expect(h1(page)).to_have_text("Översikt")

    thief = new_page()  # another browser with a copy of the cookie
    thief.context.add_cookies([cookie])
    open_app(thief, server)
    expect(h1(thief)).to_have_text("Översikt")

    settle(page, lambda: page.get_by_role("button", name="Logga ut").click())
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    assert "finsam_login" not in {c["name"] for c in page.context.cookies()}

    thief.reload()
    wait_idle(thief)
    expect(thief.get_by_label("Användarnamn")).to_be_visible()
    expect(h1(thief)).to_have_text("Logga in")  # the login page, no KPI page
