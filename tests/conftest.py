import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"

POSTGRES_URL = os.environ.get("FINSAM_TEST_POSTGRES_URL")


def _fresh_postgres():
    from sqlalchemy import text

    from loaders.db import metadata
    from loaders.schema import make_engine

    engine = make_engine(POSTGRES_URL)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    return engine


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    """A migrated, empty database: SQLite, and PostgreSQL when FINSAM_TEST_POSTGRES_URL is set."""
    return request.getfixturevalue({"sqlite": "sqlite_engine",
                                    "postgresql": "postgres_engine"}[request.param])


@pytest.fixture
def postgres_engine():
    """A migrated, empty PostgreSQL database for tests about PostgreSQL itself."""
    from loaders.schema import upgrade

    if not POSTGRES_URL:
        pytest.skip("FINSAM_TEST_POSTGRES_URL not set (.ci/run sets it)")
    eng = _fresh_postgres()
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    """A migrated, empty SQLite database for tests that need only one backend."""
    from loaders.schema import make_engine, upgrade

    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    upgrade(eng)
    yield eng
    eng.dispose()
