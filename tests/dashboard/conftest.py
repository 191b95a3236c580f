"""AppTest fixtures: one demo database per session, apps logged in through the real form.

The environment (database, demo mode, an empty auth file, no cookie key) is set per test
with monkeypatch, so nothing leaks into tests outside this folder. Streamlit's caches are
kept between tests: they are keyed by database URL, data version, viewer and selection, and
every test reads the same database; clearing them would only re-hash the demo passwords and
re-read the frames for each test. `fresh_caches` clears them for a test that needs it.
"""

from __future__ import annotations

import pytest
import streamlit as st
from apptest_tools import new_app, submit_login
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


@pytest.fixture(scope="session")
def demo_url(tmp_path_factory) -> str:
    """A SQLite database filled exactly like `finsam demo` (small demo, one upload)."""
    from dashboard.cli import main

    url = f"sqlite:///{tmp_path_factory.mktemp('dashboard') / 'demo.db'}"
    assert main(["--db", url, "demo"]) == 0
    return url


@pytest.fixture(scope="session")
def demo_frames(demo_url):
    """Every table of the demo database, read the way the app reads it (unscoped)."""
    from loaders.frames import load_frames
    from loaders.schema import make_engine

    engine = make_engine(demo_url)
    try:
        return load_frames(engine)
    finally:
        engine.dispose()


@pytest.fixture(autouse=True)
def app_env(monkeypatch, tmp_path, demo_url):
    """Demo mode against the demo database, no auth file users, no cookie key."""
    monkeypatch.setenv("DATABASE_URL", demo_url)
    monkeypatch.setenv("FINSAM_DEMO", "1")
    monkeypatch.setenv("FINSAM_AUTH_FILE", str(tmp_path / "auth.yaml"))
    for name in ("FINSAM_COOKIE_KEY", "FINSAM_SUPPRESS"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "auth.yaml"


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Login failures of one test never lock out the next (the store is process-wide)."""
    from dashboard import auth

    auth.THROTTLE.clear()
    yield auth.THROTTLE
    auth.THROTTLE.clear()


@pytest.fixture
def fresh_caches():
    """Clear Streamlit's caches before and after the test."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def logged_in():
    """Factory: `logged_in(role, query_params=None)` -> an AppTest past the real login form.

    The demo user of each role has the role's name as user name (loaders.demo.DEMO_USERS).
    """
    from loaders.demo import DEMO_USERS

    passwords = {u["username"]: u["password"] for u in DEMO_USERS}

    def login(role: str, query_params: dict[str, str | list[str]] | None = None):
        at = new_app(query_params).run()
        assert not at.exception, at.exception
        submit_login(at, role, passwords[role])
        assert not at.exception, at.exception
        at.run()  # a later run of the same session (a filter change in a browser)
        assert not at.exception, at.exception
        assert any(b.label == "Logga ut" for b in at.sidebar.button)
        return at

    return login


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """File name -> bytes of every download button drawn during the test.

    AppTest drops its media storage after each run, so the storage is wrapped to keep a copy.
    """
    seen: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            seen[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    deferred = MediaFileManager.add_deferred

    def press(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        # a download made on the click (`ui.download_buttons`): made here as if pressed
        data = data_callable()
        if file_name:
            seen[file_name] = data.encode("utf-8") if isinstance(data, str) else data
        return deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", press)
    return seen


@pytest.fixture
def browser_cookies(monkeypatch) -> dict[str, str]:
    """The cookies the browser sent when the session started (`st.context.cookies`).

    AppTest has no browser, so tests put cookies in this dict; every new AppTest run after
    that sees them, as a reloaded browser tab would.
    """
    jar: dict[str, str] = {}
    monkeypatch.setattr(type(st.context), "cookies", property(lambda self: jar))
    return jar


@pytest.fixture
def cookies_set(monkeypatch) -> list[dict]:
    """Every cookie the app's page script stores: name, value and the attributes.

    Read from the very string the script assigns to `document.cookie` (AppTest runs no
    JavaScript); attribute names are lower case, flags map to True.
    """
    from dashboard import browser_cookie

    written: list[dict] = []
    original = browser_cookie.run_in_page

    def record(cookie: str) -> None:
        pair, *attributes = cookie.split("; ")
        name, value = pair.split("=", 1)
        options = dict(a.split("=", 1) if "=" in a else (a, True) for a in attributes)
        written.append({"name": name, "value": value,
                        **{k.lower(): v for k, v in options.items()}})
        original(cookie)

    monkeypatch.setattr(browser_cookie, "run_in_page", record)
    return written
