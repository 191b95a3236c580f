"""Report renderer fixtures: a sample report and one warm chart renderer per session."""

from __future__ import annotations

import pytest

from reports.charts import ChartRenderer, find_browser


@pytest.fixture(scope="session")
def charts():
    """A warm renderer on the system Chromium; tests that need it skip without one."""
    if find_browser() is None:
        pytest.skip("Chromium saknas (apt-get install chromium); diagramtesterna hoppas över")
    with ChartRenderer() as renderer:
        yield renderer
