"""Background threads that fill a process's caches before a viewer asks for them.

One daemon thread per database: it polls the data version (one cheap query a second) and,
whenever the version is new (at the first page a server shows, and after any upload or
undo by anyone, in any process), calls `fill(version)`, which loads what the next viewer
would otherwise wait for. Warming is an optimisation: a failure is logged and retried, a
viewer who comes first computes the same values through the same caches.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

#: Seconds between two checks of the data version.
INTERVAL_S = 1.0
#: Consecutive failures after which a thread stops (a database that is gone); the next
#: page view starts a new one.
MAX_FAILURES = 60

_threads: dict[str, threading.Thread] = {}
_lock = threading.Lock()
_log = logging.getLogger(__name__)


def keep_warm(key: str, version: Callable[[], str], fill: Callable[[str], None]) -> None:
    """Make sure a thread for `key` runs: `fill(v)` once for each new `v = version()`."""
    with _lock:
        thread = _threads.get(key)
        if thread is None or not thread.is_alive():
            thread = threading.Thread(target=_loop, args=(version, fill), daemon=True,
                                      name="finsam-warm")
            _threads[key] = thread
            thread.start()


def _loop(version: Callable[[], str], fill: Callable[[str], None]) -> None:
    warmed, failures = None, 0
    while failures < MAX_FAILURES:
        try:
            current = version()
            if current != warmed:
                fill(current)
                warmed = current
            failures = 0
        except Exception:  # noqa: BLE001 - warming is an optimisation; a viewer retries
            _log.warning("Kunde inte fylla cachen i bakgrunden", exc_info=True)
            failures += 1
        time.sleep(INTERVAL_S)
