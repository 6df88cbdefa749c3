"""The web inbox: a signed-in owner's outstanding returns across open rounds, with their form
links, and every message perfbot recorded for them and how it went."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require
from bot.web.pages import page
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.urls import returns_url
from perfbot.clock import LONDON
from schedules.inbox import messages_for

router = APIRouter()
OWNER = Annotated[User, Depends(require(Role.OWNER, Role.OFFICER, Role.CMT))]


@router.get("/inbox")
def inbox(request: Request, user: OWNER) -> Response:
    app = state_of(request).app
    owed = [{"period": str(r.period), "deadline": r.deadline.astimezone(LONDON),
             "measures": o.outstanding, "url": returns_url(app.links, owner=user.email, round_=r)}
            for r, o in app.duties.owed_in_open_rounds(user.email) if o.outstanding]  # fmt: skip
    shown = [replace(m, at=m.at.astimezone(LONDON)) for m in messages_for(app.store, user.email)]
    return page(request, "inbox.html", title="Your inbox", owed=owed, messages=shown)
