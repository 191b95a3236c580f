"""Write and delete the login cookie from a script in the page, not from a component.

A custom component reports its value back once it is mounted, and that made Streamlit run
the whole app again right after the login: on a cold server the first page's numbers showed
only after that second run (issue 11). `st.html` is not iframed, so its script sets
`document.cookie` in the app's own document and reports nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from email.utils import format_datetime

import streamlit as st

#: Marks the invisible element; `a11y.STYLE` hides its container.
SCRIPT_CLASS = "finsam-script"


def set_cookie_header(name: str, value: str, expires: datetime, secure: bool) -> str:
    """What `document.cookie` is given: the cookie with its attributes (Set-Cookie syntax).

    `value` is URL-safe base64 and dots (`tokens.sign`), so it needs no quoting.
    """
    parts = [f"{name}={value}", "Path=/", f"Expires={format_datetime(expires, usegmt=True)}",
             "SameSite=Strict"]
    if secure:
        parts.append("Secure")
    return "; ".join(parts)


def delete_cookie_header(name: str) -> str:
    """The assignment that makes the browser drop cookie `name` now."""
    return f"{name}=; Path=/; Max-Age=0; SameSite=Strict"


def run_in_page(cookie: str) -> None:
    """Draw an invisible script that assigns `cookie` to `document.cookie`."""
    st.html(f'<span class="{SCRIPT_CLASS}"></span>'
            f"<script>document.cookie = {json.dumps(cookie)};</script>",
            unsafe_allow_javascript=True)
