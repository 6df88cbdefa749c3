"""Sign-in without an external identity provider: signed, short-lived, single-use links, and
sessions kept server-side.

`perfbot web link EMAIL` (or a chat channel) issues a sign-in link; opening it shows a page with a
"Sign in" button (so a mail scanner that opens every link does not use it up); pressing it uses
the link (once: its nonce is recorded) and starts a session. The signed cookie (HttpOnly,
SameSite=Lax, Secure over https) names the session; the session itself is in the store
(`perfbot.store.sessions_repo`), so sign-out or an administrator ends it for good, a copied cookie
included. Roles are worked out afresh on every request, so a change to perfbot.toml or the
register applies at once. Visitors who have not signed in get a cookie holding only their CSRF
secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from bot.web.errors import WebError
from bot.web.roles import ROLE_NAMES, Role
from bot.web.state import state_of
from bot.web.tokens import COOKIE as COOKIE
from bot.web.tokens import Session as Session
from bot.web.tokens import SessionCodec as SessionCodec
from bot.web.tokens import SignInLink as SignInLink
from bot.web.tokens import SignInLinks as SignInLinks
from bot.web.tokens import cookie_name as cookie_name
from bot.web.tokens import new_session as new_session
from perfbot.store.interfaces import WebSessions
from perfbot.store.records import key_of

ANONYMOUS_HOURS = 24
def sessions_of(request: Request) -> WebSessions:
    """The store's web sessions (the repository)."""

    return state_of(request).app.store.web_sessions


def start_session(request: Request, email: str, *, how: str = "link",
                  app_roles: tuple[str, ...] = ()) -> Session:  # fmt: skip
    """Sign `email` in: a server-side session, and its cookie set with the response."""

    web = state_of(request)
    sid, kept = sessions_of(request).start(email, hours=web.web.session_hours, how=how, app_roles=app_roles)
    session = Session(kept.email, secrets.token_urlsafe(32), int(kept.expires.timestamp()), sid)
    request.state.session = request.state.new_session = session
    request.state.session_change = True  # this POST may set the cookie (see `bot.web.pages.finish`)
    return session


def end_session(request: Request) -> None:
    """Sign out: the server-side session ends, and the browser gets an anonymous cookie."""

    current = session_of(request)
    if current.sid:
        sessions_of(request).end(key=key_of(current.sid))
    session = new_session("", now=state_of(request).app.store.clock.now(), hours=1)
    request.state.session = request.state.new_session = session
    request.state.session_change = True


@dataclass(frozen=True, slots=True)
class User:
    email: str
    roles: frozenset[Role]

    def has(self, *allowed: Role) -> bool:
        """Admins may do everything."""
        return Role.ADMIN in self.roles or bool(self.roles & set(allowed))


def _how_to_sign_in(request: Request) -> str:
    if not state_of(request).entra:
        microsoft = "Use"
    elif _microsoft_back_here(request):  # the page shows the button itself
        microsoft = "Sign in with your council Microsoft account below, or use"
    else:
        microsoft = "Sign in with Microsoft on the start page, or use"
    return f"{microsoft} the sign-in link perfbot sent you, or ask the performance officer for one."


def _microsoft_back_here(request: Request) -> tuple[str, str] | None:
    """With Entra ID: a button that signs in with Microsoft and comes back to this page."""
    if not state_of(request).entra or request.method != "GET":
        return None
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "Sign in with Microsoft", f"/entra/sign-in?{urlencode({'next': here})}"


def session_of(request: Request) -> Session:
    """The visitor's session, starting an anonymous one (cookie set with the response)."""

    found = getattr(request.state, "session", None)
    if found is not None:
        return found
    web = state_of(request)
    now = web.app.store.clock.now()
    session = web.sessions.loads(request.cookies.get(cookie_name(web.secure)), now=now)
    if session is not None and session.email and not _still_open(request, session):
        session = None  # signed out, ended by an administrator, or expired in the store
    if session is None:
        session = new_session("", now=now, hours=ANONYMOUS_HOURS)
        request.state.new_session = session
    request.state.session = session
    return session


def _still_open(request: Request, session: Session) -> bool:
    kept = sessions_of(request).get(session.sid) if session.sid else None
    request.state.kept_session = kept
    return kept is not None and kept.email == session.email


def current_user(request: Request) -> User:
    """The signed-in person and their roles (no roles when not signed in)."""
    from bot.web.roles import roles_for

    session = session_of(request)
    if not session.email:
        return User("", frozenset())
    web = state_of(request)
    roles = roles_for(session.email, config=web.app.config, web=web.web, store=web.app.store)
    kept = getattr(request.state, "kept_session", None)
    if kept is not None and web.entra is not None and web.entra.settings.roles_from_app_roles:
        roles = roles | app_roles(kept.app_roles)
    return User(session.email, roles)


def app_roles(values: tuple[str, ...]) -> frozenset[Role]:
    """The perfbot roles among Entra app role values (admin, officer, cmt, member; not owner,
    which only the register gives)."""
    allowed = {Role.ADMIN, Role.OFFICER, Role.CMT, Role.MEMBER}
    return frozenset(Role(v.lower()) for v in values if v.lower() in allowed)


def require(*allowed: Role) -> Callable[[Request], User]:
    """A route dependency: the signed-in user, if they hold one of `allowed` (or are admin)."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if not user.email:
            raise WebError(401, "Sign in first", "This page is for signed-in staff. "
                           + _how_to_sign_in(request), action=_microsoft_back_here(request))  # fmt: skip
        if not user.has(*allowed):
            needed = " or ".join(ROLE_NAMES[r] for r in allowed)
            raise WebError(403, "You cannot see this page",
                           f"This page is for the {needed}. You are signed in as {user.email}.")  # fmt: skip
        request.state.user = user
        return user

    dependency.roles = allowed  # type: ignore[attr-defined] - read by the route audit test
    return dependency
