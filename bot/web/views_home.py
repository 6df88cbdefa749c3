"""The start page, signing in with a link, and signing out."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from bot.web.auth import SignInLink, User, current_user, end_session, sessions_of, start_session
from bot.web.errors import WebError
from bot.web.forms import Posted
from bot.web.pages import page, redirect
from bot.web.roles import ROLE_NAMES
from bot.web.state import WebState, state_of
from bot.web.urls import returns_url
from perfbot.links import LinkError

router = APIRouter()
PUBLIC = {"/", "/sign-in/{token}", "/sign-out"}  # routes anyone may reach (checked by tests)


def link_error(error: LinkError) -> WebError:
    """A forged link is 403; an expired one is 410 (gone), with the reason on the page."""
    return WebError(410 if "expired" in str(error) else 403, "This link cannot be used", str(error))


def _open_returns(web: WebState, email: str) -> list[dict[str, object]]:
    """Each open round where the person has measures: their signed link and progress."""
    return [{
        "period": str(round_.period), "deadline": round_.deadline,
        "url": returns_url(web.app.links, owner=email, round_=round_),
        "done": sum(1 for d in owed.duties if d.returned), "total": len(owed.duties),
    } for round_, owed in web.app.duties.owed_in_open_rounds(email)]  # fmt: skip


@router.get("/")
def home(request: Request) -> Response:
    user = current_user(request)
    request.state.user = user
    web = state_of(request)
    rounds = _open_returns(web, user.email) if user.has("owner") else []
    roles = ", ".join(ROLE_NAMES[r] for r in sorted(user.roles))
    return page(request, "home.html", title="Home", rounds=rounds, roles=roles,
                entra=web.entra is not None)  # fmt: skip


@router.get("/sign-in/{token}")
def sign_in_page(request: Request, token: str) -> Response:
    email = _signing_in(request, token)
    return page(request, "sign_in.html", title="Sign in", email=email, token=token)


@router.post("/sign-in/{token}")
def sign_in(request: Request, token: str, form: Posted) -> Response:
    link = _link(request, token)
    _has_access(request, link.email)
    if not sessions_of(request).use_link(link.nonce, expires=link.expires):
        raise WebError(410, "This link cannot be used", "This sign-in link has been used already: "
                       "each link signs in once. Ask for a new one.")  # fmt: skip
    start_session(request, link.email)
    return redirect(request, "/")


def _signing_in(request: Request, token: str) -> str:
    link = _link(request, token)
    _has_access(request, link.email)
    return link.email


def _link(request: Request, token: str) -> SignInLink:
    web = state_of(request)
    try:
        return web.sign_in.read_link(token, now=web.app.store.clock.now())
    except LinkError as error:
        raise link_error(error) from None


def _has_access(request: Request, email: str) -> None:
    from bot.web.roles import roles_for

    web = state_of(request)
    if not roles_for(email, config=web.app.config, web=web.web, store=web.app.store):
        raise WebError(403, "You do not have access",
                       f"{email} has no role in perfbot. Ask the performance officer to add you.")  # fmt: skip


@router.post("/sign-out")
def sign_out(request: Request, form: Posted) -> Response:
    kept = getattr(request.state, "kept_session", None)
    entra = state_of(request).entra
    end_session(request)
    request.state.user = User("", frozenset())
    logout = entra.logout_url() if entra is not None and kept is not None and kept.how == "entra" else None
    return page(request, "signed_out.html", title="You have signed out", entra_logout=logout)
