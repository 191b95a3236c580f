"""Run the dashboard in a real Streamlit server and drive it from headless Chromium.

Shared by the end-to-end tests and `bench/bench_browser.py`. Waiting is event based: a
MutationObserver in the page records every change of the app's script state, so an action
is "done" when a run that started after it has finished and no skeleton is left.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
APP_SELECTOR = "[data-testid='stApp']"
IDLE_SELECTOR = "[data-testid='stApp'][data-test-script-state='notRunning']"
SKELETON_SELECTOR = "[data-testid='stSkeleton']"

_OBSERVE = """() => {
  if (window.__finsamRuns) return;
  window.__finsamRuns = [];
  window.__finsamSince = performance.now();
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => window.__finsamRuns.push(
      [performance.now(), app.getAttribute('data-test-script-state')]))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
_SETTLED = """([t0, runningAtT0]) => {
  const app = document.querySelector("[data-testid='stApp']");
  const runs = window.__finsamRuns || [];
  return (runningAtT0 || runs.some(([t, s]) => t >= t0 && s === 'running'))
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']");
}"""


_QUIET = """(quiet) => {
  const app = document.querySelector("[data-testid='stApp']");
  const runs = window.__finsamRuns;
  const last = runs.length ? runs[runs.length - 1][0] : window.__finsamSince;
  return app.getAttribute('data-test-script-state') === 'notRunning'
    && !document.querySelector("[data-testid='stSkeleton']")
    && performance.now() - last >= quiet;
}"""


def require_chromium() -> str:
    """The Chromium binary, or a clear failure (.ci/run installs it; the tests never skip)."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"Chromium saknas: {CHROMIUM} finns inte. Installera med "
                           "`apt-get install -y chromium` (.ci/run gör det).")
    return str(CHROMIUM)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build_demo_db(path: Path, size: str = "small") -> str:
    """A SQLite demo database at `path`, filled like `finsam demo --size <size>`."""
    from dashboard.cli import main

    url = f"sqlite:///{path}"
    if main(["--db", url, "demo", "--size", size]) != 0:
        raise RuntimeError(f"finsam demo --size {size} failed")
    return url


@contextmanager
def streamlit_server(database_url: str, workdir: Path, *, timeout: float = 60.0,
                     extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """`streamlit run dashboard/app.py` in demo mode; yields its base URL, stops it after."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "FINSAM_DEMO": "1",
           "FINSAM_AUTH_FILE": str(workdir / "auth.yaml"), **(extra_env or {})}
    env.pop("FINSAM_COOKIE_KEY", None)
    log_path = workdir / "streamlit.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
             "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited ({proc.returncode}):\n"
                                   f"{log_path.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.read() == b"ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not become healthy in {timeout} s:\n"
                                   f"{log_path.read_text(errors='replace')}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def launch(playwright):
    """Headless Chromium with the flags our sandbox needs."""
    return playwright.chromium.launch(executable_path=require_chromium(), args=CHROMIUM_ARGS)


def wait_idle(page, timeout: float = 30_000) -> None:
    """Wait until the app is not running a script and shows no skeleton."""
    page.wait_for_selector(IDLE_SELECTOR, state="attached", timeout=timeout)
    page.wait_for_function(f"() => !document.querySelector(\"{SKELETON_SELECTOR}\")",
                           timeout=timeout)


def observe_runs(page) -> None:
    """Start recording script-state changes (again after every navigation)."""
    page.wait_for_selector(APP_SELECTOR, state="attached")
    page.evaluate(_OBSERVE)


def settle(page, action: Callable[[], object], timeout: float = 30_000) -> float:
    """Do `action`, wait for the run it triggers to finish; seconds from action to idle.

    A run still going when the action happens is rerun by it without the state ever leaving
    "running", so no new "running" is recorded: then the end of that run is what we wait for.
    """
    observe_runs(page)
    t0, running = page.evaluate(f"""() => [performance.now(),
        document.querySelector("{APP_SELECTOR}").getAttribute('data-test-script-state')
        === 'running']""")
    action()
    page.wait_for_function(_SETTLED, arg=[t0, running], timeout=timeout, polling="raf")
    return (page.evaluate("performance.now()") - t0) / 1000


def wait_quiet(page, quiet_ms: float = 400, timeout: float = 30_000) -> None:
    """Wait until the app has been idle for `quiet_ms` (the cookie component reruns it)."""
    observe_runs(page)
    page.wait_for_function(_QUIET, arg=quiet_ms, timeout=timeout, polling=100)


def open_app(page, url: str) -> None:
    """Load `url` and wait until every run it causes has finished."""
    page.goto(url)
    wait_idle(page)
    wait_quiet(page)


def login(page, username: str, password: str) -> None:
    """Log in through the form on the current page."""
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord", exact=True).fill(password)
    settle(page, lambda: page.get_by_role("button", name="Logga in").click())
    # The cookie component reruns the app once the cookie is written; wait for that too.
    page.get_by_role("button", name="Logga ut").wait_for()
    wait_quiet(page)


def metric_value(page, label: str) -> str:
    """The shown value of the first metric card labelled `label`."""
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)).first
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def sidebar_input(page, label: str):
    """The input of the sidebar selectbox or multiselect labelled `label`."""
    return page.locator("[data-testid='stSidebar']").get_by_role("combobox", name=label,
                                                                  exact=True)


def selected(page, label: str) -> str:
    """The value shown in the sidebar selectbox labelled `label`."""
    return sidebar_input(page, label).input_value().strip()


def choose(page, label: str, option: str) -> float:
    """Pick `option` in a sidebar selectbox or multiselect; seconds until the app is idle.

    The list is opened with the keyboard: the first click on the combobox only focuses it.
    """
    box = sidebar_input(page, label)
    box.focus()
    box.press("ArrowDown")
    item = page.get_by_role("option", name=option, exact=True)
    try:
        item.wait_for(timeout=3_000)
    except PlaywrightTimeout:  # the list did not open (focus came too early): click it open
        box.click()
        item.wait_for()
    seconds = settle(page, lambda: item.click())
    if page.get_by_role("listbox").count():
        page.keyboard.press("Escape")  # a multiselect keeps its list open
    return seconds


def open_page_link(page, title: str) -> None:
    """Open a page through the sidebar navigation."""
    link = page.locator("[data-testid='stSidebarNav'] a").filter(
        has=page.get_by_text(title, exact=True))
    settle(page, lambda: link.click())


def screenshot(page, path: Path, max_height: int = 8000) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the viewport first."""
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...['stMain', 'stSidebarContent'].map(
        id => document.querySelector(`[data-testid='${id}']`)?.scrollHeight || 0))""")
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]),
                                                                  max_height)})
    try:
        wait_idle(page)
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(size)
