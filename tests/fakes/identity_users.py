"""The user-sign-in side of the fake identity platform: test users, the authorize page, codes,
PKCE and v2 id_tokens (including spoiled ones, for the tests that must see them refused).

Used by :class:`tests.fakes.identity.FakeIdentity`; see its ``authorize`` and ``sign_in_as``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import uuid
from dataclasses import dataclass, field
from typing import Any

# What a test may ask `spoil_next_id_token` for: each a way a forged or stale token differs.
SPOILS = ("issuer", "audience", "nonce", "expired", "key", "tenant", "unsigned")
CODE_LIFETIME = 600  # seconds: Entra ID's authorisation codes last about ten minutes


@dataclass(frozen=True)
class TestUser:
    """A person in the fake directory."""

    __test__ = False  # not a pytest test class

    upn: str  # preferred_username
    name: str
    email: str | None = None  # the `email` claim (the mail attribute), when the user has one
    roles: tuple[str, ...] = ()  # app roles assigned to the user, by value

    @property
    def oid(self) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"user:{self.upn.lower()}"))


@dataclass
class AuthGrant:
    """An authorisation code handed to the browser, waiting to be redeemed once."""

    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    scopes: tuple[str, ...]
    user: TestUser
    issued: float
    redeemed: bool = False
    spoil: str | None = field(default=None)


def s256(verifier: str) -> str:
    """The PKCE S256 challenge of a code verifier (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def id_token_claims(grant: AuthGrant, *, issuer: str, tenant_id: str, now: int, lifetime: int) -> dict[str, Any]:
    """The claims Entra ID v2 puts in an id_token for the `openid profile email` scopes."""
    user = grant.user
    claims: dict[str, Any] = {
        "aud": grant.client_id, "iss": issuer, "iat": now, "nbf": now, "exp": now + lifetime,
        "name": user.name, "oid": user.oid, "preferred_username": user.upn,
        "rh": "0.fake", "sid": str(uuid.uuid4()), "sub": hashlib.sha256(user.oid.encode()).hexdigest()[:43],
        "tid": tenant_id, "uti": uuid.uuid4().hex[:22], "ver": "2.0",
    }  # fmt: skip
    if grant.nonce is not None:
        claims["nonce"] = grant.nonce
    if user.email and "email" in grant.scopes:
        claims["email"] = user.email
    if user.roles:
        claims["roles"] = list(user.roles)
    return claims


def spoiled(claims: dict[str, Any], what: str, *, lifetime: int) -> dict[str, Any]:
    """`claims` changed the way `what` names (signature spoils are the signer's job)."""
    other = "99999999-8888-7777-6666-555555555555"
    changed = dict(claims)
    if what == "issuer":
        changed["iss"] = f"https://login.example.net/{claims['tid']}/v2.0"
    elif what == "audience":
        changed["aud"] = other
    elif what == "nonce":
        changed["nonce"] = hashlib.sha256(b"someone else's sign-in").hexdigest()
    elif what == "expired":
        changed.update(iat=claims["iat"] - 2 * lifetime, nbf=claims["iat"] - 2 * lifetime,
                       exp=claims["iat"] - lifetime)  # fmt: skip
    elif what == "tenant":
        changed["tid"] = other
    return changed


def client_info(user: TestUser, tenant_id: str) -> str:
    """The `client_info` msal asks for (uid.utid names the account in its cache)."""
    raw = f'{{"uid":"{user.oid}","utid":"{tenant_id}"}}'.encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def authorize_page(users: list[TestUser], params: dict[str, str], *, action: str) -> bytes:
    """A small "Pick an account" page: one button per user, and Cancel (access_denied)."""
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                     for k, v in params.items())  # fmt: skip
    buttons = "".join(f'<li><button type="submit" name="login" value="{html.escape(u.upn)}">'
                      f"{html.escape(u.name)} ({html.escape(u.upn)})</button></li>" for u in users)  # fmt: skip
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account'
        "</title></head><body><main><h1>Pick an account</h1>"
        f'<form method="post" action="{html.escape(action)}">{hidden}<ul>{buttons}</ul>'
        '<p><button type="submit" name="cancel" value="1">Cancel</button></p></form></main></body></html>'
    ).encode()


def signed_out_page() -> bytes:
    return (b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign out</title></head>'
            b"<body><main><h1>You signed out of your account</h1></main></body></html>")  # fmt: skip
