"""Signed, expiring links to a service's sign-off page: one per approver per request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer

from perfbot.links import LinkError
from perfbot.periods import Period

_SALT = "perfbot.sign-off"


@dataclass(frozen=True, slots=True)
class SignOffLink:
    """Whom a sign-off link was issued to, about which service's figures."""

    person: str
    period: Period
    service: str


class SignOffLinks:
    def __init__(self, *, secret: str, base_url: str) -> None:
        if not secret:
            raise ValueError("a secret key is needed to sign sign-off links")
        self._serializer = URLSafeSerializer(secret, salt=_SALT)
        self._base_url = base_url.rstrip("/")

    def token(self, *, person: str, period: Period, service: str, expires: datetime) -> str:
        return self._serializer.dumps({"o": person.lower(), "p": str(period), "s": service,
                                       "e": int(expires.timestamp())})  # fmt: skip

    def url(self, *, person: str, period: Period, service: str, expires: datetime) -> str:
        token = self.token(person=person, period=period, service=service, expires=expires)
        return f"{self._base_url}/signoff/{token}"

    def read(self, token: str, *, now: datetime) -> SignOffLink:
        """What a token was issued for; LinkError if it is forged, damaged or expired."""
        try:
            data = self._serializer.loads(token)
        except BadSignature:
            raise LinkError("This link is not valid. Use the link from your latest sign-off request.") from None
        if now.timestamp() > data["e"]:
            raise LinkError("This link has expired. Ask the performance officer for a new one.")
        return SignOffLink(data["o"], Period.parse(data["p"]), data["s"])
