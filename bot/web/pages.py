"""Rendering pages (Jinja2, autoescaped, GOV.UK Frontend macros) and finishing responses.

Every response the web channel sends goes through `finish`: it sets the session cookie when a
new one was started and the security headers (a strict Content Security Policy with a nonce for
the one inline script GOV.UK Frontend needs, no referrer — form links carry tokens —, no framing,
no caching of personal data).
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.web.auth import cookie_name, current_user, session_of
from bot.web.page_env import Pages as Pages
from bot.web.page_env import content_security_policy
from bot.web.state import state_of

# Published figures change only when a round is closed again: five minutes old is fine.
PUBLIC_CACHE = "public, max-age=300"


def page(request: Request, name: str, *, status: int = 200, **context: Any) -> Response:
    """Render a template as the response, with the visitor's user and CSRF token in context."""

    nonce = secrets.token_urlsafe(16)
    user = getattr(request.state, "user", None) or current_user(request)
    body = state_of(request).pages.render(
        name, cspNonce=nonce, user=user, csrf_token=session_of(request).csrf,
        path=request.url.path, **context,
    )  # fmt: skip
    response = HTMLResponse(body, status_code=status)
    response.headers["Content-Security-Policy"] = content_security_policy(nonce)
    return finish(request, response)


def redirect(request: Request, url: str) -> Response:
    """303 See Other: after a POST, the browser GETs the next page (no resubmission on refresh)."""
    return finish(request, RedirectResponse(url, status_code=303))


def finish(request: Request, response: Response) -> Response:

    web = state_of(request)
    fresh = getattr(request.state, "new_session", None)
    # A POST sets a new cookie only when it signs in or out: a refused (e.g. cross-site) POST
    # arrives without the cookie, and answering it with a fresh one would sign the person out.
    changes = request.method in ("GET", "HEAD") or getattr(request.state, "session_change", False)
    if fresh is not None and changes:
        now = web.app.store.clock.now().timestamp()
        response.set_cookie(
            cookie_name(web.secure), web.sessions.dumps(fresh), max_age=max(int(fresh.expires - now), 60),
            path="/", httponly=True, samesite="lax", secure=web.secure,
        )  # fmt: skip
    return secured(response, cache="no-store")


def secured(response: Response, *, cache: str) -> Response:
    """The security headers every response carries, and how long it may be cached."""
    response.headers.setdefault("Content-Security-Policy", content_security_policy(secrets.token_urlsafe(16)))
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cache-Control"] = cache
    return response


def anonymous_page(request: Request, name: str, *, status: int = 200, cache: str = PUBLIC_CACHE,
                   **context: Any) -> Response:  # fmt: skip
    """A page that is the same for everyone (the public performance page): no session is read
    or started, so no cookie is set, and shared caches may keep it for a few minutes."""

    nonce = secrets.token_urlsafe(16)
    web = state_of(request)
    body = web.pages.render(name, cspNonce=nonce, user=None, csrf_token="", path=request.url.path,
                            public_url=web.app.config.public_url.rstrip("/"), **context)  # fmt: skip
    response = HTMLResponse(body, status_code=status)
    response.headers["Content-Security-Policy"] = content_security_policy(nonce)
    return secured(response, cache=cache if status == 200 else "no-store")
