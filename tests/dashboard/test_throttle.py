"""Login throttling and equal timing, measured on the login function itself (no UI)."""

import statistics
import threading
import time

import bcrypt
import pytest

from dashboard import auth
from dashboard.throttle import Throttle, wait_message
from dashboard.users import User, hash_password

PASSWORD = "rätt-lösenord"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def anna(password_hash: str) -> dict[str, User]:
    return {"anna": User(username="anna", name="Anna", role="admin",
                         password_hash=password_hash)}


@pytest.fixture(scope="module")
def users() -> dict[str, User]:
    """A cheap hash (cost 4) where only the throttle's counting is under test."""
    return anna(bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(4)).decode())


@pytest.fixture(scope="module")
def stored_users() -> dict[str, User]:
    """A hash made the way `finsam user add` makes it."""
    return anna(hash_password(PASSWORD))


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(auth, "THROTTLE", Throttle(clock=clock))
    return clock


def fail(users, n: int, username: str = "anna", client: str = "10.0.0.1") -> None:
    for _ in range(n):
        assert auth.attempt_login(users, username, "fel", client) == auth.WRONG_CREDENTIALS


def test_lock_after_five_failures_grows_and_a_success_resets_it(users, clock):
    fail(users, 5)
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.1") == wait_message(30)

    clock.now += 31
    fail(users, 1)  # the sixth failure doubles the lock
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.2") == wait_message(60)
    clock.now += 59
    assert auth.attempt_login(users, "Anna", PASSWORD, "10.0.0.3") == wait_message(1)

    clock.now += 2
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.4") == users["anna"]
    fail(users, 4, client="10.0.0.5")  # counting starts over after a success
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.5") == users["anna"]


def test_lock_is_capped_at_fifteen_minutes(users, clock):
    for _ in range(12):
        fail(users, 1)
        clock.now += auth.THROTTLE.cap + 1
    fail(users, 1)
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.9") == wait_message(15 * 60)


def test_five_failures_from_one_client_lock_that_client_for_every_name(users, clock):
    for name in ("a", "b", "c", "d", "e"):
        fail(users, 1, username=name, client="10.0.0.7")

    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.7") == wait_message(30)
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.8") == users["anna"]


def test_a_success_does_not_count_against_the_client(users, clock):
    fail(users, 4, username="bo", client="10.0.0.7")
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.7") == users["anna"]
    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.7") == users["anna"]


def test_parallel_attempts_cannot_slip_past_the_limit(users, clock):
    """Attempts are counted before bcrypt runs, so 20 at once get five checks at most."""
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(
        auth.attempt_login(users, "anna", "fel", f"10.1.0.{i}"))) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert results.count(auth.WRONG_CREDENTIALS) == 5
    assert results.count(wait_message(30)) == 15


def test_every_attempt_runs_exactly_one_bcrypt_check(stored_users, monkeypatch):
    calls = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda pw, h: calls.append(h) or real(pw, h))

    for name in ("anna", "finns-inte", "ANNA"):
        auth.check_password(stored_users, name, "fel")

    assert len(calls) == 3
    assert len({h[:7] for h in calls}) == 1  # same algorithm and cost for unknown names


def test_unknown_and_known_user_names_take_the_same_time(stored_users):
    users = stored_users
    auth.check_password(users, "finns-inte", "fel")  # warm up (the dummy hash is made once)
    timings: dict[str, list[float]] = {"anna": [], "finns-inte": []}
    for _ in range(7):
        for name in timings:  # interleaved, so load on the machine hits both alike
            t0 = time.perf_counter()
            assert auth.check_password(users, name, "fel") is None
            timings[name].append(time.perf_counter() - t0)

    known, unknown = (statistics.median(timings[n]) for n in ("anna", "finns-inte"))
    assert abs(known - unknown) <= 0.25 * max(known, unknown), (known, unknown)


def test_an_empty_user_name_is_refused_without_counting(users, clock):
    for _ in range(10):
        assert auth.attempt_login(users, "  ", "x", "10.0.0.1") == auth.WRONG_CREDENTIALS

    assert auth.attempt_login(users, "anna", PASSWORD, "10.0.0.1") == users["anna"]
