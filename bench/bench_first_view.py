"""Benchmark: the first page a viewer waits for on the large demo, and the server's memory.

Issue 11, measured in headless Chromium against a real `streamlit run` on the large demo
(≥ 1M episodes, 60 förbund):

(a) cold login: a server that has just started; from the click on *Logga in* until
    Översikt shows its numbers (metric cards drawn, app idle). Target ≤ 2 s.
(b) first view after an upload or undo: `finsam import` / `finsam undo` run as another
    process while the server runs; as soon as it returns, the board member opens Översikt.
    Timed from the navigation until Översikt shows the *new* numbers (a view that still
    shows the old ones is reloaded, the clock keeps running). Target ≤ 2 s.
(c) a filter change on Översikt afterwards (median of four). Target < 1 s.
(d) RSS of the server process after every page has been visited by two roles (styrelse,
    admin). Target ≤ 1,5 GB.

The database is a copy (the bench uploads into it). Like `make run`, `finsam init` prepares
it before the server starts (it brings the frames snapshot up to date); its time is
reported as well. `FINSAM_BENCH_LARGE_DB` may name an existing large demo SQLite database.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
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
    open_app,
    open_page_link,
    settle,
    streamlit_server,
    wait_idle,
    wait_quiet,
)
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.upload_files import SJOSTAD, deltagare_csv  # noqa: E402

FINSAM = [sys.executable, "-m", "dashboard.cli"]
TARGETS = {"cold_login_to_oversikt_s": 2.0, "first_view_after_upload_s": 2.0,
           "first_view_after_undo_s": 2.0, "filter_change_s": 1.0, "rss_gb": 1.5}
BOARD = ("styrelse", "demo-styrelse")
ADMIN = ("admin", "demo-admin")
METRIC_VALUE = "[data-testid='stMetricValue']"
#: The card whose number the bench's upload changes (12 more ended participants).
ENDED = "Avslutade"
CHANGES = [("Kön", "Kvinna"), ("Remittent", "Försäkringskassan"), ("År", "2023"),
           ("År", "2024")]


def finsam(url: str, *args: str) -> str:
    """Run the `finsam` command line as its own process; its output."""
    done = subprocess.run([*FINSAM, "--db", url, *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"finsam {' '.join(args)}: {done.stdout}{done.stderr}")
    return done.stdout


def copy_database(source_url: str, target: Path) -> str:
    """A private copy of a SQLite database (without any frames snapshot next to it)."""
    shutil.copyfile(source_url.removeprefix("sqlite:///"), target)
    return f"sqlite:///{target}"


def server_pid(base: str) -> int:
    """The process id of the `streamlit run` listening on `base`'s port."""
    port = base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(proc.name)
    raise RuntimeError(f"no streamlit process on port {port}")


def rss_bytes(pid: int) -> int:
    """Resident set size of `pid` (psutil when installed, else /proc)."""
    try:
        import psutil
    except ImportError:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("VmRSS missing") from None
    return psutil.Process(pid).memory_info().rss


def numbers_shown(page, timeout: float = 120_000) -> None:
    """Wait until the page shows metric cards and the app is idle."""
    page.locator(METRIC_VALUE).first.wait_for(timeout=timeout)
    wait_idle(page, timeout=timeout)


def ended_value(page) -> str:
    """The shown value of the first `Avslutade` card."""
    card = page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=ENDED)).first
    return card.locator(METRIC_VALUE).inner_text().strip()


def timed_login(page, base: str, user: tuple[str, str]) -> float:
    """Seconds from the click on *Logga in* until Översikt shows its numbers."""
    open_app(page, base)
    page.get_by_label("Användarnamn").fill(user[0])
    page.get_by_label("Lösenord", exact=True).fill(user[1])
    t0 = time.perf_counter()
    page.get_by_role("button", name="Logga in").click()
    numbers_shown(page)
    seconds = time.perf_counter() - t0
    wait_quiet(page)  # the cookie component reruns the app once
    return seconds


def visit_every_page(page) -> list[str]:
    """Open every page in the sidebar navigation; their titles."""
    titles = [t.strip().splitlines()[-1] for t in  # the icon's name comes first
              page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()]
    for title in titles:
        open_page_link(page, title)
        wait_idle(page, timeout=120_000)
    open_page_link(page, titles[0])
    return titles


def timed_new_numbers(page, url: str, before: str, timeout: float = 180.0) -> float:
    """Seconds from opening `url` until Översikt shows an `Avslutade` other than `before`.

    Opening the URL starts a new session (the login cookie logs it in), as a viewer arriving
    would; while it still shows the old number it is rerun from the sidebar's link.
    """
    t0 = time.perf_counter()
    page.goto(url)
    while True:
        try:
            numbers_shown(page, timeout=timeout * 1000)
        except Exception:
            page.screenshot(path=str(Path(tempfile.gettempdir()) / "bench_first_view.png"))
            raise
        if ended_value(page) != before:
            return time.perf_counter() - t0
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"Översikt still shows {before} after {timeout} s")
        time.sleep(0.2)
        open_page_link(page, "Översikt")


def progress(message: str) -> None:
    """A line on stderr, so a long run shows where it is."""
    print(f"[first view] {message}", file=sys.stderr, flush=True)


def run() -> dict:
    """Every measure of issue 11 with its target."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        source = (os.environ.get("FINSAM_BENCH_LARGE_DB")
                  or build_demo_db(tmp_path / "large-source.db", size="large"))
        url = copy_database(source, tmp_path / "large.db")
        out: dict[str, float] = {}

        def record(key: str, value: float) -> None:
            out[key] = value
            progress(f"{key}: {value:.2f}")

        t0 = time.perf_counter()
        finsam(url, "init")
        record("finsam_init_s", time.perf_counter() - t0)
        upload = tmp_path / "Deltagare.csv"
        upload.write_bytes(deltagare_csv(SJOSTAD, "Jobbfokus", 2025))
        with streamlit_server(url, tmp_path, timeout=120) as base, \
                sync_playwright() as playwright:
            browser = launch(playwright)
            board = browser.new_context(locale="sv-SE",
                                        viewport={"width": 1400, "height": 1000}).new_page()
            record("cold_login_to_oversikt_s", timed_login(board, base, BOARD))
            oversikt = board.url
            before = ended_value(board)
            changes = [choose(board, label, value) for label, value in CHANGES]
            record("filter_change_s", statistics.median(changes))
            record("filter_change_max_s", max(changes))
            visit_every_page(board)
            admin = browser.new_context(locale="sv-SE",
                                        viewport={"width": 1400, "height": 1000}).new_page()
            record("admin_login_to_oversikt_s", timed_login(admin, base, ADMIN))
            visit_every_page(admin)
            record("rss_gb", rss_bytes(server_pid(base)) / 1e9)
            after_upload, after_undo = [], []
            for _ in range(2):
                t0 = time.perf_counter()
                printed = finsam(url, "import", str(upload), "--user", "bench")
                record("finsam_import_s", time.perf_counter() - t0)
                upload_id = printed.split("Uppladdning ", 1)[1].split(" ", 1)[0]
                after_upload.append(timed_new_numbers(board, oversikt, before))
                progress(f"view after upload {upload_id}: {after_upload[-1]:.2f}")
                changed = ended_value(board)
                finsam(url, "undo", upload_id, "--user", "bench")
                after_undo.append(timed_new_numbers(board, oversikt, changed))
                progress(f"view after undo: {after_undo[-1]:.2f}")
            record("first_view_after_upload_s", max(after_upload))
            record("first_view_after_undo_s", max(after_undo))
            record("rss_after_uploads_gb", rss_bytes(server_pid(base)) / 1e9)
            browser.close()
    return {"first_view_large_demo": out}


def table_rows(result: dict) -> list[str]:
    """Markdown rows `| measure | value | target |` for the measures that have a target."""
    rows = []
    for key, value in result["first_view_large_demo"].items():
        target = TARGETS.get(key)
        unit = "GB" if key.endswith("_gb") else "s"
        limit = f"≤ {target:g} {unit}" if target is not None else "–"
        rows.append(f"| {key} | {value:.2f} {unit} | {limit} |")
    return rows


if __name__ == "__main__":
    print("\n".join(table_rows(run())))
