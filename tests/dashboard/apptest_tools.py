"""Helpers for driving the dashboard in AppTest and reading everything it drew."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import polars as pl
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from dashboard.context import PAGES

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "dashboard" / "app.py"
ROLES = ("admin", "samordnare", "styrelse", "styrgrupp")
DIGIT = re.compile(r"\d")


def new_app(query_params: dict[str, str | list[str]] | None = None) -> AppTest:
    """The entry point as an AppTest, not yet run."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    for key, value in (query_params or {}).items():
        at.query_params[key] = value
    return at


def submit_login(at: AppTest, username: str, password: str) -> AppTest:
    """Fill in and submit the login form of an app that has run once."""
    fields = {t.label: t for t in at.text_input}
    assert {"Användarnamn", "Lösenord"} <= set(fields), f"no login form: {list(fields)}"
    fields["Användarnamn"].input(username)
    fields["Lösenord"].input(password)
    next(b for b in at.button if b.label == "Logga in").click()
    return at.run()


def page_path(key: str) -> str:
    """A page file relative to the entry point, as `AppTest.switch_page` wants it."""
    return os.path.relpath(PAGES[key][1], APP.parent)


def open_page(at: AppTest, key: str) -> AppTest:
    """Switch a logged-in app to page `key` and run it."""
    return at.switch_page(page_path(key)).run()


def elements(at: AppTest) -> Iterator:
    """Every element and block drawn, main area and sidebar, depth first."""
    def walk(node):
        yield node
        for child in (getattr(node, "children", None) or {}).values():
            yield from walk(child)

    yield from walk(at.main)
    yield from walk(at.sidebar)


def texts(at: AppTest) -> list[str]:
    """Every string the app drew: values, labels, options, table cells and the raw protos.

    The protos (as text) also hold what has no typed accessor: chart specs, expander and
    tab labels, download file names, help texts.
    """
    out: list[str] = []
    for node in elements(at):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(text_format.MessageToString(proto, as_utf8=True))
        kind = getattr(node, "type", None)
        if kind == "metric":
            out += [node.label, node.value, str(node.delta or "")]
        elif kind in ("arrow_data_frame", "arrow_table") or node.__class__.__name__ in (
                "Dataframe", "Table"):
            frame = node.value
            out += [str(c) for c in frame.columns]
            out += [str(v) for v in frame.astype(str).to_numpy().ravel()]
        elif hasattr(node, "options"):
            out += [str(o) for o in node.options]
        value = getattr(node, "value", None) if kind not in ("metric",) else None
        if isinstance(value, str):
            out.append(value)
    return out


def chart_specs(at: AppTest) -> list[dict]:
    """The plotly figures the page drew, as JSON."""
    return [json.loads(node.proto.spec) for node in elements(at)
            if getattr(node, "type", None) == "plotly_chart"]


def metrics(at: AppTest) -> dict[str, list[str]]:
    """Metric label -> values shown under that label, in drawing order (main area)."""
    out: dict[str, list[str]] = {}
    for m in at.main.metric:
        out.setdefault(m.label, []).append(m.value)
    return out


def metric(at: AppTest, label: str) -> str:
    """The first metric with `label` on the page."""
    found = metrics(at).get(label)
    assert found, f"no metric {label!r}; metrics: {sorted(metrics(at))}"
    return found[0]


def real_values(at: AppTest) -> list[str]:
    """Metric values and table cells holding a number (not a dash or a disclosure label)."""
    values = [m.value for m in at.main.metric if DIGIT.search(m.value or "")]
    for frame in at.main.dataframe:
        values += [v for v in frame.value.astype(str).to_numpy().ravel() if DIGIT.search(v)]
    return values


def notices(at: AppTest) -> list[str]:
    """Info, warning and error texts in the main area."""
    return [e.value for e in [*at.main.info, *at.main.warning, *at.main.error]]


def widget(at: AppTest, kind: str, key: str):
    """The sidebar widget of `kind` (selectbox, multiselect, …) with `key`."""
    return getattr(at.sidebar, kind)(key=key)


def download_texts(files: dict[str, bytes]) -> dict[str, str]:
    """File name -> text of downloaded CSV files and of every sheet of xlsx files."""
    out = {}
    for name, data in files.items():
        if name.endswith(".csv"):
            out[name] = data.decode("utf-8-sig")
        elif name.endswith(".xlsx"):
            sheets = pl.read_excel(io.BytesIO(data), sheet_id=0,
                                   read_options={"dtypes": "string"})
            out[name] = "\n".join(f"{sheet}\n{frame.write_csv(separator=';')}"
                                  for sheet, frame in sheets.items())
    return out


BADGE = re.compile(r"^:(\w+)-badge\[(?::material/(\w+): )?(.*)\]$")


def cards(at: AppTest) -> list[dict]:
    """Every KPI card in the main area: its label, value, captions and badges.

    A card is the bordered container `ui.kpi_card` draws: a block with a metric among its
    direct children. Badges are `(colour, icon, text)`.
    """
    out = []

    def walk(node):
        children = list((getattr(node, "children", None) or {}).values())
        metrics_here = [c for c in children if getattr(c, "type", None) == "metric"]
        if metrics_here:
            m = metrics_here[0]
            kinds = [(getattr(c, "type", None), getattr(c, "value", None)) for c in children]
            out.append({
                "label": m.label, "value": m.value,
                "captions": [v for k, v in kinds if k == "caption"],
                "badges": [BADGE.match(v).groups() for k, v in kinds
                           if k == "markdown" and isinstance(v, str) and BADGE.match(v)],
            })
        for child in children:
            walk(child)

    walk(at.main)
    return out
