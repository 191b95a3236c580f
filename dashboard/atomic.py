"""Replace a file whole or not at all: a temporary file in the same folder, then `os.replace`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """`data` at `path`, or nothing new there; the temporary file is removed on any failure.

    The temporary file is created 0600 (`mkstemp`: O_CREAT|O_EXCL), so no other local user can
    read it before it is complete; `mode` then sets the final file's permissions (None: keep
    0600).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if mode is not None:
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
