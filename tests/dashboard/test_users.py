"""The auth file and its token versions: private files, revocation by version bumps."""

import os
import stat

import pytest

from dashboard.users import (
    User,
    add_user,
    bump_token_version,
    remove_user,
    set_password,
    token_versions,
)

ANNA = User(username="anna", name="Anna Andersson", role="styrelse",
            forbund=("Demoförbundet Sjöstad",))


@pytest.fixture
def usual_umask():
    before = os.umask(0o022)  # files would be world-readable unless created private
    yield
    os.umask(before)


def test_auth_file_and_its_temporary_copy_are_private_from_creation(monkeypatch, tmp_path,
                                                                    usual_umask):
    seen = []
    real_replace = os.replace

    def record(src, dst, *args, **kwargs):
        seen.append((str(dst), stat.S_IMODE(os.stat(src).st_mode)))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", lambda *a, **k: None)  # a late chmod does not count
    monkeypatch.setattr(os, "replace", record)
    path = tmp_path / "auth.yaml"

    add_user(path, ANNA, "ett-langt-losenord")
    add_user(path, ANNA, "ett-nytt-langt-losenord")  # a new password: token versions too

    assert {mode for _, mode in seen} == {0o600}
    assert {dst for dst, _ in seen} == {str(path), str(tmp_path / "auth-tokens.json")}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_password_change_and_removal_bump_the_token_version(tmp_path):
    path = tmp_path / "auth.yaml"
    add_user(path, ANNA, "ett-langt-losenord")
    assert token_versions(path) == {}  # a new user starts at 0

    set_password(path, "anna", "ett-nytt-langt-losenord")
    assert token_versions(path) == {"anna": 1}
    assert bump_token_version(path, "anna") == 2  # logout
    remove_user(path, "anna")
    assert token_versions(path) == {"anna": 3}

    add_user(path, ANNA, "ett-langt-losenord")  # re-added: old cookies stay dead
    assert token_versions(path) == {"anna": 3}
