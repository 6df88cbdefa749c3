"""CSRF protection for every form: a per-session secret, echoed by the form, checked on POST.

The secret lives in the signed, HttpOnly, SameSite=Lax session cookie; each form carries it in
a hidden field. A cross-site page can neither read the cookie nor learn the secret, and the
Origin header (sent by every current browser on POST) must be this site.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

from bot.web.errors import WebError

FIELD = "csrf_token"
_EXPIRED = ("Your session timed out, so nothing was saved. Go back, reload the page and try again.")


def check(request: Request, *, sent: str | None, expected: str | None, fresh: bool) -> None:
    """Refuse the POST unless it came from our own form in this browser session."""
    origin = request.headers.get("origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.headers.get("host", ""):
        raise WebError(403, "Form refused", "This form was sent from another website.")
    if fresh or not expected:
        raise WebError(400, "Session timed out", _EXPIRED)
    if not sent or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise WebError(400, "Form refused", "This form could not be checked. " + _EXPIRED)
