"""Signed, expiring links to the web returns form: one per owner per round."""

from __future__ import annotations

import os
from datetime import datetime

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

_SALT = "perfbot.returns-form"


class LinkError(ValueError):
    """A form link that is forged, damaged or expired (the message is user-facing)."""


def secret_key() -> str:
    """`PERFBOT_SECRET_KEY`, or a key kept in the data dir so links survive a restart."""
    return os.environ.get("PERFBOT_SECRET_KEY", "")


class FormLinks:
    def __init__(self, *, secret: str, base_url: str) -> None:
        if not secret:
            raise ValueError("a secret key is needed to sign form links")
        self._serializer = URLSafeTimedSerializer(secret, salt=_SALT)
        self._base_url = base_url.rstrip("/")

    def token(self, *, owner: str, period: str, expires: datetime) -> str:
        return self._serializer.dumps({"o": owner, "p": period, "e": int(expires.timestamp())})

    def url(self, *, owner: str, period: str, expires: datetime) -> str:
        return f"{self._base_url}/returns/{self.token(owner=owner, period=period, expires=expires)}"

    def read(self, token: str, *, now: datetime) -> tuple[str, str]:
        """The (owner, period) a token was issued for; LinkError if forged or expired."""
        try:
            data = self._serializer.loads(token)
        except SignatureExpired:
            raise LinkError("This link has expired. Ask for a new one.") from None
        except BadSignature:
            raise LinkError("This link is not valid. Use the link from your latest request.") from None
        if now.timestamp() > data["e"]:
            raise LinkError("This link has expired: the round has closed. Ask for a new one.")
        return data["o"], data["p"]
