"""The feedback form's guard against posts made from other sites (CSRF), without any script.

Double submit: the form page sets a random cookie (`HttpOnly`, `SameSite=Strict`, path
`/masukan`) and carries the same value in a hidden field. Another site can make a browser post
the form, but a strict cookie is not sent with it, and that site can neither read the visitor's
cookie nor set one for us; a token it fetched for itself is useless without its own cookie.
Nothing is kept on the server, so any worker accepts any page's token. The pages send
`Referrer-Policy: no-referrer`, so browsers send no Referer and `Origin: null` even on our own
posts: those headers cannot decide, but a browser's `Sec-Fetch-Site: cross-site` (or
`same-site`) refuses at once.
"""

from __future__ import annotations

import hmac
import re
import secrets

from flask import request
from werkzeug.wrappers import Response

COOKIE = "jejak_form"
FIELD = "form_token"
PATH = "/masukan"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_AGE = 24 * 3600  # a form left open for a day still sends


def token() -> str:
    """The visitor's token: the one their cookie already holds, else a new one."""
    held = request.cookies.get(COOKIE, "")
    return held if TOKEN.fullmatch(held) else secrets.token_urlsafe(32)


def set_cookie(resp: Response, value: str) -> Response:
    resp.set_cookie(COOKIE, value, max_age=MAX_AGE, path=PATH, secure=request.is_secure, httponly=True,
                    samesite="Strict")
    return resp


def from_this_site() -> bool:
    """Whether the posted form came from our own page: same token in the cookie and the form."""
    if request.headers.get("Sec-Fetch-Site", "") in ("cross-site", "same-site"):
        return False
    held, sent = request.cookies.get(COOKIE, ""), request.form.get(FIELD, "")
    return bool(TOKEN.fullmatch(held)) and hmac.compare_digest(held.encode(), sent.encode())
