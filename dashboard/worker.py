"""Check an upload in a process of its own, never in the server's.

Streamlit serves every user from one Python process. A parse running in a session's thread
holds the GIL whenever it runs Python (expat callbacks, regexes), so a slow file stalls every
other user; and memory a parse took is rarely given back. Here the check runs in a fresh
interpreter (`python -m dashboard.worker`): the server only waits on a pipe, the child's
memory goes back to the system when it exits, and after `limits.PARSE_TIMEOUT_S` it is
killed. A fresh interpreter rather than multiprocessing: forking a threaded server is unsafe,
and multiprocessing's spawn/forkserver would re-run Streamlit's `__main__` (the app script)
in the child. Starting one costs ~0.5 s.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import threading
from typing import Any

from loaders.parse import ParseResult, parse_files
from loaders.report import report_workbook

#: Checks running at once; further uploads wait their turn (each may take a core and, for
#: the largest accepted file, a couple of GB).
MAX_RUNNING = 2
_SLOTS = threading.BoundedSemaphore(MAX_RUNNING)


class WorkerTimeout(Exception):
    """The child ran out of time and was killed."""


class WorkerFailed(Exception):
    """The child ended without an answer (killed by the system, out of memory, a bug)."""


def run_isolated(module: str, function: str, *args: Any, timeout: float,
                 **kwargs: Any) -> Any:
    """`module.function(*args, **kwargs)` in a fresh interpreter; its return value.

    Arguments and result travel pickled over the child's stdin and stdout.
    """
    payload = pickle.dumps((module, function, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
    with _SLOTS:
        child = subprocess.Popen([sys.executable, "-m", "dashboard.worker"],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        try:
            out, _ = child.communicate(payload, timeout=timeout)
        except subprocess.TimeoutExpired as err:
            child.kill()
            child.communicate()
            raise WorkerTimeout(f"{module}.{function} took more than {timeout} s") from err
        except BaseException:
            child.kill()
            child.communicate()
            raise
    if child.returncode != 0 or not out:
        raise WorkerFailed(f"{module}.{function} ended with code {child.returncode}")
    ok, value = pickle.loads(out)
    if not ok:
        raise WorkerFailed(value)
    return value


def check_files(files: list[tuple[str, bytes]], **kwargs: Any) -> tuple[ParseResult,
                                                                        bytes | None]:
    """`parse_files`, and the report workbook when there are issues.

    The report re-reads the files, so it is made here too rather than in the server.
    """
    parsed = parse_files(files, **kwargs)
    return parsed, report_workbook(files, parsed.issues) if parsed.issues else None


def _serve() -> None:
    module, function, args, kwargs = pickle.load(sys.stdin.buffer)
    # The answer gets stdout to itself: anything else printed goes to stderr (the log).
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    try:
        result = (True, getattr(importlib.import_module(module), function)(*args, **kwargs))
    except Exception as err:  # the server shows a message; the trace goes to its log
        import traceback

        traceback.print_exc()
        result = (False, f"{type(err).__name__}: {err}")
    answer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    answer.close()


if __name__ == "__main__":
    _serve()
