"""The login cookie's value: a user name, a token version and an expiry, signed with HMAC.

The signature covers the payload and a fingerprint of the user's current password hash, so a
cookie stops working when its user's token version is bumped (logout, `finsam user passwd`,
removal), when the password changes by any route, or when the key changes. No I/O here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Token:
    """What a valid cookie says."""

    username: str
    version: int
    expires: float  # unix time


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: str, payload: str, password_hash: str) -> bytes:
    fingerprint = hashlib.sha256(password_hash.encode()).hexdigest()
    return hmac.new(key.encode(), f"finsam-login-v1.{payload}.{fingerprint}".encode(),
                    hashlib.sha256).digest()


def sign(key: str, token: Token, password_hash: str) -> str:
    """The cookie value for `token`."""
    payload = _b64(json.dumps({"u": token.username, "v": token.version, "exp": token.expires},
                              separators=(",", ":"), ensure_ascii=False).encode())
    return f"{payload}.{_b64(_mac(key, payload, password_hash))}"


def verify(key: str, value: str | None, password_hashes: dict[str, str],
           versions: dict[str, int], now: float) -> Token | None:
    """The token if `value` is signed with `key` for a current user, version and time.

    `password_hashes` maps each user who may log in to their current hash; `versions` holds
    the current token versions (missing = 0). Anything malformed is simply not a token.
    """
    try:
        payload, signature = (value or "").split(".")
        data = json.loads(_unb64(payload))
        token = Token(username=str(data["u"]), version=int(data["v"]),
                      expires=float(data["exp"]))
        given = _unb64(signature)
    except (ValueError, KeyError, TypeError):
        return None
    password_hash = password_hashes.get(token.username)
    if password_hash is None:
        return None
    if not hmac.compare_digest(given, _mac(key, payload, password_hash)):
        return None
    if token.expires <= now or token.version != versions.get(token.username, 0):
        return None
    return token
