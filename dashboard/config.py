"""Settings from the environment (and Streamlit secrets): the only place that reads them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'data' / 'finsam.db'}"
DEFAULT_AUTH_FILE = ROOT / "data" / "auth.yaml"
MIN_COOKIE_KEY_BYTES = 32


@dataclass(frozen=True)
class Settings:
    """Everything configurable, as plain values passed down to loaders and metrics."""

    database_url: str
    auth_file: Path
    cookie_key: str | None
    demo: bool
    suppress: int
    #: Who runs the service and how to report an accessibility problem: shown in the
    #: tillgänglighetsredogörelse (`FINSAM_A11Y_ORGANISATION`, `FINSAM_A11Y_CONTACT`).
    a11y_organisation: str | None = None
    a11y_contact: str | None = None
    #: Where the frames snapshots live (`FINSAM_SNAPSHOT_DIR`); unset: beside a SQLite file,
    #: `data/snapshots/` for other databases (loaders/snapshot.py).
    snapshot_dir: Path | None = None
    #: Fewest förbund with a value for a comparison to be shown (`FINSAM_COMPARE_MIN`): with
    #: fewer, one anonymous point could be told apart from the others (docs/COMPARE.md).
    compare_min: int = 5


def settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from `environ` (default: the process environment)."""
    env = os.environ if environ is None else environ
    return Settings(
        database_url=env.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        auth_file=Path(env.get("FINSAM_AUTH_FILE") or DEFAULT_AUTH_FILE),
        cookie_key=env.get("FINSAM_COOKIE_KEY") or None,
        demo=env.get("FINSAM_DEMO", "") == "1",
        suppress=max(1, int(env.get("FINSAM_SUPPRESS") or 5)),
        a11y_organisation=env.get("FINSAM_A11Y_ORGANISATION") or None,
        a11y_contact=env.get("FINSAM_A11Y_CONTACT") or None,
        snapshot_dir=Path(env["FINSAM_SNAPSHOT_DIR"]) if env.get("FINSAM_SNAPSHOT_DIR")
        else None,
        compare_min=max(2, int(env.get("FINSAM_COMPARE_MIN") or 5)),
    )
