"""Dashboard figures as images for the reports: SVG for the PDF, PNG for Word.

One headless Chromium per process (kaleido 1.x) is started on the first chart and kept
warm: a report with ten charts pays the browser start once, not ten times. It runs on its
own thread with its own event loop, so Streamlit sessions (threads) can call `export`
concurrently; their renders take turns.

Nothing here reaches for the network: MathJax is switched off, plotly.js is the copy
shipped with plotly.py (kaleido would otherwise fall back to a CDN), and Chromium's own
background traffic is cut off (`QUIET_FLAGS`). When Chromium is
missing, cannot start or a render fails, `export` returns no image and a Swedish reason,
and the renderers print the figure's table with that note instead — never a traceback.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import tempfile
import threading
import time
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

if TYPE_CHECKING:
    import plotly.graph_objects as go

log = logging.getLogger(__name__)

Format = Literal["svg", "png"]

#: The body font of both formats, shipped as a Python package (font-source-sans-pro, OFL)
#: so neither Typst nor Chromium depends on the fonts a server happens to have.
FONT_FAMILY = "Source Sans Pro"
FONT_DIR = Path(str(files("font_source_sans_pro") / "files"))

#: Print size in CSS pixels: 680 px is set 16.6 cm wide (the A4 text width), so a 13 px
#: label prints at about 9 pt.
PRINT_WIDTH = 680
PRINT_HEIGHT = 380
PRINT_FONT_SIZE = 13
PNG_SCALE = 2  # Word: 1360 px across 16 cm, sharp in print

NO_BROWSER = "Diagrammen kunde inte ritas (Chromium saknas på servern); " \
             "tabellerna visar samma siffror."
NO_START = "Diagrammen kunde inte ritas (Chromium kunde inte startas); " \
           "tabellerna visar samma siffror."
TIMED_OUT = "Diagrammet kunde inte ritas inom tidsgränsen; tabellen visar samma siffror."
FAILED = "Diagrammet kunde inte ritas; tabellen visar samma siffror."
NOT_DRAWN = "Diagrammen ingår inte i den här utskriften; tabellerna visar samma siffror."

#: Chromium phones home on its own (Debian's build signs in to Google, checks for updates,
#: preconnects to its search engine). Charts need no network at all, so no proxy (not even
#: one set in the environment) and no host name resolves: every such request fails inside
#: the machine. The rest only keeps it from trying.
QUIET_FLAGS = ("--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--disable-background-networking", "--disable-domain-reliability",
               "--disable-component-extensions-with-background-pages",
               "--disable-client-side-phishing-detection", "--disable-default-apps",
               "--no-pings", "--dns-prefetch-disable")
_FALLBACK_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
_RETRY_AFTER = 60.0  # seconds before a browser that failed to start is tried again
#: Browser tabs of one renderer: `export_many` draws this many charts at once.
TABS = 2
RELOAD_EVERY = 25  # charts a tab draws before kaleido reloads it (`_kaleido_class`)


class Export(NamedTuple):
    """An exported chart, or why there is none (`image` None, `reason` in Swedish)."""

    image: bytes | None
    reason: str | None = None


def find_browser(path: str | os.PathLike | None = None) -> Path | None:
    """The Chromium to use: `path`, else `BROWSER_PATH`, else choreographer's search.

    Returns None when that file does not exist (a set path is never second-guessed).
    """
    if path is None:
        path = os.environ.get("BROWSER_PATH")
    if path is None:
        from choreographer.browsers.chromium import Chromium

        path = Chromium.find_browser(skip_local=False) or next(
            (p for p in _FALLBACK_PATHS if os.access(p, os.X_OK)), None)
    return Path(path) if path is not None and Path(path).is_file() else None


def print_figure(figure: go.Figure, width: int = PRINT_WIDTH,
                 height: int | None = None) -> go.Figure:
    """A copy of `figure` sized and lettered for paper; the caller's figure is untouched.

    A white page around the plot and the report's font, so chart text matches the body
    text in both formats.
    """
    import plotly.graph_objects as go

    out = go.Figure(figure)
    out.update_layout(
        width=width, height=height or figure.layout.height or PRINT_HEIGHT,
        font={"family": f"{FONT_FAMILY}, Arial, sans-serif", "size": PRINT_FONT_SIZE,
              "color": "#1a1a1a"},
        paper_bgcolor="white")
    return out


def _fontconfig(tmp: Path) -> Path:
    """A fontconfig file adding the report font to the system's, for Chromium.

    A CSS @font-face would not do: kaleido draws PNGs from an SVG <img>, which sees only
    the fonts installed for the browser.
    """
    conf = tmp / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{FONT_DIR}</dir>\n"
        f"  <cachedir>{tmp / 'fontcache'}</cachedir>\n"
        "</fontconfig>\n", encoding="utf-8")
    return conf


def _page_generator():
    """The kaleido page with MathJax off and the local plotly.js (never a CDN)."""
    import plotly
    from kaleido import PageGenerator

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    if not plotly_js.is_file():
        raise FileNotFoundError(plotly_js)
    return PageGenerator(plotly=plotly_js.as_uri(), mathjax=False)


def _kaleido_class():
    """Kaleido that reloads a tab after every `RELOAD_EVERY` charts, not after each one.

    A reload parses plotly.js (3,5 MB) again: about 0,1 s per chart, most of a report's
    chart time (20 charts: 2,3 s with a reload after each, 0,6 s without). The images are
    the same either way: PNGs byte for byte, SVGs but for plotly's random ids and the order
    of attributes (`tests/reports/test_charts.py`); the occasional reload keeps a
    long-lived tab from growing. Kaleido has no option for
    it, so its tab hand-back (`_return_kaleido_tab`, kaleido 1.x) is overridden here.
    """
    from kaleido import Kaleido

    class _Kaleido(Kaleido):
        async def _return_kaleido_tab(self, tab) -> None:
            renders = self.__dict__.setdefault("_finsam_renders", {})
            renders[id(tab)] = renders.get(id(tab), 0) + 1
            if renders[id(tab)] % RELOAD_EVERY == 0:
                await tab.reload()
            await self.tabs_ready.put(tab)

    return _Kaleido


class ChartRenderer:
    """A warm kaleido/Chromium that turns plotly figures into SVG or PNG.

    Starts the browser on first use; `close()` (or process exit for `shared_renderer`)
    stops it. Thread-safe: renders take turns (the browser has one tab), and the timeout
    counts from a render's own start, so a queue of sessions never times out a chart.
    """

    def __init__(self, browser_path: str | os.PathLike | None = None, *,
                 timeout: float = 30.0, start_timeout: float = 60.0,
                 tabs: int = TABS) -> None:
        self._browser_path = browser_path
        self.tabs = max(1, tabs)
        self.timeout = timeout
        self.start_timeout = start_timeout
        self._render_lock = threading.Lock()  # one render at a time; taken before _lock
        self._lock = threading.Lock()  # browser and loop state
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido = None
        self._tmp: Path | None = None
        self._failed_at: float | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def _run(self, coro, timeout: float):
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise

    def _start(self, browser: Path) -> None:
        """Start loop thread and browser (holding the lock)."""
        from choreographer.browsers.chromium import Chromium

        if self._loop is None:
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever,
                                            name="report-charts", daemon=True)
            self._thread.start()
        self._tmp = Path(tempfile.mkdtemp(prefix="finsam-charts-"))
        conf = _fontconfig(self._tmp)

        class _Chromium(Chromium):
            def get_cli(self):
                return [*super().get_cli(), *QUIET_FLAGS]

            def get_env(self):
                env = super().get_env()
                env["FONTCONFIG_FILE"] = str(conf)
                return env

        async def open_browser():
            # no kaleido timeout: cancelling inside choreographer leaves a broken channel;
            # `export` times renders out itself and restarts the browser instead
            k = _kaleido_class()(path=str(browser), browser_cls=_Chromium,
                                 enable_extensions=False, page_generator=_page_generator(),
                                 timeout=None, n=self.tabs)
            await k.open()
            return k

        started = time.perf_counter()
        self._kaleido = self._run(open_browser(), self.start_timeout)
        log.info("Chromium for report charts started in %.1f s", time.perf_counter() - started)

    def _stop_browser(self) -> None:
        """Close the browser (holding the lock); the loop thread stays for a restart."""
        k, self._kaleido = self._kaleido, None
        if k is not None and self._loop is not None:
            try:
                self._run(k.close(), 15)
            except Exception:  # noqa: BLE001 - a browser that will not close is left to die
                log.warning("Chromium for report charts did not close cleanly", exc_info=True)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def _ready(self) -> str | None:
        """Start the browser if needed; the Swedish reason when charts cannot be drawn."""
        with self._lock:
            if self._kaleido is not None:
                return None
            browser = find_browser(self._browser_path)
            if browser is None:
                return NO_BROWSER
            if self._failed_at is not None and time.monotonic() - self._failed_at < _RETRY_AFTER:
                return NO_START
            try:
                self._start(browser)
            except Exception:  # noqa: BLE001 - any start failure means tables instead
                log.warning("Chromium for report charts could not start", exc_info=True)
                self._stop_browser()
                self._failed_at = time.monotonic()
                return NO_START
            self._failed_at = None
            return None

    def close(self) -> None:
        """Stop the browser and its thread. A later `export` starts them again."""
        with self._render_lock, self._lock:
            self._stop_browser()
            loop, self._loop = self._loop, None
            if loop is not None:
                loop.call_soon_threadsafe(loop.stop)
                if self._thread is not None:
                    self._thread.join(5)
                if not loop.is_running():
                    loop.close()
            self._thread = None

    def __enter__(self) -> ChartRenderer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- rendering ---------------------------------------------------------------------------

    def export(self, figure: go.Figure, fmt: Format) -> Export:
        """`figure` as print-sized SVG or PNG (`PNG_SCALE`), or no image and why."""
        spec = print_figure(figure).to_dict()
        opts = {"format": fmt, "scale": PNG_SCALE if fmt == "png" else 1}
        with self._render_lock:
            if reason := self._ready():
                return Export(None, reason)
            try:
                return Export(self._run(self._kaleido.calc_fig(spec, opts=opts), self.timeout))
            except TimeoutError:
                log.warning("A report chart took over %g s; restarting Chromium", self.timeout)
                reason = TIMED_OUT
            except Exception:  # noqa: BLE001 - one bad chart must not sink the report
                log.warning("A report chart could not be drawn; restarting Chromium",
                            exc_info=True)
                reason = FAILED
            # the browser may be stuck or its channel broken: start afresh next time
            with self._lock:
                self._stop_browser()
            return Export(None, reason)

    def export_many(self, figures: list[go.Figure], fmt: Format) -> list[Export]:
        """Every figure like `export`, drawn `tabs` at a time; results in the same order.

        Each chart's timeout counts from its own start. A chart that fails or times out
        gets its reason (the others keep their images) and the browser restarts afterwards.
        """
        if not figures:
            return []
        specs = [print_figure(f).to_dict() for f in figures]
        opts = {"format": fmt, "scale": PNG_SCALE if fmt == "png" else 1}
        with self._render_lock:
            if reason := self._ready():
                return [Export(None, reason)] * len(figures)
            kaleido, tabs = self._kaleido, self.tabs

            async def one(spec, turn: asyncio.Semaphore) -> bytes:
                async with turn:
                    return await asyncio.wait_for(kaleido.calc_fig(spec, opts=opts),
                                                  self.timeout)

            async def every():
                turn = asyncio.Semaphore(tabs)
                return await asyncio.gather(*(one(spec, turn) for spec in specs),
                                            return_exceptions=True)

            rounds = -(-len(specs) // tabs)
            try:
                results = self._run(every(), self.timeout * rounds + 30)
            except TimeoutError:
                results = [TimeoutError()] * len(specs)
            exports = []
            for result in results:
                if isinstance(result, bytes):
                    exports.append(Export(result))
                elif isinstance(result, TimeoutError | asyncio.TimeoutError):
                    exports.append(Export(None, TIMED_OUT))
                else:
                    log.warning("A report chart could not be drawn", exc_info=result)
                    exports.append(Export(None, FAILED))
            if any(e.image is None for e in exports):
                log.warning("%d report chart(s) not drawn; restarting Chromium",
                            sum(e.image is None for e in exports))
                with self._lock:
                    self._stop_browser()
            return exports


_shared: ChartRenderer | None = None
_shared_lock = threading.Lock()


def shared_renderer() -> ChartRenderer:
    """The process-wide renderer (one warm Chromium for every session), closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ChartRenderer()
            atexit.register(_shared.close)
        return _shared
