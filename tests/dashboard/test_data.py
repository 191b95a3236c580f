"""dashboard/data.py: frames from the snapshot, versions that name the database."""

from __future__ import annotations

import shutil

import pytest
from polars.testing import assert_frame_equal

from dashboard import data
from loaders import snapshot
from loaders.frames import load_frames
from loaders.importer import import_upload
from loaders.schema import make_engine
from metrics import prepare
from tests.loaders.factories import rows, upload


@pytest.fixture
def copy_url(demo_url, tmp_path) -> str:
    """A private copy of the demo database (tests here write to it)."""
    path = tmp_path / "copy.db"
    shutil.copy(demo_url.removeprefix("sqlite:///"), path)
    return f"sqlite:///{path}"


def test_the_app_reads_exactly_the_sql_frames_from_the_snapshot(copy_url):
    got = data.load_all_frames(copy_url)
    expected = prepare(load_frames(make_engine(copy_url)))

    assert data.snapshot_dir(copy_url).is_dir()
    assert list(got) == list(expected)
    for name, frame in expected.items():
        assert_frame_equal(got[name], frame, check_exact=True)


def test_an_upload_gives_a_new_version_and_new_frames(copy_url):
    before = data._version(copy_url)
    engine = make_engine(copy_url)
    import_upload(engine, upload(insatser=rows("insatser", {}),
                                 episodes=rows("episodes", {"participant_id": "NY-1"})),
                  user="test")

    assert data._version(copy_url) != before
    episodes = data.load_all_frames(copy_url)["episodes"]
    assert "NY-1" in episodes["participant_id"].to_list()


def test_versions_name_the_database(demo_url, copy_url):
    # Same uploads, other file: cached results must never be shared between them.
    assert data._version(demo_url).split("@")[0] == data._version(copy_url).split("@")[0]
    assert data._version(demo_url) != data._version(copy_url)


def test_the_snapshot_folder_follows_the_settings(monkeypatch, tmp_path):
    url = "postgresql+psycopg://finsam:secret@db.example/finsam"
    monkeypatch.setenv("FINSAM_SNAPSHOT_DIR", str(tmp_path))
    assert data.snapshot_dir(url).parent == tmp_path
    monkeypatch.delenv("FINSAM_SNAPSHOT_DIR")
    assert data.snapshot_dir(url).parent == snapshot.DEFAULT_CACHE_DIR


def test_warming_computes_the_first_page_of_every_user_before_they_log_in(
        logged_in, copy_url, monkeypatch, fresh_caches):
    from dashboard.auth import Viewer

    monkeypatch.setenv("DATABASE_URL", copy_url)
    version = data._version(copy_url)
    data._fill(copy_url, version)  # what the warm thread does at start and after an upload

    computed = []
    monkeypatch.setattr(data, "public_kpis", lambda *a, **k: computed.append(a[1]))
    at = logged_in("styrelse")  # the login's first run draws Översikt from the cache

    assert not at.exception
    assert at.title[0].value == "Översikt"
    assert computed == []  # not one KPI set computed on the viewer's time
    assert data._configured_viewers()
    assert all(isinstance(v, Viewer) for v in data._configured_viewers())
