"""dashboard/warm.py: one background thread per key fills caches once per new version."""

from __future__ import annotations

import threading
import time

import pytest

from dashboard import warm


@pytest.fixture(autouse=True)
def fast(monkeypatch):
    monkeypatch.setattr(warm, "INTERVAL_S", 0.01)
    monkeypatch.setattr(warm, "MAX_FAILURES", 5)


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_fill_runs_once_for_each_new_version():
    versions = iter(["1", "1", "1", "2", "2", "3"])
    current = ["1"]
    filled = []

    def version():
        current[0] = next(versions, current[0])
        return current[0]

    warm.keep_warm("test-once", version, filled.append)
    wait_until(lambda: filled[-1:] == ["3"])
    time.sleep(0.05)

    assert filled == ["1", "2", "3"]


def test_one_thread_per_key():
    started = threading.Event()
    warm.keep_warm("test-one", lambda: "1", lambda v: started.set())
    started.wait(5)
    first = warm._threads["test-one"]
    warm.keep_warm("test-one", lambda: "1", lambda v: None)

    assert warm._threads["test-one"] is first


def test_a_failing_fill_is_retried_and_a_dead_thread_restarted():
    calls = []

    def fill(version):
        calls.append(version)
        raise RuntimeError("database gone")

    warm.keep_warm("test-fail", lambda: "1", fill)
    wait_until(lambda: not warm._threads["test-fail"].is_alive())
    assert len(calls) == warm.MAX_FAILURES  # retried, then the thread gave up

    done = []
    warm.keep_warm("test-fail", lambda: "1", done.append)
    wait_until(lambda: done == ["1"])
