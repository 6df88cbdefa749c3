"""Sign in with Microsoft (Entra ID): send the browser to Microsoft, take it back, sign in."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import app_roles, session_of, start_session
from bot.web.entra_flow import (
    FLOW_COOKIE,
    FLOW_MINUTES,
    EntraSignIn,
    SignedIn,
    SignInFailed,
    binding_of,
)
from bot.web.entra_settings import CALLBACK
from bot.web.errors import WebError, not_found
from bot.web.pages import redirect
from bot.web.roles import roles_for
from bot.web.state import state_of

router = APIRouter()
START = "/entra/sign-in"
PUBLIC = {START, CALLBACK}  # anyone may reach these (checked by tests)


def _entra(request: Request) -> EntraSignIn:
    found = state_of(request).entra
    if found is None:
        raise not_found("Microsoft sign-in (it is not set up for this council)")
    return found


@router.get(START)
def start(request: Request) -> Response:
    entra = _entra(request)
    now = state_of(request).app.store.clock.now()
    try:
        started = entra.begin(binding=binding_of(session_of(request).csrf), now=now,
                              return_to=request.query_params.get("next", "/"))  # fmt: skip
    except SignInFailed as failed:
        raise WebError(failed.status, failed.title, failed.message, back="/") from None
    response = redirect(request, started.url)
    response.set_cookie(FLOW_COOKIE, started.sealed, max_age=FLOW_MINUTES * 60, path=CALLBACK,
                        httponly=True, samesite="lax", secure=state_of(request).secure)  # fmt: skip
    return response


@router.get(CALLBACK)
def callback(request: Request) -> Response:
    entra = _entra(request)
    answer = {k: v[:4096] for k, v in request.query_params.items()}
    now = state_of(request).app.store.clock.now()
    try:
        signed_in = entra.finish(answer, sealed=request.cookies.get(FLOW_COOKIE),
                                 binding=binding_of(session_of(request).csrf), now=now)  # fmt: skip
    except SignInFailed as failed:
        raise WebError(failed.status, failed.title, failed.message, back=START) from None
    email = _person(request, entra, signed_in)
    start_session(request, email, how="entra", app_roles=signed_in.app_roles)
    response = redirect(request, signed_in.return_to)
    response.delete_cookie(FLOW_COOKIE, path=CALLBACK, httponly=True, samesite="lax",
                           secure=state_of(request).secure)  # used: the same answer cannot sign in twice
    return response


def _person(request: Request, entra: EntraSignIn, signed_in: SignedIn) -> str:
    """The first of the person's addresses that has a role in perfbot, or a 403 page."""
    web = state_of(request)
    from_entra = app_roles(signed_in.app_roles) if entra.settings.roles_from_app_roles else frozenset()
    for email in signed_in.addresses:
        if from_entra or roles_for(email, config=web.app.config, web=web.web, store=web.app.store):
            return email
    shown = " or ".join(signed_in.addresses) or "an account with no e-mail address"
    raise WebError(403, "You do not have access", f"You signed in with Microsoft as {shown}, which "
                   "has no role in perfbot, so you are not signed in here. Ask the performance "
                   "officer to add you.")  # fmt: skip
