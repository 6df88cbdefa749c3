"""App-only tokens from Entra ID with msal: one long-lived client per resource, cached.

The Teams bot (resource `https://api.botframework.com`) takes the certificate when one is
configured, else the client secret; SharePoint REST only accepts the certificate. msal's token
cache makes every repeat request free until the token nears expiry, and msal remembers a 429
for its `Retry-After`, so callers must wait before asking again (the outbox does).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msal
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from perfbot.channel import TransportError
from perfbot.config import ConfigError
from perfbot.settings import M365Settings

BOT_RESOURCE = "https://api.botframework.com"
_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.S)
# AADSTS codes whose fix is in perfbot's settings (https://learn.microsoft.com/entra/identity-platform/reference-error-codes)
_FIXES = {
    "invalid_client": "check M365_CLIENT_SECRET, or that the certificate at M365_CERT_PATH is "
                      "uploaded to the app registration",
    "unauthorized_client": "check M365_CLIENT_ID and M365_TENANT_ID name this app registration",
    "invalid_request": "check M365_TENANT_ID and M365_AUTHORITY_HOST",
    "invalid_scope": "check the resource URL (SHAREPOINT_SITE_URL)",
}  # fmt: skip


def load_credential(settings: M365Settings) -> str | dict[str, str]:
    """msal's `client_credential`: the certificate (key + SHA-1 thumbprint) or the secret."""
    if not settings.cert_path:
        return settings.client_secret or ""
    try:
        text = Path(settings.cert_path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"M365_CERT_PATH: cannot read {settings.cert_path} ({error})") from None
    blocks = {match[1]: match[0] for match in _PEM.finditer(text)}
    key = next((pem for kind, pem in blocks.items() if kind.endswith("PRIVATE KEY")), None)
    if key is None:
        raise ConfigError("M365_CERT_PATH must hold the private key (PEM) as well as the certificate")
    if "CERTIFICATE" in blocks:
        cert = x509.load_pem_x509_certificate(blocks["CERTIFICATE"].encode())
        actual = cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - Entra ID's thumbprint
        if actual != settings.cert_thumbprint:
            raise ConfigError(f"M365_CERT_THUMBPRINT does not match the certificate in "
                              f"M365_CERT_PATH (its thumbprint is {actual})")  # fmt: skip
    return {"private_key": key, "thumbprint": settings.cert_thumbprint or ""}


class TokenSource:
    """Tokens for one resource from one msal application (and its cache), made on first use.

    msal reads the authority's OpenID configuration when the application is made, so it is made
    lazily: building perfbot never waits on the network, and an outage is a retryable error.
    """

    def __init__(self, make_client: Callable[[], msal.ConfidentialClientApplication], resource: str) -> None:
        self._make_client = make_client
        self._client: msal.ConfidentialClientApplication | None = None
        self._lock = threading.Lock()
        self.scope = resource.rstrip("/") + "/.default"

    @property
    def client(self) -> msal.ConfidentialClientApplication:
        with self._lock:
            if self._client is None:
                try:
                    self._client = self._make_client()
                except (requests.RequestException, ValueError) as error:
                    raise TransportError(f"could not reach Entra ID at M365_AUTHORITY_HOST "
                                         f"({type(error).__name__}: {str(error)[:200]}); will retry") from None  # fmt: skip
            return self._client

    def token(self) -> str:
        """A valid access token, from msal's cache when it can; TransportError when refused."""
        return str(self.response()["access_token"])

    def response(self) -> dict[str, Any]:
        """msal's whole answer (`access_token`, `expires_in` …), for clients that keep it."""
        result = self.client.acquire_token_for_client([self.scope])
        if "access_token" in result:
            return result
        raise token_error(result)


def token_error(result: dict[str, Any]) -> TransportError:
    """msal's error answer as a TransportError saying what to fix."""
    error = str(result.get("error", "unknown_error"))
    first_line = str(result.get("error_description", "")).split(" Trace ID")[0]
    fix = _FIXES.get(error)
    if fix is None:  # throttled, unavailable, a network failure: try again later
        return TransportError(f"Entra ID gave no token ({error}: {first_line}); will retry")
    return TransportError(f"Entra ID refused perfbot's credentials ({first_line}): {fix}", permanent=True)


class Identity:
    """The app registration: one `TokenSource` per resource, each created once and kept.

    Whoever makes one owns it (the Teams factory makes one for its channel and its bot), so one
    running app asks Entra ID once per token lifetime, and two apps in a process share nothing.
    """

    def __init__(self, settings: M365Settings, *, http_client: requests.Session | None = None) -> None:
        """`http_client` (tests: a session trusting the test CA) overrides msal's default."""
        self.settings = settings
        self._http_client = http_client
        self._credential = load_credential(settings)
        self._sources: dict[str, TokenSource] = {}
        self._lock = threading.Lock()

    def for_resource(self, resource: str) -> TokenSource:
        """The token source for `resource` (one per resource, kept: its msal cache is reused)."""
        with self._lock:
            key = resource.rstrip("/")
            if key not in self._sources:
                self._sources[key] = TokenSource(self._client, key)
            return self._sources[key]

    def _client(self) -> msal.ConfidentialClientApplication:
        settings = self.settings
        return msal.ConfidentialClientApplication(
            settings.client_id,
            client_credential=self._credential,
            authority=f"{settings.authority_host}/{settings.tenant_id}",
            instance_discovery=False,  # the authority is ours to configure; no lookup elsewhere
            http_client=self._http_client,
            timeout=30,
        )
