"""Administrators: issue a sign-in link for someone (as `perfbot web link EMAIL` does)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require
from bot.web.forms import Errors, Posted
from bot.web.pages import page
from bot.web.sign_in_links import NoAccess, issue_link
from bot.web.state import state_of

router = APIRouter(prefix="/admin")
ADMIN = Annotated[User, Depends(require())]  # administrators only


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
