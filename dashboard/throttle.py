"""Login throttling (OWASP ASVS 2.2.1): a growing lock after repeated failures.

One `Throttle` per process holds a counter per key; the login uses two keys per attempt, the
normalised user name and the client. After `limit` failures on a key, further attempts are
refused for `base` seconds, doubling with every further failure up to `cap`. An attempt is
counted as a failure *before* the password is checked and forgiven if it succeeds, so a burst
of parallel attempts cannot slip past the limit while the first ones are still hashing.
Whether a user name exists plays no part: unknown names are counted and locked the same way.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

LIMIT = 5
BASE_SECONDS = 30.0
CAP_SECONDS = 15 * 60.0
FORGET_SECONDS = 60 * 60.0  # a key with no failure for this long (and no lock) starts over
MAX_KEYS = 10_000  # bounds memory when someone sprays random user names


@dataclass
class _Entry:
    failures: int = 0
    locked_until: float = 0.0
    last: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """A reserved attempt: pass it back to `succeeded` when the password was right."""

    user_key: str
    client_key: str
    client_locked_before: float
    client_locked_after: float


class Throttle:
    """Failure counters shared by every session of the process; thread-safe."""

    def __init__(self, *, limit: int = LIMIT, base: float = BASE_SECONDS,
                 cap: float = CAP_SECONDS, forget: float = FORGET_SECONDS,
                 max_keys: int = MAX_KEYS, clock: Callable[[], float] = time.monotonic):
        self.limit, self.base, self.cap, self.forget = limit, base, cap, forget
        self.max_keys, self.clock = max_keys, clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def begin(self, user: str, client: str) -> Attempt | float:
        """Reserve an attempt, or the seconds to wait (> 0) if either key is locked."""
        user_key, client_key = f"u:{normalise(user)}", f"c:{client}"
        with self._lock:
            now = self.clock()
            entries = [self._entry(user_key, now), self._entry(client_key, now)]
            wait = max(e.locked_until for e in entries) - now
            if wait > 0:
                return wait
            client_before = entries[1].locked_until
            for entry in entries:
                entry.failures += 1
                entry.last = now
                if entry.failures >= self.limit:
                    entry.locked_until = now + self.lock_seconds(entry.failures)
            return Attempt(user_key, client_key, client_before, entries[1].locked_until)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: the user starts over, the client gets this one back."""
        with self._lock:
            self._entries.pop(attempt.user_key, None)
            client = self._entries.get(attempt.client_key)
            if client is not None:
                client.failures = max(0, client.failures - 1)
                if client.locked_until == attempt.client_locked_after:
                    client.locked_until = attempt.client_locked_before

    def lock_seconds(self, failures: int) -> float:
        """How long the `failures`-th failure locks its key (limit-th: `base`, doubling)."""
        return min(self.cap, self.base * 2 ** max(0, failures - self.limit))

    def clear(self) -> None:
        """Forget everything (tests, or an administrator's restart)."""
        with self._lock:
            self._entries.clear()

    def _entry(self, key: str, now: float) -> _Entry:
        entry = self._entries.get(key)
        if entry is not None and now - entry.last >= self.forget and now >= entry.locked_until:
            entry = None
        if entry is None:
            if len(self._entries) >= self.max_keys:
                self._prune(now)
            entry = self._entries[key] = _Entry(last=now)
        return entry

    def _prune(self, now: float) -> None:
        idle = [k for k, e in self._entries.items() if now >= e.locked_until]
        idle.sort(key=lambda k: self._entries[k].last)
        for key in idle[: max(1, len(idle) // 2)]:
            del self._entries[key]


def normalise(username: str) -> str:
    """User names are case-insensitive and trimmed; long input is cut (memory bound)."""
    return username.strip().casefold()[:200]


def wait_message(seconds: float) -> str:
    """The Swedish refusal, the same whether or not the user name exists."""
    if seconds <= 90:
        n = max(1, math.ceil(seconds))
        when = "1 sekund" if n == 1 else f"{n} sekunder"
    else:
        when = f"{math.ceil(seconds / 60)} minuter"  # over 90 s: at least 2
    return ("För många misslyckade inloggningsförsök. Av säkerhetsskäl är inloggningen spärrad "
            f"en stund: försök igen om {when}.")
