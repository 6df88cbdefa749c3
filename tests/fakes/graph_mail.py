"""Fake Microsoft Graph `sendMail` over HTTPS on 127.0.0.1 (a real HTTP server in a thread).

Strict as Graph is: `POST /v1.0/users/{id}/sendMail` only, a bearer token this fake's identity
issued for Graph (audience = this server's origin) with the `Mail.Send` application role, a known
mailbox, and a body that is either the JSON form (`{"message": {subject, body {contentType,
content}, toRecipients [{emailAddress {address}}] …}, "saveToSentItems": bool}`) or the MIME form
(base64 of an RFC 5322 message, Content-Type text/plain) whose From is the mailbox. Answers 202
with no body; `fail_next("sendMail", status=429, retry_after=N)` throttles;
`refuse(address)` makes a recipient invalid (400 ErrorInvalidRecipients).
"""

from __future__ import annotations

import base64
import binascii
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import jwt

from .identity import FakeIdentity
from .server import FakeServer, Reply, Request
from .tls import LocalCA

_PATH = re.compile(r"^/v1\.0/users/(?P<user>[^/]+)/sendMail$")
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"error": {"code": code, "message": message}})


class FakeGraphMail(FakeServer):
    def __init__(self, *, ca: LocalCA, identity: FakeIdentity, mailboxes: tuple[str, ...]) -> None:
        super().__init__(ca=ca)
        self._identity = identity
        self._mailboxes = {m.lower() for m in mailboxes}
        self._refused: set[str] = set()
        self._sent: list[EmailMessage | dict[str, Any]] = []

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1.0/"

    @property
    def sent(self) -> list[Any]:
        """Messages accepted: parsed MIME messages, or the JSON `message` objects."""
        with self._lock:
            return list(self._sent)

    def refuse(self, address: str) -> None:
        with self._lock:
            self._refused.add(address.lower())

    def kind_of(self, request: Request) -> str:
        return "sendMail" if _PATH.match(request.path) else request.path

    def handle(self, request: Request) -> Reply:
        match = _PATH.match(request.path)
        if match is None:
            return _error(400, "BadRequest", "Resource not found for the segment.")
        if request.method != "POST":
            return _error(405, "Request_BadRequest", "The method is not allowed.")
        denied = self._check_token(request)
        if denied is not None:
            return denied
        mailbox = match["user"].lower()
        if mailbox not in self._mailboxes:
            return _error(404, "ErrorInvalidUser", f"The requested user '{mailbox}' is invalid.")
        kind = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if kind == "text/plain":
            return self._mime(request, mailbox)
        if kind == "application/json":
            return self._json(request)
        return _error(415, "UnsupportedMediaType", "Use application/json or text/plain (MIME).")

    def _check_token(self, request: Request) -> Reply | None:
        token = request.bearer()
        if not token:
            return _error(401, "InvalidAuthenticationToken", "Access token is empty.")
        try:
            claims = self._identity.verify_access_token(token, audience=self.url)
        except jwt.InvalidTokenError as error:
            return _error(401, "InvalidAuthenticationToken", f"Access token validation failure: {error}")
        if "Mail.Send" not in claims.get("roles", []):
            return _error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
        return None

    def _mime(self, request: Request, mailbox: str) -> Reply:
        try:
            raw = base64.b64decode(request.body, validate=True)
        except (binascii.Error, ValueError):
            return _error(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.")
        message = message_from_bytes(raw, policy=policy.default)
        if not message["To"] or not message["Subject"] or not message["From"]:
            return _error(400, "ErrorMimeContentInvalid", "The MIME content is missing To, From or Subject.")
        if message["From"].addresses[0].addr_spec.lower() != mailbox:
            return _error(403, "ErrorSendAsDenied", "The user account which was used to submit this "
                          "request does not have the right to send mail on behalf of the specified sending account.")  # fmt: skip
        refused = self._refusal([a.addr_spec for a in message["To"].addresses])
        if refused:
            return refused
        with self._lock:
            self._sent.append(message)
        return Reply(202, None)

    def _json(self, request: Request) -> Reply:
        try:
            body = request.json()
        except ValueError:
            return _error(400, "BadRequest", "Unable to read JSON request payload.")
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict) or not isinstance(message.get("body"), dict):
            return _error(400, "ErrorInvalidRequest", "Expected {\"message\": {\"body\": {...}}}.")
        if message["body"].get("contentType") not in ("Text", "HTML", "text", "html"):
            return _error(400, "ErrorInvalidRequest", "body.contentType must be Text or HTML.")
        try:
            addresses = [r["emailAddress"]["address"] for r in message.get("toRecipients", [])]
        except (KeyError, TypeError):
            return _error(400, "ErrorInvalidRecipients", "toRecipients must be [{emailAddress: {address}}].")
        refused = self._refusal(addresses) if addresses else _error(400, "ErrorInvalidRecipients", "No recipients.")
        if refused:
            return refused
        with self._lock:
            self._sent.append(message)
        return Reply(202, None)

    def _refusal(self, addresses: list[str]) -> Reply | None:
        for address in addresses:
            if not _ADDRESS.match(address) or address.lower() in self._refused:
                return _error(400, "ErrorInvalidRecipients", f"At least one recipient is not valid., "
                              f"Recipient '{address}' is not resolved.")  # fmt: skip
        return None
