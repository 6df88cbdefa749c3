"""Send through an SMTP server (a council relay, or Exchange Online's SMTP AUTH) with smtplib.

`starttls` (port 587) upgrades the connection before anything else is said; `tls` (465) speaks TLS
from the start; `none` (a relay on the council network) is plain and never sends a password.
Reply codes decide retries (RFC 5321): 4xx is temporary and retried through the outbox; 5xx to a
recipient (550 no such mailbox) is permanent for that person.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from perfbot.channel import TransportError
from perfbot.mail_settings import SmtpSettings

TIMEOUT = 30.0


class SmtpTransport:
    name = "smtp"

    def __init__(self, settings: SmtpSettings, *, ssl_context: ssl.SSLContext | None = None,
                 timeout: float = TIMEOUT) -> None:  # fmt: skip
        """`ssl_context` (tests: one trusting the test CA) overrides the system's trust store."""
        self._settings = settings
        self._context = ssl_context or ssl.create_default_context()
        self._timeout = timeout

    def send(self, message: EmailMessage) -> str:
        """Hand the message to the server; its Message-ID is the delivery reference."""
        try:
            with self._connect() as server:
                self._secure_and_log_in(server)
                server.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            raise _refused(refused) from None
        except smtplib.SMTPAuthenticationError as error:
            raise TransportError(f"the SMTP server refused SMTP_USERNAME/SMTP_PASSWORD "
                                 f"({error.smtp_code} {_text(error.smtp_error)}); will retry") from None  # fmt: skip
        except smtplib.SMTPSenderRefused as error:
            raise TransportError(f"the SMTP server refused the From address PERFBOT_MAIL_FROM "
                                 f"({error.smtp_code} {_text(error.smtp_error)}); will retry") from None  # fmt: skip
        except smtplib.SMTPResponseException as error:
            raise _by_code(error.smtp_code, _text(error.smtp_error)) from None
        except smtplib.SMTPNotSupportedError as error:
            raise TransportError(f"the SMTP server does not offer what SMTP_SECURITY/SMTP_USERNAME "
                                 f"need ({error}); will retry") from None  # fmt: skip
        except (smtplib.SMTPException, OSError) as error:  # refused, reset, timed out, TLS failure
            raise TransportError(f"could not reach the SMTP server at {self._settings.host}:"
                                 f"{self._settings.port} ({type(error).__name__}: {error}); will retry") from None  # fmt: skip
        return str(message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        s = self._settings
        if s.security == "tls":
            return smtplib.SMTP_SSL(s.host, s.port, timeout=self._timeout, context=self._context)
        return smtplib.SMTP(s.host, s.port, timeout=self._timeout)

    def _secure_and_log_in(self, server: smtplib.SMTP) -> None:
        s = self._settings
        server.ehlo()
        if s.security == "starttls":
            server.starttls(context=self._context)
            server.ehlo()
        if s.username and s.password:
            server.login(s.username, s.password)


def _text(raw: bytes | str) -> str:
    return (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw))[:200]


def _by_code(code: int, text: str) -> TransportError:
    if 400 <= code < 500:
        return TransportError(f"the SMTP server deferred the message ({code} {text}); will retry")
    return TransportError(f"the SMTP server refused the message ({code} {text})", permanent=True)


def _refused(refused: smtplib.SMTPRecipientsRefused) -> TransportError:
    (address, (code, raw)), *_ = refused.recipients.items()
    if 400 <= code < 500:
        return TransportError(f"the SMTP server deferred {address} ({code} {_text(raw)}); will retry")
    return TransportError(f"undeliverable: the SMTP server refused {address} ({code} {_text(raw)})",
                          permanent=True)  # fmt: skip
