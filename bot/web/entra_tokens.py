"""Checking an Entra ID id_token ourselves (msal does not verify its signature).

The tenant's OpenID configuration names the issuer and the signing keys (JWKS); both are
cached, and the keys are fetched again when a token names a key we do not hold (Entra ID rolls
its keys), at most once every five minutes. A token must be RS256-signed by one of those keys,
from that issuer, for this app (aud), for this tenant (tid), for this sign-in (nonce), and in date
by perfbot's clock (two minutes' leeway).
"""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime
from typing import Any

import jwt
import requests

LEEWAY = 120  # seconds of clock skew allowed
METADATA_SECONDS = 24 * 3600
KEYS_REFRESH_SECONDS = 300


class TokenRejected(Exception):
    """The id_token cannot be trusted; the message says why (for the log, not the user)."""


class EntraUnreachable(Exception):
    """Entra ID's OpenID configuration or keys could not be read."""


def nonce_hash(nonce: str) -> str:
    """What msal sends as the nonce (the SHA-256 of the one it keeps), so what the token carries."""
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


class IdTokenVerifier:
    """Verifies id_tokens for one app registration in one tenant."""

    def __init__(self, *, authority: str, client_id: str, tenant_id: str, http: requests.Session) -> None:
        self._metadata_url = f"{authority}/v2.0/.well-known/openid-configuration"
        self._client_id = client_id
        self._tenant_id = tenant_id
        self._http = http
        self._lock = threading.Lock()
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0
        self._keys: dict[str, jwt.PyJWK] = {}
        self._keys_at = 0.0

    def metadata(self) -> dict[str, Any]:
        """The tenant's OpenID configuration (cached for a day)."""
        with self._lock:
            if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_SECONDS:
                found = self._get(self._metadata_url)
                if not isinstance(found.get("issuer"), str) or not isinstance(found.get("jwks_uri"), str):
                    raise EntraUnreachable("the OpenID configuration has no issuer or jwks_uri")
                self._metadata, self._metadata_at = found, time.monotonic()
            return self._metadata

    def verify(self, id_token: str, *, nonce: str, now: datetime) -> dict[str, Any]:
        """The token's claims, or TokenRejected saying which check failed."""
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.InvalidTokenError as error:
            raise TokenRejected(f"not a JWT ({error})") from None
        if header.get("alg") != "RS256":
            raise TokenRejected(f"signed with {header.get('alg')!r}, not RS256")
        key = self._key(str(header.get("kid", "")))
        try:
            claims = jwt.decode(
                id_token, key, algorithms=["RS256"], audience=self._client_id,
                issuer=self.metadata()["issuer"],
                options={"require": ["iss", "aud", "exp", "iat", "tid"], "verify_exp": False,
                         "verify_iat": False, "verify_nbf": False},
            )  # fmt: skip
        except jwt.InvalidSignatureError:
            raise TokenRejected("the signature does not verify with the tenant's key") from None
        except jwt.InvalidAudienceError:
            raise TokenRejected("the audience (aud) is not this app's client id") from None
        except jwt.InvalidIssuerError:
            raise TokenRejected("the issuer (iss) is not this tenant's") from None
        except jwt.InvalidTokenError as error:
            raise TokenRejected(f"not valid ({error})") from None
        _check_time(claims, now.timestamp())
        if str(claims["tid"]).lower() != self._tenant_id:
            raise TokenRejected("the tenant (tid) is not the configured tenant")
        if claims.get("nonce") != nonce_hash(nonce):
            raise TokenRejected("the nonce is not this sign-in's")
        return claims

    def _key(self, kid: str) -> jwt.PyJWK:
        with self._lock:
            stale = time.monotonic() - self._keys_at > KEYS_REFRESH_SECONDS
            if kid not in self._keys and (stale or not self._keys):
                self._keys_at = time.monotonic()  # before fetching: a failure also waits its turn
                self._keys = self._fetch_keys()
            found = self._keys.get(kid)
        if found is None:
            raise TokenRejected(f"signed with a key the tenant does not publish (kid {kid[:40]!r})")
        return found

    def _fetch_keys(self) -> dict[str, jwt.PyJWK]:
        jwks = self._get(self._metadata_unlocked()["jwks_uri"])
        keys: dict[str, jwt.PyJWK] = {}
        for data in jwks.get("keys", []):
            try:
                key = jwt.PyJWK(data)
            except jwt.PyJWKError:
                continue  # a key type we do not use
            if key.key_id:
                keys[key.key_id] = key
        return keys

    def _metadata_unlocked(self) -> dict[str, Any]:
        if self._metadata is None:
            self._metadata = self._get(self._metadata_url)
            self._metadata_at = time.monotonic()
        return self._metadata

    def _get(self, url: str) -> dict[str, Any]:
        try:
            answer = self._http.get(url, timeout=15)
            answer.raise_for_status()
            found = answer.json()
        except (requests.RequestException, ValueError) as error:
            raise EntraUnreachable(f"{url}: {type(error).__name__}: {str(error)[:200]}") from None
        if not isinstance(found, dict):
            raise EntraUnreachable(f"{url}: not a JSON object")
        return found


def _check_time(claims: dict[str, Any], now: float) -> None:
    exp, iat, nbf = claims.get("exp"), claims.get("iat"), claims.get("nbf", claims.get("iat"))
    if not all(isinstance(v, int | float) for v in (exp, iat, nbf)):
        raise TokenRejected("exp, iat or nbf is not a number")
    if now > exp + LEEWAY:
        raise TokenRejected("expired (exp is in the past)")
    if now + LEEWAY < nbf or now + LEEWAY < iat:
        raise TokenRejected("not valid yet (iat/nbf is in the future)")
