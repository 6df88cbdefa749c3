"""A real SMTP server for tests: aiosmtpd on 127.0.0.1 with STARTTLS (a trustme certificate)
required before AUTH, recording every message it accepts.

`refuse(address)` answers 550 to that recipient; `defer_next(n)` answers the next n DATA with
451 (a temporary failure). `SmtpServer(None, data_delay=0.4)` is a slow server: it records each
message as soon as its DATA is in, then waits that long before answering 250 (so a sender killed
meanwhile has handed the message over without hearing so), and `most_at_once` says how many DATA
were ever being answered at the same time. aiosmtpd needs an explicit free port (port=0 fails its
start-up check).
"""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, Self

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .server import free_port
from .tls import LocalCA

USER, PASSWORD = "perfbot@council.gov.uk", "smtp-app-password"


class _Handler:
    def __init__(self, data_delay: float = 0.0) -> None:
        self.data_delay = data_delay
        self.answering = 0
        self.most_at_once = 0
        self.messages: list[EmailMessage] = []
        self.refused: set[str] = set()
        self.deferrals = 0
        self.data_attempts = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:  # noqa: N802
        if address.lower() in self.refused:
            return "550 5.1.1 Recipient address rejected: no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.data_attempts += 1
        if self.deferrals > 0:
            self.deferrals -= 1
            return "451 4.3.0 Temporary local problem, try again later"
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        message["X-Authenticated-As"] = str(session.auth_data.login.decode() if session.auth_data else "")
        self.messages.append(message)
        if self.data_delay:
            self.answering += 1
            self.most_at_once = max(self.most_at_once, self.answering)
            try:
                await asyncio.sleep(self.data_delay)
            finally:
                self.answering -= 1
        return "250 OK: queued"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
    return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


class SmtpServer:
    """`with SmtpServer(ca) as smtp:` — STARTTLS and AUTH required, like Exchange Online's.
    `SmtpServer(None)`: a plain relay (`relay_env()`)."""

    def __init__(self, ca: LocalCA | None, *, data_delay: float = 0.0) -> None:
        """Without `ca`: a plain relay on the council network (no TLS, no AUTH). `data_delay`:
        seconds between taking a message in and answering 250."""
        self.handler = _Handler(data_delay)
        self.port = free_port()
        secure: dict[str, Any] = {}
        if ca is not None:
            secure = {"tls_context": ca.server_context(), "require_starttls": True,
                      "authenticator": _authenticate, "auth_required": True, "auth_require_tls": True}  # fmt: skip
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **secure)

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.handler.messages)

    def refuse(self, address: str) -> None:
        self.handler.refused.add(address.lower())

    def defer_next(self, count: int = 1) -> None:
        self.handler.deferrals += count

    def env(self, **extra: str) -> dict[str, str]:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_SECURITY": "starttls",
                "SMTP_USERNAME": USER, "SMTP_PASSWORD": PASSWORD,
                "PERFBOT_MAIL_FROM": "performance@council.gov.uk", **extra}  # fmt: skip

    def relay_env(self) -> dict[str, str]:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port), "SMTP_SECURITY": "none",
                "PERFBOT_MAIL_FROM": "performance@council.gov.uk"}  # fmt: skip

    def __enter__(self) -> Self:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()
