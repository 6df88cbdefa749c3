"""What a web session and a sign-in link carry, signed: no state, no request."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from perfbot.links import LinkError

COOKIE = "perfbot_session"


class SignInLinks:
    """Signed, expiring sign-in links, one per person."""

    def __init__(self, *, secret: str, base_url: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="perfbot.web-sign-in")
        self._base_url = base_url.rstrip("/")

    def url(self, *, email: str, expires: datetime) -> str:
        token = self._serializer.dumps({"m": email.strip().lower(), "x": int(expires.timestamp()),
                                        "j": secrets.token_urlsafe(12)})  # fmt: skip
        return f"{self._base_url}/sign-in/{token}"

    def read(self, token: str, *, now: datetime) -> str:
        """The e-mail a link was issued to; LinkError if it is forged or expired."""
        return self.read_link(token, now=now).email

    def read_link(self, token: str, *, now: datetime) -> SignInLink:
        """What a link says; LinkError if it is forged or expired."""
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise LinkError("This sign-in link is not valid. Ask for a new one.") from None
        if not isinstance(data, dict) or now.timestamp() > data.get("x", 0) or "j" not in data:
            raise LinkError("This sign-in link has expired. Ask the performance officer for a new one.")
        return SignInLink(str(data["m"]), str(data["j"]), datetime.fromtimestamp(data["x"], tz=UTC))


@dataclass(frozen=True, slots=True)
class SignInLink:
    email: str
    nonce: str  # recorded when the link is used: it signs in once
    expires: datetime


@dataclass(frozen=True, slots=True)
class Session:
    email: str  # "" until the person signs in
    csrf: str
    expires: int  # POSIX seconds
    sid: str = ""  # the server-side session's id, once signed in


class SessionCodec:
    """The session cookie's value: signed, so it cannot be forged or altered."""

    def __init__(self, *, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt="perfbot.web-session")

    def dumps(self, session: Session) -> str:
        return self._serializer.dumps([session.email, session.csrf, session.expires, session.sid])

    def loads(self, text: str | None, *, now: datetime) -> Session | None:
        if not text:
            return None
        try:
            email, csrf, expires, sid = self._serializer.loads(text)
        except (BadSignature, ValueError, TypeError):
            return None  # forged, or from before sessions were kept server-side
        if now.timestamp() > expires:
            return None
        return Session(str(email), str(csrf), int(expires), str(sid))


def new_session(email: str, *, now: datetime, hours: int, sid: str = "") -> Session:
    """A fresh session with a fresh CSRF secret (on sign-in, so no fixation)."""
    return Session(email, secrets.token_urlsafe(32), int((now + timedelta(hours=hours)).timestamp()), sid)


def cookie_name(secure: bool) -> str:
    """`__Host-` binds the cookie to this exact host over https."""
    return f"__Host-{COOKIE}" if secure else COOKIE
