"""Administrators: issue a sign-in link for someone (as `perfbot web link EMAIL` does), and see and
end signed-in sessions."""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require, sessions_of
from bot.web.errors import not_found
from bot.web.forms import Errors, Posted
from bot.web.pages import page, redirect
from bot.web.sign_in_links import NoAccess, issue_link
from bot.web.state import state_of

router = APIRouter(prefix="/admin")
ADMIN = Annotated[User, Depends(require())]  # administrators only
_KEY = re.compile(r"^[0-9a-f]{64}$")
log = logging.getLogger("perfbot.web")


@router.get("/sign-in-links")
def links_form(request: Request, user: ADMIN) -> Response:
    return page(request, "admin/links.html", title="Sign-in links", errors=None, link=None, email="")


@router.post("/sign-in-links")
def issue(request: Request, user: ADMIN, form: Posted) -> Response:
    email = form.text("email", limit=320)
    errors = Errors()
    link, hours = None, 0
    if "@" not in email:
        errors.add("email", "Enter an email address, like name@council.gov.uk")
    else:
        try:
            link, hours = issue_link(state_of(request).app, email)
        except NoAccess as error:
            errors.add("email", str(error))
    return page(request, "admin/links.html", status=400 if errors else 200, title="Sign-in links",
                errors=errors or None, link=link, hours=hours, email=email)  # fmt: skip


@router.get("/sessions")
def sessions(request: Request, user: ADMIN, done: str = "") -> Response:
    """Every session that has not ended, each with a button to end it."""
    return page(request, "admin/sessions.html", title="Signed-in sessions",
                sessions=sessions_of(request).active(), banner="Session ended." if done else None)  # fmt: skip


@router.post("/sessions/{key}/end")
def end(request: Request, key: str, user: ADMIN, form: Posted) -> Response:
    if not _KEY.match(key) or not sessions_of(request).end(key=key):
        raise not_found("session with that reference (it may have ended already)")
    log.info("web: %s ended a session", user.email)
    return redirect(request, "/admin/sessions?done=1")
