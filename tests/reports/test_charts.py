import difflib
import re
import socket
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from reports import charts as charts_module
from reports.charts import (
    FAILED,
    NO_BROWSER,
    PNG_SCALE,
    PRINT_WIDTH,
    TIMED_OUT,
    ChartRenderer,
    Export,
    find_browser,
    print_figure,
    shared_renderer,
)
from tests.reports.sample import outcome_chart


def test_missing_browser_gives_the_swedish_reason_at_once():
    renderer = ChartRenderer("/finns/inte/chromium")
    started = time.perf_counter()
    assert renderer.export(outcome_chart(), "svg") == Export(None, NO_BROWSER)
    assert time.perf_counter() - started < 1
    renderer.close()


def test_browser_path_from_the_environment(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("")
    monkeypatch.setenv("BROWSER_PATH", str(browser))
    assert find_browser() == browser
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "saknas"))
    assert find_browser() is None


def test_kaleido_page_loads_nothing_from_the_network():
    page = charts_module._page_generator().generate_index()
    assert "http" not in page  # no CDN plotly.js and no MathJax
    assert "plotly.min.js" in page and "mathjax" not in page.lower()


def test_one_shared_renderer_per_process():
    assert shared_renderer() is shared_renderer()


def test_print_figure_is_a_sized_copy():
    fig = outcome_chart()
    before = fig.to_dict()
    out = print_figure(fig)
    assert fig.to_dict() == before
    assert out.layout.width == PRINT_WIDTH and out.layout.height == 380
    assert out.layout.font.family.startswith("Source Sans Pro")



@pytest.mark.browser
def test_svg_and_png_of_a_grouped_bar_chart(charts):
    svg = charts.export(outcome_chart(), "svg")
    assert svg.reason is None and svg.image.startswith(b"<svg")
    text = svg.image.decode("utf-8")
    assert "Kvinnor" in text and "Övriga" in text and "Source Sans Pro" in text
    png = charts.export(outcome_chart(), "png")
    assert png.image.startswith(b"\x89PNG")
    assert int.from_bytes(png.image[16:20], "big") == PRINT_WIDTH * PNG_SCALE


@pytest.mark.browser
def test_sessions_export_concurrently(charts):
    results: list[Export] = []

    def one():
        results.append(charts.export(outcome_chart(), "svg"))

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(results) == 4 and all(r.image and r.reason is None for r in results)


@pytest.mark.browser
def test_a_chart_that_times_out_gives_the_reason_and_the_next_one_draws(charts):
    with ChartRenderer(timeout=0.001) as renderer:
        assert renderer.export(outcome_chart(), "svg") == Export(None, TIMED_OUT)
        renderer.timeout = 30
        assert renderer.export(outcome_chart(), "svg").image


@pytest.mark.browser
def test_no_request_leaves_the_machine(charts, monkeypatch):
    """A proxy set in the environment (ours, listening) gets no request from Chromium.

    Without the renderer's flags Debian's Chromium sends several on its own (Google sign-in,
    update check, search-engine preconnect); MathJax or a CDN would show up here too.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def listen():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(200))
                except OSError:
                    seen.append(b"?")

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    monkeypatch.setenv("CHOREO_PROXY_SERVER", f"http://127.0.0.1:{server.getsockname()[1]}")
    try:
        with ChartRenderer() as renderer:
            assert renderer.export(outcome_chart(), "svg").image
            assert renderer.export(outcome_chart(), "png").image
    finally:
        stop.set()
        thread.join(2)
        server.close()
    assert seen == []


def test_export_many_without_a_browser_gives_every_figure_the_reason():
    renderer = ChartRenderer("/finns/inte/chromium")
    assert renderer.export_many([outcome_chart(), outcome_chart()], "svg") == [
        Export(None, NO_BROWSER)] * 2
    assert renderer.export_many([], "svg") == []
    renderer.close()


@pytest.mark.browser
def test_export_many_draws_every_figure_in_order(charts):
    import plotly.graph_objects as go

    figures = [go.Figure(go.Bar(x=[f"Stapel{i}"], y=[i + 1])) for i in range(5)]
    exports = charts.export_many(figures, "svg")
    assert len(exports) == 5 and all(e.image and e.reason is None for e in exports)
    for i, export in enumerate(exports):
        assert f"Stapel{i}".encode() in export.image
    pngs = charts.export_many(figures[:2], "png")
    assert all(e.image.startswith(b"\x89PNG") for e in pngs)


@pytest.mark.browser
def test_export_many_times_out_per_chart_and_draws_again_afterwards():
    with ChartRenderer(timeout=0.001) as renderer:
        exports = renderer.export_many([outcome_chart()] * 3, "svg")
        # one times out first; a timeout leaves the browser's channel broken, so the
        # others may fail with it: tables for all, and a fresh browser next time
        assert Export(None, TIMED_OUT) in exports
        assert all(e.image is None and e.reason in (TIMED_OUT, FAILED) for e in exports)
        renderer.timeout = 30
        assert all(e.image for e in renderer.export_many([outcome_chart()] * 3, "svg"))


def _canonical_svg(svg: bytes) -> str:
    """An SVG with plotly's random ids (plot, trace and pattern ids) replaced and its
    attributes in canonical order (C14N): what the image shows, not how it was built."""
    text = svg.decode()
    uid = re.search(r'id="defs-([0-9a-f]+)"', text).group(1)
    text = text.replace(uid, "UID")
    text = re.sub(r"\btrace[0-9a-f]{6}\b", "traceID", text)
    text = re.sub(r"(pUID(?:-legend)?)-[0-9a-f]{6}\b", r"\1-ID", text)
    return ET.canonicalize(xml_data=text)


@pytest.mark.browser
def test_tabs_kept_between_charts_draw_what_fresh_tabs_draw(charts, monkeypatch):
    """A report's own charts, twice, past reloads of both tabs, in both formats."""
    from reports.pdf import figures as report_figures
    from reports.pdf import visible
    from tests.reports.test_content import report

    real = [f.figure for f in report_figures(visible(report("insats").sections))]
    drawn = real + real[::-1]
    monkeypatch.setattr(charts_module, "RELOAD_EVERY", 7)  # each tab reloads on the way
    kept_svg, kept_png = charts.export_many(drawn, "svg"), charts.export_many(drawn, "png")
    monkeypatch.setattr(charts_module, "RELOAD_EVERY", 1)  # a fresh tab for every chart
    with ChartRenderer() as fresh:
        fresh_svg, fresh_png = fresh.export_many(drawn, "svg"), fresh.export_many(drawn, "png")
    assert len(real) >= 5
    assert all(e.image for e in kept_svg + kept_png + fresh_svg + fresh_png)
    assert [e.image for e in kept_png] == [e.image for e in fresh_png]  # the very same pixels
    for i, (kept, fresh) in enumerate(zip(kept_svg, fresh_svg, strict=True)):
        kept_text, fresh_text = _canonical_svg(kept.image), _canonical_svg(fresh.image)
        assert kept_text == fresh_text, "\n".join(
            [f"chart {i} differs:"] + list(difflib.unified_diff(
                re.split("(?=<)", fresh_text), re.split("(?=<)", kept_text), n=0))[:20])


def test_a_tab_is_reloaded_after_every_reload_every_charts(monkeypatch):
    """The override hooks a method kaleido has, and reloads on the RELOAD_EVERY-th return."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from kaleido import Kaleido

    assert callable(getattr(Kaleido, "_return_kaleido_tab", None))
    monkeypatch.setattr(charts_module, "RELOAD_EVERY", 3)

    class Tab:
        reloads = 0

        async def reload(self):
            self.reloads += 1

    cls = charts_module._kaleido_class()
    kaleido = cls.__new__(cls)  # no browser: only the hand-back is under test
    first, second = Tab(), Tab()

    async def hand_back():
        kaleido.tabs_ready = asyncio.Queue()
        for tab in [first] * 7 + [second] * 2:
            await kaleido._return_kaleido_tab(tab)
        return kaleido.tabs_ready.qsize()

    # a thread of its own: the browser tests may leave an event loop running in this one
    with ThreadPoolExecutor(1) as thread:
        assert thread.submit(asyncio.run, hand_back()).result() == 9  # every tab goes back
    assert (first.reloads, second.reloads) == (2, 0)
