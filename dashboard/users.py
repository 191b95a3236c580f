"""The users/roles file that `finsam user` edits and the login reads.

Passwords are stored only as bcrypt hashes. Roles: admin (everything), samordnare (their
förbund, may upload), styrelse (their förbund, read-only), styrgrupp (named insatser only).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import bcrypt
import yaml

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
    """A bcrypt hash (the format streamlit-authenticator checks against)."""
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
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"users": {
        u.username: {"name": u.name, "role": u.role, "forbund": list(u.forbund),
                     "insats": list(u.insatser), "password": u.password_hash}
        for u in sorted(users.values(), key=lambda u: u.username)
    }}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def add_user(path: Path, user: User, password: str) -> None:
    """Add or replace a user with a freshly hashed password."""
    if len(password) < 8:
        raise UserError("Lösenordet måste ha minst 8 tecken.")
    check_user(user)
    users = load_users(path)
    users[user.username] = User(**{**user.__dict__, "password_hash": hash_password(password)})
    save_users(path, users)


def remove_user(path: Path, username: str) -> None:
    """Remove a user; an unknown name is an error so typos are noticed."""
    users = load_users(path)
    if username not in users:
        raise UserError(f"Användaren '{username}' finns inte.")
    del users[username]
    save_users(path, users)
