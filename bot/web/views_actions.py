"""Remedial actions on the web: the open actions a person may update, each with its choices.

/actions                               signed in: owner, deputy, head of service or officer
/returns/{token}/actions               the same, from the request's signed link (no sign-in)
POST …/actions/{action_id}             done / still open / dropped, a note, a new due date

The update is `perfbot.services.actions` (the same rules and errors as Slack, Teams and the CLI).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import User, require
from bot.web.errors import WebError
from bot.web.forms import Errors, Posted, PostedForm
from bot.web.pages import page, redirect
from bot.web.roles import Role
from bot.web.state import state_of
from bot.web.views_returns import owner_for
from perfbot.actions import ActionStatus
from perfbot.services.actions import ActionUpdate

router = APIRouter()
STAFF = Annotated[User, Depends(require(Role.OWNER, Role.OFFICER))]
CHOICES = {"done": ActionStatus.DONE, "open": ActionStatus.OPEN, "dropped": ActionStatus.DROPPED}


def field_id(action_id: str, name: str) -> str:
    """The id of one input of one action's form, e.g. `HO02-2025-26-Q3-note`."""
    return f"{action_id}-{name}"


def _page(request: Request, email: str, *, base: str, errors: Errors | None = None,
          typed: dict[str, str] | None = None, updated: str = "", status: int = 200) -> Response:  # fmt: skip
    web = state_of(request)
    today = web.app.store.clock.now().date()
    actions = web.app.actions.open_for(email)
    banner = _banner(request, updated) if updated else None
    return page(request, "actions/list.html", status=status, title="Your remedial actions", actions=actions,
                today=today, base=base, errors=errors or Errors(), typed=typed or {}, banner=banner,
                field_id=field_id, email=email)  # fmt: skip


def _banner(request: Request, action_id: str) -> str | None:
    action = state_of(request).app.store.actions.get(action_id)
    if action is None:
        return None
    return f"{action.action_id} is now {'still open' if action.is_open else action.status.value}."


def _update(request: Request, email: str, action_id: str, form: PostedForm, *, base: str) -> Response:
    """Apply the posted choice; the list again with the errors under this action's inputs."""
    chosen = form.choice("status", tuple(CHOICES))
    typed = {field_id(action_id, "status"): chosen or "", field_id(action_id, "note"): form.text("note"),
             field_id(action_id, "due"): form.text("due", limit=40)}  # fmt: skip
    errors = Errors()
    if chosen is None:
        errors.add(field_id(action_id, "status"), "Choose done, still open or dropped")
        return _page(request, email, base=base, errors=errors, typed=typed, status=400)
    result = state_of(request).app.actions.update(ActionUpdate(
        action_id, by=email, via="web", status=CHOICES[chosen], note=typed[field_id(action_id, "note")],
        due=typed[field_id(action_id, "due")] or None))  # fmt: skip
    if result.accepted:
        return redirect(request, f"{base}?updated={action_id}")
    if "action" in result.errors:  # not there, or not theirs: no form on the page to correct
        gone = state_of(request).app.store.actions.get(action_id) is None
        raise WebError(404 if gone else 403, "You cannot update this action", result.on_form()["status"],
                       back=base)  # fmt: skip
    for name, message in result.on_form().items():
        errors.add(field_id(action_id, name), message)
    return _page(request, email, base=base, errors=errors, typed=typed, status=400)


@router.get("/actions")
def signed_in_list(request: Request, user: STAFF, updated: str = "") -> Response:
    return _page(request, user.email, base="/actions", updated=updated)


@router.post("/actions/{action_id}")
def signed_in_update(request: Request, action_id: str, user: STAFF, form: Posted) -> Response:
    return _update(request, user.email, action_id, form, base="/actions")


@router.get("/returns/{token}/actions")
def link_list(request: Request, token: str, updated: str = "") -> Response:
    owner = owner_for(request, token)
    return _page(request, owner.email, base=f"{owner.base}/actions", updated=updated)


@router.post("/returns/{token}/actions/{action_id}")
def link_update(request: Request, token: str, action_id: str, form: Posted) -> Response:
    owner = owner_for(request, token)
    return _update(request, owner.email, action_id, form, base=f"{owner.base}/actions")
