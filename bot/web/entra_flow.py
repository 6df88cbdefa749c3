"""Signing in with Entra ID: msal's authorisation code flow (state, nonce, PKCE), the flow kept
between the two legs in the browser, sealed, and the id_token checked by `entra_tokens`.

The flow travels in a cookie sealed with the council's secret key (Fernet: encrypted, so the
PKCE verifier and nonce stay secret, and authenticated, so it cannot be forged or altered), valid
for ten minutes and bound to the browser that started it (a hash of its session's CSRF secret).
Nothing is kept on the server: a sign-in started on one `perfbot serve` replica finishes on any
other, survives a restart, and anonymous visitors cannot fill memory or the store. The cookie is
removed when the browser comes back, so the same answer cannot be used twice from that browser
(and Entra ID redeems a code once). The answer comes back as a query string (not form_post)
because only a top-level GET carries our SameSite=Lax cookies, which the binding needs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import warnings
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import msal
import requests
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from bot.web.entra_settings import EntraSettings
from bot.web.entra_tokens import EntraUnreachable, IdTokenVerifier, TokenRejected

log = logging.getLogger("perfbot.web")
SCOPES = ["email"]  # msal adds openid and profile; offline_access is excluded: no refresh tokens
FLOW_MINUTES = 10
FLOW_COOKIE = "perfbot_entra_flow"  # path-limited to the callback
_AADSTS = re.compile(r"AADSTS\d{4,7}")
# The query response mode is chosen on purpose (see the module docstring): not a warning per sign-in.
warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended", category=UserWarning)


class SignInFailed(Exception):
    """The sign-in cannot be completed; `status`, `title` and `message` are for the person."""

    def __init__(self, status: int, title: str, message: str, *, why: str) -> None:
        super().__init__(why)
        self.status, self.title, self.message = status, title, message


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who Entra ID says signed in (claims verified)."""

    addresses: tuple[str, ...]  # `email`, then `preferred_username`, lower-case, de-duplicated
    app_roles: tuple[str, ...]
    name: str
    return_to: str = "/"  # the page the person asked for before signing in (this site's own path)


@dataclass(frozen=True, slots=True)
class Started:
    """A sign-in begun: where to send the browser, and the sealed flow for its cookie."""

    url: str
    sealed: str


def binding_of(csrf_secret: str) -> str:
    return hashlib.sha256(csrf_secret.encode()).hexdigest()


class EntraSignIn:
    """One app registration's sign-in: `begin` gives the URL to send the browser to, `finish`
    takes what the browser brings back."""

    def __init__(self, settings: EntraSettings, *, secret: str, http: requests.Session | None = None) -> None:
        self.settings = settings
        self._http = http or requests.Session()  # honours REQUESTS_CA_BUNDLE and proxies
        self._http_cache: dict[Any, Any] = {}  # msal's: the OpenID configuration once a day
        self._seal = Fernet(_flow_key(secret))
        self.verifier = IdTokenVerifier(authority=settings.authority, client_id=settings.client_id,
                                        tenant_id=settings.tenant_id, http=self._http)  # fmt: skip

    def _client(self) -> msal.ConfidentialClientApplication:
        """A fresh msal app with an empty token cache: perfbot keeps no one's tokens."""
        try:
            return msal.ConfidentialClientApplication(
                self.settings.client_id, client_credential=self.settings.credential,
                authority=self.settings.authority, instance_discovery=False, http_client=self._http,
                http_cache=self._http_cache, token_cache=msal.TokenCache(),
                exclude_scopes=["offline_access"], timeout=30,
            )  # fmt: skip
        except (requests.RequestException, ValueError) as error:
            raise _unreachable(error) from None

    def begin(self, *, binding: str, now: datetime, return_to: str = "/") -> Started:
        """Start a sign-in for the browser whose session gives `binding`: the authorize URL, and
        the sealed flow the browser keeps (in `FLOW_COOKIE`) until it comes back; `return_to` is
        where to go once signed in (only a path on this site: anything else means the home page)."""
        flow = self._client().initiate_auth_code_flow(SCOPES, redirect_uri=self.settings.redirect_uri)
        kept = {k: v for k, v in flow.items() if k != "auth_uri"}  # the URL is long and not needed back
        sealed = self._seal.encrypt_at_time(
            json.dumps({"flow": kept, "binding": binding, "next": local_path(return_to)}).encode(),
            int(now.timestamp()))  # fmt: skip
        return Started(str(flow["auth_uri"]), sealed.decode())

    def finish(self, answer: dict[str, str], *, sealed: str | None, binding: str, now: datetime) -> SignedIn:
        """Redeem the code and check the id_token; SignInFailed saying why for anything wrong."""
        flow, return_to = self._unseal(sealed, answer.get("state", ""), binding=binding, now=now)
        if answer.get("error"):
            raise _platform_error(answer)
        try:
            result = self._client().acquire_token_by_auth_code_flow(flow, answer)
        except RuntimeError as error:  # msal's own nonce check
            raise _untrusted(f"msal: {error}") from None
        except ValueError as error:
            raise SignInFailed(400, "Sign-in failed", "The answer from Microsoft was not complete. "
                               "Start again.", why=f"msal: {error}") from None  # fmt: skip
        except requests.RequestException as error:
            raise _unreachable(error) from None
        if "error" in result:
            raise _token_error(result)
        try:
            claims = self.verifier.verify(str(result.get("id_token", "")), nonce=flow["nonce"], now=now)
        except TokenRejected as error:
            raise _untrusted(str(error)) from None
        except EntraUnreachable as error:
            raise _unreachable(error) from None
        return replace(_signed_in(claims), return_to=return_to)

    def logout_url(self) -> str:
        """Entra ID's end-session endpoint (from the OpenID configuration when it can be read)."""
        try:
            found = self.verifier.metadata().get("end_session_endpoint")
        except EntraUnreachable:
            found = None
        return str(found or f"{self.settings.authority}/oauth2/v2.0/logout")

    def _unseal(self, sealed: str | None, state: str, *, binding: str, now: datetime) -> tuple[dict[str, Any], str]:
        """The flow this browser started for `state`, if it is still valid and truly its own."""
        try:
            kept = json.loads(self._seal.decrypt_at_time((sealed or "").encode(), FLOW_MINUTES * 60,
                                                         int(now.timestamp())))  # fmt: skip
        except (InvalidToken, ValueError):
            kept = None
        flow = kept.get("flow") if isinstance(kept, dict) else None
        if not isinstance(flow, dict) or not hmac.compare_digest(str(flow.get("state", "")).encode(), state.encode()):
            raise SignInFailed(400, "This sign-in has expired", "This sign-in was started more than "
                               f"{FLOW_MINUTES} minutes ago, has been used already, was followed by "
                               "another, or was started in another browser. Start again here.",
                               why="no sign-in waiting in this browser for this state")  # fmt: skip
        if not hmac.compare_digest(str(kept.get("binding", "")).encode(), binding.encode()):
            raise SignInFailed(400, "Sign-in refused", "This sign-in was started in another browser. "
                               "Start again here.", why="state from another browser session")  # fmt: skip
        return flow, local_path(str(kept.get("next", "/")))


def local_path(wanted: str) -> str:
    """`wanted` when it is a path on this site ("/officer/rounds/2025-26-Q3"), else "/": never
    another site (`//evil.example`, `https://…`, `/\\evil`), so sign-in cannot be an open redirect."""
    if (not wanted.startswith("/") or wanted.startswith("//") or "\\" in wanted or len(wanted) > 2000
            or any(ord(c) < 32 for c in wanted)):  # fmt: skip
        return "/"
    return wanted


def _flow_key(secret: str) -> bytes:
    """A Fernet key of its own, derived from the council's secret key."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"perfbot entra sign-in flow")
    return base64.urlsafe_b64encode(derived.derive(secret.encode()))


def _signed_in(claims: dict[str, Any]) -> SignedIn:
    found: list[str] = []
    for name in ("email", "preferred_username"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value and value.strip().lower() not in found:
            found.append(value.strip().lower())
    roles = claims.get("roles", [])
    app_roles = tuple(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else ()
    return SignedIn(tuple(found), app_roles, str(claims.get("name", "")))


def _untrusted(why: str) -> SignInFailed:
    log.warning("Entra ID sign-in refused: the id_token %s", why)
    return SignInFailed(400, "Sign-in refused", "perfbot could not trust the answer from Microsoft, "
                        "so you are not signed in. Start again; if this keeps happening, tell IT.", why=why)  # fmt: skip


def _unreachable(error: Exception) -> SignInFailed:
    log.warning("Entra ID cannot be reached: %s", str(error)[:300])
    return SignInFailed(503, "Microsoft sign-in is not available", "perfbot cannot reach Microsoft "
                        "sign-in just now. Try again in a few minutes.", why=str(error))  # fmt: skip


def _code_of(answer: dict[str, Any]) -> str:
    found = _AADSTS.search(str(answer.get("error_description", "")))
    return f" (Microsoft's code: {found[0]})" if found else ""


def _platform_error(answer: dict[str, str]) -> SignInFailed:
    """The authorize endpoint's `error=` answer: its description is not shown (it comes in the
    URL, so anyone could write it), only our words and the AADSTS code."""
    error = answer.get("error", "")
    code = _code_of(answer)
    log.info("Entra ID sign-in not completed: %s%s", error[:60], code)
    if error == "access_denied":
        return SignInFailed(403, "You did not sign in", "Microsoft sign-in was cancelled or access "
                            f"was declined{code}. Start again if you meant to sign in.", why=error)  # fmt: skip
    if error in ("consent_required", "interaction_required", "login_required"):
        return SignInFailed(403, "Your organisation has not approved perfbot", "Microsoft needs an "
                            f"administrator to approve perfbot's sign-in first{code}. Tell IT.", why=error)  # fmt: skip
    return SignInFailed(502, "Microsoft sign-in failed", f"Microsoft could not sign you in{code}. "
                        "Start again; if this keeps happening, tell IT.", why=error)  # fmt: skip


def _token_error(result: dict[str, Any]) -> SignInFailed:
    error = str(result.get("error", ""))
    code = _code_of(result)
    if error == "invalid_grant":  # the code expired, was used, or does not match this flow
        log.info("Entra ID refused the sign-in code: %s", str(result.get("error_description", ""))[:200])
        return SignInFailed(400, "This sign-in has expired", f"Microsoft would not complete this sign-in{code}. "
                            "Start again.", why=error)  # fmt: skip
    log.warning("Entra ID refused perfbot's credentials (%s): check [entra] client_id and tenant_id and "
                "ENTRA_CLIENT_SECRET or the certificate", str(result.get("error_description", ""))[:200])  # fmt: skip
    return SignInFailed(502, "Microsoft sign-in is not set up correctly", "Microsoft did not accept "
                        f"perfbot's own credentials{code}, so nobody can sign in this way. Tell IT.", why=error)  # fmt: skip
