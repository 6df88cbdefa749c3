"""Sign-in without an external identity provider: signed, expiring links and a signed cookie.

`perfbot web link EMAIL` (or a chat channel) issues a sign-in link; opening it and pressing
"Sign in" starts a session held in a signed cookie (HttpOnly, SameSite=Lax, Secure over https).
Roles are worked out afresh on every request, so a change to perfbot.toml or the register applies
at once. Visitors who have not signed in still get a cookie, holding only their CSRF secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import Request

from bot.web.errors import WebError
from bot.web.roles import ROLE_NAMES, Role
from perfbot.links import LinkError

ANONYMOUS_HOURS = 24
COOKIE = "perfbot_session"


class SignInLinks:
    """Signed, expiring sign-in links, one per person."""

    def __init__(self, *, secret: str, base_url: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="perfbot.web-sign-in")
        self._base_url = base_url.rstrip("/")

    def url(self, *, email: str, expires: datetime) -> str:
        token = self._serializer.dumps({"m": email.strip().lower(), "x": int(expires.timestamp())})
        return f"{self._base_url}/sign-in/{token}"

    def read(self, token: str, *, now: datetime) -> str:
        """The e-mail a link was issued to; LinkError if it is forged or expired."""
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise LinkError("This sign-in link is not valid. Ask for a new one.") from None
        if not isinstance(data, dict) or now.timestamp() > data.get("x", 0):
            raise LinkError("This sign-in link has expired. Ask the performance officer for a new one.")
        return str(data["m"])


@dataclass(frozen=True, slots=True)
class Session:
    email: str  # "" until the person signs in
    csrf: str
    expires: int  # POSIX seconds


class SessionCodec:
    """The session cookie's value: signed, so it cannot be forged or altered."""

    def __init__(self, *, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="perfbot.web-session")

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps([session.email, session.csrf, session.expires])

    def loads(self, text: str | None, *, now: datetime) -> Session | None:
        if not text:
            return None
        try:
            email, csrf, expires = self._serializer.loads(text)
        except (BadSignature, ValueError, TypeError):
            return None
        if now.timestamp() > expires:
            return None
        return Session(str(email), str(csrf), int(expires))


def new_session(email: str, *, now: datetime, hours: int) -> Session:
    """A fresh session with a fresh CSRF secret (on sign-in, so no fixation)."""
    return Session(email, secrets.token_urlsafe(32), int((now + timedelta(hours=hours)).timestamp()))


@dataclass(frozen=True, slots=True)
class User:
    email: str
    roles: frozenset[Role]

    def has(self, *allowed: Role) -> bool:
        """Admins may do everything."""
        return Role.ADMIN in self.roles or bool(self.roles & set(allowed))


def session_of(request: Request) -> Session:
    """The visitor's session, starting an anonymous one (cookie set with the response)."""
    from bot.web.state import state_of

    found = getattr(request.state, "session", None)
    if found is not None:
        return found
    web = state_of(request)
    now = web.app.store.clock.now()
    session = web.sessions.loads(request.cookies.get(cookie_name(web.secure)), now=now)
    if session is None:
        session = new_session("", now=now, hours=ANONYMOUS_HOURS)
        request.state.new_session = session
    request.state.session = session
    return session


def cookie_name(secure: bool) -> str:
    """`__Host-` binds the cookie to this exact host over https."""
    return f"__Host-{COOKIE}" if secure else COOKIE


def current_user(request: Request) -> User:
    """The signed-in person and their roles (no roles when not signed in)."""
    from bot.web.roles import roles_for
    from bot.web.state import state_of

    session = session_of(request)
    if not session.email:
        return User("", frozenset())
    web = state_of(request)
    roles = roles_for(session.email, config=web.app.config, web=web.web, store=web.app.store)
    return User(session.email, roles)


def require(*allowed: Role) -> Callable[[Request], User]:
    """A route dependency: the signed-in user, if they hold one of `allowed` (or are admin)."""

    def dependency(request: Request) -> User:
        user = current_user(request)
        if not user.email:
            raise WebError(401, "Sign in first", "This page is for signed-in staff. Use the sign-in "
                           "link perfbot sent you, or ask the performance officer for one.")  # fmt: skip
        if not user.has(*allowed):
            needed = " or ".join(ROLE_NAMES[r] for r in allowed)
            raise WebError(403, "You cannot see this page",
                           f"This page is for the {needed}. You are signed in as {user.email}.")  # fmt: skip
        request.state.user = user
        return user

    dependency.roles = allowed  # type: ignore[attr-defined] - read by the route audit test
    return dependency
