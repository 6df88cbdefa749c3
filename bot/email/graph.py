"""Send through Microsoft Graph: `POST /users/{sender}/sendMail` with an app-only token (msal).

The message goes as MIME (base64 in a text/plain body, which Graph documents for sendMail), so the
plain-text part, Message-ID and the In-Reply-To/References that thread reminders survive, as they
do over SMTP; Graph's JSON form carries one body and only X- headers. Graph answers 202.
Throttling (429) and outages (503) are retried through the outbox after `Retry-After`.
https://learn.microsoft.com/graph/api/user-sendmail and /graph/throttling
"""

from __future__ import annotations

import base64
from email.message import EmailMessage
from urllib.parse import quote, urlsplit

import requests

from bot.teams.identity import TokenSource
from perfbot.channel import TransportError

TIMEOUT = 30.0
_TRANSIENT = {408, 429, 500, 502, 503, 504}
_RECIPIENT_CODES = {"ErrorInvalidRecipients", "ErrorRecipientNotFound", "ErrorInvalidSmtpAddress"}
_FIXES = {  # codes whose fix is in the tenant's set-up (https://learn.microsoft.com/graph/errors)
    401: "check the app registration's Mail.Send application permission has admin consent",
    403: "check Mail.Send and that the Exchange application access policy allows GRAPH_MAIL_SENDER",
    404: "check GRAPH_MAIL_SENDER is a mailbox in this tenant",
}


def graph_resource(api_url: str) -> str:
    """The token audience for a Graph endpoint (`https://graph.microsoft.com`, or a cloud's)."""
    parts = urlsplit(api_url)
    return f"{parts.scheme}://{parts.netloc}"


class GraphTransport:
    name = "graph"

    def __init__(self, *, api_url: str, sender: str, tokens: TokenSource,
                 session: requests.Session | None = None, timeout: float = TIMEOUT) -> None:  # fmt: skip
        self._url = f"{api_url}users/{quote(sender, safe='@.')}/sendMail"
        self._tokens = tokens
        self._session = session or requests.Session()
        self._timeout = timeout

    def send(self, message: EmailMessage) -> str:
        body = base64.b64encode(message.as_bytes())
        headers = {"Authorization": f"Bearer {self._tokens.token()}", "Content-Type": "text/plain"}
        try:
            response = self._session.post(self._url, data=body, headers=headers, timeout=self._timeout)
        except requests.RequestException as error:
            raise TransportError(f"could not reach Microsoft Graph ({type(error).__name__}); will retry") from None
        if response.status_code == 202:
            return str(message["Message-ID"])
        raise _error(response, str(message["To"]))


def _error(response: requests.Response, to: str) -> TransportError:
    status = response.status_code
    code, text = _graph_error(response)
    if status in _TRANSIENT:
        after = response.headers.get("Retry-After", "")
        return TransportError(f"Microsoft Graph is busy (HTTP {status} {code}); will retry",
                              retry_after=float(after) if after.isdigit() else None)  # fmt: skip
    if code in _RECIPIENT_CODES:
        return TransportError(f"undeliverable: Microsoft Graph refused {to} ({code}: {text})", permanent=True)
    fix = _FIXES.get(status)
    if fix:  # the tenant's set-up, not this person: retried a few times, then shown as failed
        return TransportError(f"Microsoft Graph refused to send (HTTP {status} {code}): {fix}")
    return TransportError(f"Microsoft Graph refused the message (HTTP {status} {code}: {text})", permanent=True)


def _graph_error(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error", {})
        return str(error.get("code", "")), str(error.get("message", ""))[:200]
    except (ValueError, AttributeError):
        return "", response.text[:200]
