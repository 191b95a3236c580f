"""The users/roles file that `finsam user` edits and the login reads, and its token versions.

Passwords are stored only as bcrypt hashes. Roles: admin (everything), samordnare (their
förbund, may upload), styrelse (their förbund, read-only), styrgrupp (named insatser only).

Next to the auth file, `<name>-tokens.json` holds each user's login-token version. A login
cookie names the version it was issued under; logging out, changing the password and removing
the user bump it, so every cookie issued before stops working in every process (app and
`finsam user` alike). Both files are written owner-only from the moment they exist.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import yaml

from dashboard import atomic

ROLES = ("admin", "samordnare", "styrelse", "styrgrupp")
ROLE_LABELS = {"admin": "Administratör", "samordnare": "Förbundssamordnare",
               "styrelse": "Styrelseledamot", "styrgrupp": "Styrgrupp"}


class UserError(ValueError):
    """A user definition that cannot be saved; the message is Swedish."""


@dataclass(frozen=True)
class User:
    """A login and what it may see."""

    username: str
    name: str
    role: str
    forbund: tuple[str, ...] = ()
    insatser: tuple[str, ...] = ()
    password_hash: str = field(default="", repr=False)


def hash_password(password: str) -> str:
    """A bcrypt hash at bcrypt's default cost (the login checks against it)."""
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode()


def check_user(user: User) -> None:
    """Refuse role/scope combinations that would leave a user with undefined access."""
    if user.role not in ROLES:
        raise UserError(f"Okänd roll '{user.role}'. Välj en av: {', '.join(ROLES)}.")
    if user.role != "admin" and not user.forbund:
        raise UserError(f"Rollen {user.role} kräver minst ett förbund (--forbund).")
    if user.role == "styrgrupp" and not user.insatser:
        raise UserError("Rollen styrgrupp kräver minst en insats (--insats).")
    if not user.username or any(ch.isspace() for ch in user.username) or "@" in user.username:
        raise UserError("Användarnamnet får inte vara tomt, innehålla mellanslag eller vara "
                        "en e-postadress.")


def load_users(path: Path) -> dict[str, User]:
    """All users in the file (none if it does not exist)."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        username: User(username=username, name=u.get("name", username), role=u["role"],
                       forbund=tuple(u.get("forbund", [])), insatser=tuple(u.get("insats", [])),
                       password_hash=u["password"])
        for username, u in (data.get("users") or {}).items()
    }


def save_users(path: Path, users: dict[str, User]) -> None:
    """Write the file readable by its owner only."""
    data = {"users": {
        u.username: {"name": u.name, "role": u.role, "forbund": list(u.forbund),
                     "insats": list(u.insatser), "password": u.password_hash}
        for u in sorted(users.values(), key=lambda u: u.username)
    }}
    write_private(path, yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def write_private(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`, readable by its owner only at every moment."""
    atomic.write_atomically(path, text.encode("utf-8"))


def add_user(path: Path, user: User, password: str) -> None:
    """Add or replace a user with a freshly hashed password."""
    if len(password) < 8:
        raise UserError("Lösenordet måste ha minst 8 tecken.")
    check_user(user)
    users = load_users(path)
    replaced = user.username in users
    users[user.username] = User(**{**user.__dict__, "password_hash": hash_password(password)})
    save_users(path, users)
    if replaced:  # a new password: cookies issued under the old one must stop working
        bump_token_version(path, user.username)


def set_password(path: Path, username: str, password: str) -> None:
    """Give an existing user a new password and revoke every login cookie they hold."""
    if len(password) < 8:
        raise UserError("Lösenordet måste ha minst 8 tecken.")
    users = load_users(path)
    if username not in users:
        raise UserError(f"Användaren '{username}' finns inte.")
    users[username] = User(**{**users[username].__dict__,
                              "password_hash": hash_password(password)})
    save_users(path, users)
    bump_token_version(path, username)


def remove_user(path: Path, username: str) -> None:
    """Remove a user and revoke their cookies; an unknown name is an error (typos show)."""
    users = load_users(path)
    if username not in users:
        raise UserError(f"Användaren '{username}' finns inte.")
    del users[username]
    save_users(path, users)
    # Bumped, not deleted: a user re-added under the same name starts above every old cookie.
    bump_token_version(path, username)


def tokens_file(auth_file: Path) -> Path:
    """Where the token versions of `auth_file`'s users live (same directory)."""
    return auth_file.with_name(f"{auth_file.stem}-tokens.json")


def token_versions(auth_file: Path) -> dict[str, int]:
    """User name -> current token version (0 for a user never bumped)."""
    try:
        data = json.loads(tokens_file(auth_file).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {str(k): int(v) for k, v in (data.get("versions") or {}).items()}


def bump_token_version(auth_file: Path, username: str) -> int:
    """Invalidate every cookie `username` holds; returns the new version.

    Read-modify-write under an exclusive lock, so two processes bumping at once (a logout in
    the app, `finsam user passwd`) never lose a bump.
    """
    with _locked(tokens_file(auth_file)):
        versions = token_versions(auth_file)
        versions[username] = versions.get(username, 0) + 1
        write_private(tokens_file(auth_file),
                      json.dumps({"versions": versions}, ensure_ascii=False, indent=1))
        return versions[username]


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: single-process use only
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
