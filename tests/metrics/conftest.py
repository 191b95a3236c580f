from pathlib import Path

import pytest

#: ../shared beside the repository (seeds, docs); tests that read it skip when it is absent.
SHARED = Path(__file__).resolve().parents[2].parent / "shared"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/metrics/golden/*/expected.json from the current code")


@pytest.fixture
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")
