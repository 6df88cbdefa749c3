"""Fake Microsoft identity platform (Entra ID v2 endpoints) that the real ``msal`` can use.

HTTPS only (msal refuses ``http://`` authorities), served with a :class:`LocalCA`. Supports the
client-credentials grant with a client secret (``client_secret_post``/``_basic``) or a
certificate ``client_assertion`` (RS256 + ``x5t`` or PS256 + ``x5t#S256``), and answers with
AADSTS-style JSON errors. Access tokens are v1-shaped JWTs (``aud`` = the scope's resource,
``appidacr`` "1" for a secret, "2" for a certificate) signed by this fake's key; other fakes
call :meth:`FakeIdentity.verify_access_token`.

Users sign in with the authorisation code flow (OpenID Connect, PKCE S256 required): a small
"Pick an account" page at ``/{tenant}/oauth2/v2.0/authorize`` for the users given to
:meth:`FakeIdentity.add_user`, codes redeemed once at the token endpoint (checking the client's
credential, ``redirect_uri`` and ``code_verifier``), v2 id_tokens RS256-signed with this fake's
key, and :meth:`FakeIdentity.spoil_next_id_token` for a forged or stale one.

Recipe for msal (see ``tests/integration/test_fake_m365.py``)::

    msal.ConfidentialClientApplication(
        client_id, client_credential=secret_or_cert_dict,
        authority=identity.authority,            # https://127.0.0.1:PORT/<tenant-id>
        instance_discovery=False,                # no lookup at login.microsoftonline.com
        http_client=ca.requests_session(),       # verify=CA, trust_env=False
    )
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import msal
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from .identity_users import (
    CODE_LIFETIME,
    SPOILS,
    AuthGrant,
    TestUser,
    authorize_page,
    client_info,
    id_token_claims,
    s256,
    signed_out_page,
    spoiled,
)
from .server import FakeServer, Reply, Request
from .tls import LocalCA

DEFAULT_TENANT_ID = "11111111-2222-3333-4444-555555555555"
BOTFRAMEWORK_TENANT_ID = "d6d49420-f39b-4df7-a1dc-d59a935871db"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
_TOKEN_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/(v2\.0/)?token/?$")
_CONFIG_PATH = re.compile(r"^/(?P<tenant>[^/]+)(/v2\.0)?/\.well-known/openid-configuration$")
_KEYS_PATH = re.compile(r"^/(?P<tenant>[^/]+)/discovery(/v2\.0)?/keys$")
_AUTHORIZE_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/authorize$")
_LOGOUT_PATH = re.compile(r"^/(?P<tenant>[^/]+)/oauth2/v2\.0/logout$")
HTML = "text/html; charset=utf-8"


def b64url(data: bytes) -> str:
    """Unpadded base64url, as used in JWT headers."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _self_signed(key: rsa.RSAPrivateKey, common_name: str, days: int = 365) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )


@dataclass(frozen=True)
class SigningKey:
    """An RSA key plus self-signed certificate, published as a JWK (``kid`` = ``x5t``)."""

    private_key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    @classmethod
    def generate(cls, common_name: str = "fake-signing-key") -> SigningKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(key, _self_signed(key, common_name))

    @property
    def x5t(self) -> str:
        return b64url(self.certificate.fingerprint(hashes.SHA1()))  # noqa: S303 - x5t is SHA-1 by spec

    @property
    def kid(self) -> str:
        return self.x5t

    def jwk(self, **extra: Any) -> dict[str, Any]:
        """The public JWK with ``x5c``/``x5t``, plus ``extra`` members (e.g. ``endorsements``)."""
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self.private_key.public_key(), as_dict=True)
        der = self.certificate.public_bytes(serialization.Encoding.DER)
        jwk.update(kid=self.kid, x5t=self.x5t, use="sig", x5c=[base64.b64encode(der).decode()])
        return {**jwk, **extra}

    def sign(self, claims: dict[str, Any], *, kid: str | None = None) -> str:
        """An RS256 JWT over ``claims``."""
        headers = {"typ": "JWT", "kid": kid or self.kid, "x5t": kid or self.x5t}
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers=headers)


@dataclass(frozen=True)
class ClientCertificate:
    """An app registration's certificate credential."""

    private_key_pem: str
    certificate_pem: str
    thumbprint: str  # SHA-1, upper-case hex, as shown in the Azure portal

    def msal_credential(self, *, sha256: bool = False) -> dict[str, str]:
        """msal ``client_credential``: SHA-1 ``thumbprint`` (RS256/x5t) or the cert (PS256/x5t#S256)."""
        if sha256:
            return {"private_key": self.private_key_pem, "public_certificate": self.certificate_pem}
        return {"private_key": self.private_key_pem, "thumbprint": self.thumbprint}


def make_client_certificate(common_name: str = "perfbot") -> ClientCertificate:
    """A fresh self-signed certificate + key, as an admin would upload to an app registration."""
    key = SigningKey.generate(common_name)
    key_pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cert_pem = key.certificate.public_bytes(serialization.Encoding.PEM)
    thumb = key.certificate.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303
    return ClientCertificate(key_pem.decode(), cert_pem.decode(), thumb)


@dataclass
class _App:
    client_id: str
    secret: str | None
    certificate: x509.Certificate | None
    roles: tuple[str, ...]
    redirect_uris: tuple[str, ...] = ()


class _Denied(Exception):
    """An AADSTS error to answer with."""

    def __init__(self, status: int, error: str, code: int, description: str) -> None:
        super().__init__(f"AADSTS{code}: {description}")
        self.status, self.error, self.code, self.description = status, error, code, description


@dataclass
class _Issued:
    client_id: str
    claims: dict[str, Any] = field(default_factory=dict)


class FakeIdentity(FakeServer):
    """Fake ``login.microsoftonline.com``: OpenID configuration, JWKS and token endpoint."""

    def __init__(
        self,
        *,
        ca: LocalCA,
        tenant_id: str = DEFAULT_TENANT_ID,
        tenant_domain: str = "contoso.onmicrosoft.com",
        token_lifetime: int = 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(ca=ca)
        self.ca = ca
        self.tenant_id = tenant_id
        self.tenant_domain = tenant_domain
        self.token_lifetime = token_lifetime
        self.clock = clock
        self.signing_key = SigningKey.generate("fake-login")
        self._apps: dict[str, _App] = {}
        self._issued: list[_Issued] = []
        self._users: dict[str, TestUser] = {}
        self._grants: dict[str, AuthGrant] = {}
        self._spoils: list[str] = []

    # registration ------------------------------------------------------------------------
    def register_app(
        self,
        client_id: str,
        *,
        secret: str | None = None,
        certificate_pem: str | bytes | None = None,
        roles: tuple[str, ...] = (),
        redirect_uris: tuple[str, ...] = (),
    ) -> None:
        """Register an app with a client secret and/or a certificate credential (and, for user
        sign-in, its redirect URIs: the authorize endpoint refuses any other)."""
        cert = None
        if certificate_pem is not None:
            pem = certificate_pem.encode() if isinstance(certificate_pem, str) else certificate_pem
            cert = x509.load_pem_x509_certificate(pem)
        with self._lock:
            self._apps[client_id] = _App(client_id, secret, cert, roles, tuple(redirect_uris))

    def add_user(self, upn: str, *, name: str, email: str | None = None, roles: tuple[str, ...] = ()) -> TestUser:
        """A person who can pick their account on the authorize page."""
        user = TestUser(upn, name, email, tuple(roles))
        with self._lock:
            self._users[upn.lower()] = user
        return user

    def spoil_next_id_token(self, what: str) -> None:
        """Make the next id_token bad in one way: one of ``SPOILS`` (issuer, audience, nonce,
        expired, key — signed with a key the JWKS does not hold —, tenant, unsigned)."""
        assert what in SPOILS, what
        with self._lock:
            self._spoils.append(what)

    # URLs --------------------------------------------------------------------------------
    @property
    def authority(self) -> str:
        """``https://127.0.0.1:PORT/<tenant-id>`` — use with ``instance_discovery=False``."""
        return f"{self.url}/{self.tenant_id}"

    @property
    def adfs_authority(self) -> str:
        """``https://127.0.0.1:PORT/adfs`` — msal skips instance discovery for ADFS."""
        return f"{self.url}/adfs"

    @property
    def token_endpoint(self) -> str:
        return f"{self.authority}/oauth2/v2.0/token"

    @property
    def v2_issuer(self) -> str:
        """The issuer of v2 id_tokens, as the OpenID configuration names it."""
        return f"{self.authority}/v2.0"

    @property
    def jwks_uri(self) -> str:
        return f"{self.authority}/discovery/v2.0/keys"

    def issuer_for(self, tenant_id: str | None = None) -> str:
        """The v1 access-token issuer (``https://sts.windows.net/<tid>/``)."""
        return f"https://sts.windows.net/{tenant_id or self.tenant_id}/"

    # observation -------------------------------------------------------------------------
    @property
    def token_requests(self) -> int:
        """How many requests reached the token endpoint (cache hits never do)."""
        return len(self.calls_of("token"))

    @property
    def issued(self) -> list[dict[str, Any]]:
        """Claims of every access token issued so far."""
        with self._lock:
            return [i.claims for i in self._issued]

    # tokens ------------------------------------------------------------------------------
    def issue_access_token(
        self,
        *,
        client_id: str,
        resource: str,
        auth_method: str = "certificate",
        tenant_id: str | None = None,
        expired: bool = False,
    ) -> str:
        """Mint an app-only access token directly (for tests that skip msal)."""
        now = int(self.clock())
        if expired:
            now -= self.token_lifetime + 600
        app = self._apps.get(client_id)
        tid = tenant_id or self.tenant_id
        claims: dict[str, Any] = {
            "aud": resource,
            "iss": self.issuer_for(tid),
            "iat": now,
            "nbf": now,
            "exp": now + self.token_lifetime,
            "appid": client_id,
            "appidacr": "2" if auth_method == "certificate" else "1",
            "idp": self.issuer_for(tid),
            "idtyp": "app",
            "oid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp:{client_id}")),
            "sub": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sp:{client_id}")),
            "tid": tid,
            "uti": uuid.uuid4().hex[:22],
            "ver": "1.0",
        }
        if app and app.roles:
            claims["roles"] = list(app.roles)
        with self._lock:
            self._issued.append(_Issued(client_id, claims))
        return self.signing_key.sign(claims)

    def verify_access_token(self, token: str, *, audience: str) -> dict[str, Any]:
        """Claims of a token this fake issued for ``audience``; raises ``jwt.InvalidTokenError``."""
        claims = jwt.decode(
            token,
            self.signing_key.private_key.public_key(),
            algorithms=["RS256"],
            audience=audience,
            options={"require": ["exp", "iat", "aud", "iss", "appid"]},
        )
        if not str(claims["iss"]).startswith("https://sts.windows.net/"):
            raise jwt.InvalidIssuerError("issuer is not Entra ID")
        return claims

    def confidential_client(
        self,
        client_id: str,
        *,
        secret: str | None = None,
        certificate: ClientCertificate | None = None,
        adfs: bool = False,
    ) -> msal.ConfidentialClientApplication:
        """A real msal app wired to this fake (the recipe production code must follow)."""
        credential: Any = secret if certificate is None else certificate.msal_credential()
        return msal.ConfidentialClientApplication(
            client_id,
            client_credential=credential,
            authority=self.adfs_authority if adfs else self.authority,
            instance_discovery=False,
            http_client=self.ca.requests_session(),
        )

    # protocol ----------------------------------------------------------------------------
    def kind_of(self, request: Request) -> str:
        if _TOKEN_PATH.match(request.path):
            return "token"
        if _CONFIG_PATH.match(request.path):
            return "openid-configuration"
        if _KEYS_PATH.match(request.path):
            return "keys"
        if _AUTHORIZE_PATH.match(request.path):
            return "authorize"
        if _LOGOUT_PATH.match(request.path):
            return "logout"
        return request.path

    def handle(self, request: Request) -> Reply:
        try:
            return self._route(request)
        except _Denied as denied:
            return self._error(denied)

    def fault_reply(self, fault: Any) -> Reply:
        reply = super().fault_reply(fault)
        if fault.body is None:
            reply.body = self._error_body("temporarily_unavailable", 50196, "Service is busy.")
        return reply

    def _route(self, request: Request) -> Reply:
        for pattern, handler in (
            (_TOKEN_PATH, self._token),
            (_CONFIG_PATH, self._openid_configuration),
            (_KEYS_PATH, self._keys),
            (_AUTHORIZE_PATH, self._authorize),
            (_LOGOUT_PATH, self._logout),
        ):
            match = pattern.match(request.path)
            if match:
                return handler(request, self._tenant(match["tenant"]))
        return Reply(404, {"error": "not_found"})

    def _tenant(self, segment: str) -> str:
        """The tenant GUID for a path segment; unknown tenants are AADSTS90002."""
        known = {
            self.tenant_id.lower(): self.tenant_id,
            self.tenant_domain.lower(): self.tenant_id,
            "botframework.com": BOTFRAMEWORK_TENANT_ID,
            BOTFRAMEWORK_TENANT_ID: BOTFRAMEWORK_TENANT_ID,
            "organizations": self.tenant_id,
            "adfs": "adfs",
        }
        try:
            return known[segment.lower()]
        except KeyError:
            raise _Denied(400, "invalid_request", 90002, f"Tenant '{segment}' not found.") from None

    def _openid_configuration(self, request: Request, tenant: str) -> Reply:
        if tenant == "adfs":
            base = f"{self.url}/adfs"
            return Reply(200, _adfs_config(base))
        base = f"{self.url}/{tenant}"
        return Reply(200, _v2_config(base, issuer=f"{self.url}/{tenant}/v2.0"))

    def _keys(self, request: Request, tenant: str) -> Reply:
        return Reply(200, {"keys": [self.signing_key.jwk(issuer=f"{self.url}/{tenant}/v2.0")]})

    def _token(self, request: Request, tenant: str) -> Reply:
        if request.method != "POST":
            raise _Denied(
                405, "invalid_request", 900561, "The endpoint only accepts POST requests."
            )
        if "application/x-www-form-urlencoded" not in (request.headers.get("content-type") or ""):
            raise _Denied(
                400,
                "invalid_request",
                900144,
                "The request body must contain the following parameter: 'grant_type'.",
            )
        form = request.form()
        if form.get("grant_type") not in ("client_credentials", "authorization_code"):
            raise _Denied(
                400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type."
            )
        app, method = self._authenticate(request, form)
        if form["grant_type"] == "authorization_code":
            return self._redeem(form, app, tenant)
        resource = self._resource(form)
        tid = self.tenant_id if tenant == "adfs" else tenant
        token = self.issue_access_token(
            client_id=app.client_id, resource=resource, auth_method=method, tenant_id=tid
        )
        lifetime = self.token_lifetime - 1
        return Reply(
            200,
            {
                "token_type": "Bearer",
                "expires_in": lifetime,
                "ext_expires_in": lifetime,
                "access_token": token,
            },
        )

    def _authenticate(self, request: Request, form: dict[str, str]) -> tuple[_App, str]:
        basic = _basic_auth(request)
        client_id = form.get("client_id") or (basic[0] if basic else "")
        app = self._apps.get(client_id)
        if app is None:
            raise _Denied(
                400,
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory '{self.tenant_domain}'.",
            )
        if form.get("client_assertion"):
            self._check_assertion(app, form, request)
            return app, "certificate"
        secret = form.get("client_secret") or (basic[1] if basic else None)
        if secret is None:
            raise _Denied(
                400,
                "invalid_client",
                7000218,
                "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
            )
        if app.secret is None or secret != app.secret:
            raise _Denied(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client "
                f"secret value, not the client secret ID, for a secret added to app '{client_id}'.",
            )
        return app, "secret"

    def _check_assertion(self, app: _App, form: dict[str, str], request: Request) -> None:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise _Denied(400, "invalid_request", 50027, "Invalid client_assertion_type.")
        assertion = form["client_assertion"]
        try:
            header = jwt.get_unverified_header(assertion)
        except jwt.InvalidTokenError:
            raise _Denied(
                401, "invalid_client", 50027, "Invalid JWT token. Token format not valid."
            ) from None
        cert = app.certificate
        if cert is None or not _thumbprint_matches(header, cert):
            raise _Denied(
                401,
                "invalid_client",
                700027,
                "The certificate with identifier used to sign the client assertion is not registered on application.",
            )
        self._decode_assertion(
            assertion, header, cert, app.client_id, audience=f"{self.url}{request.path}"
        )

    def _decode_assertion(
        self,
        assertion: str,
        header: dict[str, Any],
        cert: x509.Certificate,
        client_id: str,
        *,
        audience: str,
    ) -> None:
        alg = header.get("alg")
        if alg not in ("RS256", "PS256"):
            raise _Denied(
                401,
                "invalid_client",
                5002738,
                f"Invalid JWT token. '{alg}' is not a supported signature algorithm.",
            )
        try:
            claims = jwt.decode(
                assertion,
                cert.public_key(),
                algorithms=[alg],
                audience=[audience, audience.rstrip("/")],
                issuer=client_id,
                options={"require": ["exp", "aud", "iss", "sub", "jti"]},
            )
        except jwt.ExpiredSignatureError:
            raise _Denied(
                401,
                "invalid_client",
                700024,
                "Client assertion is not within its valid time range.",
            ) from None
        except jwt.InvalidAudienceError:
            raise _Denied(
                401,
                "invalid_client",
                50012,
                "Client assertion audience claim does not match Realm issuer.",
            ) from None
        except jwt.InvalidTokenError as exc:
            raise _Denied(
                401,
                "invalid_client",
                700027,
                f"Client assertion failed signature validation. ({exc})",
            ) from None
        if claims["sub"] != client_id:
            raise _Denied(
                401,
                "invalid_client",
                700023,
                "Client assertion subject does not match the client id.",
            )

    # user sign-in -----------------------------------------------------------------------
    def sign_in_as(self, auth_uri: str, upn: str | None, *, cancel: bool = False) -> str:
        """What a browser does on the authorize page: pick `upn` (or Cancel); the URL the fake
        sends the browser back to (the app's redirect URI with code and state, or an error)."""
        session = self.ca.requests_session()
        page = session.get(auth_uri, allow_redirects=False)
        if page.status_code != 200:
            return page.headers.get("Location") or f"(authorize refused: {page.status_code} {page.text})"
        hidden = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
        choice = {"cancel": "1"} if cancel else {"login": upn or ""}
        fields = {k: html.unescape(v) for k, v in hidden.items()} | choice
        answer = session.post(auth_uri.split("?")[0], data=fields, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def _authorize(self, request: Request, tenant: str) -> Reply:
        params = request.form() if request.method == "POST" else {k: v[-1] for k, v in request.query.items()}
        app = self._apps.get(params.get("client_id", ""))
        if app is None:
            return self._error_page(700016, f"Application with identifier '{params.get('client_id')}' "
                                    f"was not found in the directory '{self.tenant_domain}'.")  # fmt: skip
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in app.redirect_uris:
            return self._error_page(50011, f"The redirect URI '{redirect_uri}' specified in the request "
                                    f"does not match the redirect URIs configured for the application.")  # fmt: skip
        problem = _authorize_problem(params)
        if problem:
            return _back(redirect_uri, params, error="invalid_request", description=problem)
        if request.method == "GET":
            action = f"{self.url}{request.path}"
            body = authorize_page(sorted(self._users.values(), key=lambda u: u.upn), params, action=action)
            return Reply(200, body, content_type=HTML)
        if params.get("cancel"):
            return _back(redirect_uri, params, error="access_denied",
                         description="AADSTS65004: User declined to consent to access the app.")  # fmt: skip
        user = self._users.get(params.get("login", "").lower())
        if user is None:
            return self._error_page(50034, "The user account does not exist in the directory.")
        code = secrets.token_urlsafe(48)
        with self._lock:
            self._grants[code] = AuthGrant(app.client_id, redirect_uri, params["code_challenge"],
                                           params.get("nonce"), tuple(params["scope"].split()), user,
                                           self.clock())  # fmt: skip
        return _back(redirect_uri, params, code=code, session_state=str(uuid.uuid4()),
                     client_info=client_info(user, tenant))  # fmt: skip

    def _redeem(self, form: dict[str, str], app: _App, tenant: str) -> Reply:
        """The authorization_code grant: the code once, for this client, redirect URI and verifier."""
        with self._lock:
            grant = self._grants.get(form.get("code", ""))
            if grant is None or grant.client_id != app.client_id:
                raise _Denied(400, "invalid_grant", 70000, "The provided value for the 'code' parameter is not valid.")
            if grant.redeemed:
                raise _Denied(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, "
                              "please retry with a new valid code or use an existing refresh token.")  # fmt: skip
            grant.redeemed = True
            spoil = self._spoils.pop(0) if self._spoils else None
        if self.clock() - grant.issued > CODE_LIFETIME:
            raise _Denied(400, "invalid_grant", 70008, "The provided authorization code or refresh token "
                          "has expired due to inactivity.")  # fmt: skip
        if form.get("redirect_uri") != grant.redirect_uri:
            raise _Denied(400, "invalid_grant", 70000, "The redirect_uri does not match the one the "
                          "authorization code was issued to.")  # fmt: skip
        if s256(form.get("code_verifier", "")) != grant.code_challenge:
            raise _Denied(400, "invalid_grant", 501481, "The Code_Verifier does not match the "
                          "code_challenge supplied in the authorization request.")  # fmt: skip
        claims = id_token_claims(grant, issuer=f"{self.url}/{tenant}/v2.0", tenant_id=tenant,
                                 now=int(self.clock()), lifetime=self.token_lifetime)  # fmt: skip
        lifetime = self.token_lifetime - 1
        return Reply(200, {
            "token_type": "Bearer", "scope": " ".join(grant.scopes), "expires_in": lifetime,
            "ext_expires_in": lifetime, "id_token": self._sign_id_token(claims, spoil),
            "access_token": self.issue_access_token(client_id=app.client_id, resource=GRAPH_APP_ID,
                                                    auth_method="secret", tenant_id=tenant),
            "client_info": client_info(grant.user, tenant),
        })  # fmt: skip

    def _sign_id_token(self, claims: dict[str, Any], spoil: str | None) -> str:
        if spoil == "unsigned":
            return jwt.encode(claims, None, algorithm="none")
        if spoil == "key":  # the right kid, the wrong key: the signature cannot verify
            return SigningKey.generate("rogue").sign(claims, kid=self.signing_key.kid)
        if spoil is not None:
            claims = spoiled(claims, spoil, lifetime=self.token_lifetime)
        return self.signing_key.sign(claims)

    def _logout(self, request: Request, tenant: str) -> Reply:
        """The end-session endpoint: signs the browser out, then back to a registered URI."""
        back = request.param("post_logout_redirect_uri")
        registered = {u for app in self._apps.values() for u in app.redirect_uris}
        if back and back in registered:
            return Reply(302, None, {"Location": back})
        return Reply(200, signed_out_page(), content_type=HTML)

    def _error_page(self, code: int, description: str) -> Reply:
        """The error page Entra ID shows when it cannot trust the app's redirect URI."""
        text = f"AADSTS{code}: {description}".replace("&", "&amp;").replace("<", "&lt;")
        body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title></head>'
                f"<body><main><h1>Sorry, but we're having trouble signing you in.</h1><p>{text}</p></main></body></html>")  # fmt: skip
        return Reply(400, body.encode(), content_type=HTML)

    def _resource(self, form: dict[str, str]) -> str:
        scopes = [
            s
            for s in form.get("scope", "").split()
            if s not in ("openid", "profile", "offline_access")
        ]
        if len(scopes) != 1 or not scopes[0].endswith("/.default"):
            raise _Denied(
                400,
                "invalid_scope",
                1002012,
                f"The provided value for scope {' '.join(scopes)} is not valid. Client credential flows must "
                "have a scope value with /.default suffixed to the resource identifier (application ID URI).",
            )
        return scopes[0].removesuffix("/.default")

    def _error(self, denied: _Denied) -> Reply:
        return Reply(denied.status, self._error_body(denied.error, denied.code, denied.description))

    def _error_body(self, error: str, code: int, description: str) -> dict[str, Any]:
        trace, correlation = str(uuid.uuid4()), str(uuid.uuid4())
        stamp = dt.datetime.fromtimestamp(self.clock(), dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        return {
            "error": error,
            "error_description": f"AADSTS{code}: {description} Trace ID: {trace} Correlation ID: {correlation} Timestamp: {stamp}",
            "error_codes": [code],
            "timestamp": stamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": f"https://login.microsoftonline.com/error?code={code}",
        }


GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"  # the access token for `email` is Graph's


def _authorize_problem(params: dict[str, str]) -> str | None:
    """Why an authorize request is refused (sent back to the app), or None."""
    if params.get("response_type") != "code":
        return "AADSTS900144: response_type must be 'code' for the authorization code flow."
    if "openid" not in params.get("scope", "").split():
        return "AADSTS650053: the scope must include 'openid' to sign a user in."
    if params.get("code_challenge_method") != "S256" or len(params.get("code_challenge", "")) != 43:
        return "AADSTS501491: PKCE is required: code_challenge with code_challenge_method S256."
    if params.get("response_mode", "query") not in ("query", "form_post"):
        return "AADSTS900144: response_mode is not valid."
    return None


def _back(redirect_uri: str, params: dict[str, str], **answer: str) -> Reply:
    """Send the browser back to the app with `answer` and the request's state (query mode)."""
    fields = {("error_description" if k == "description" else k): v for k, v in answer.items()}
    if params.get("state"):
        fields["state"] = params["state"]
    return Reply(302, None, {"Location": f"{redirect_uri}?{urlencode(fields)}"})


def _thumbprint_matches(header: dict[str, Any], cert: x509.Certificate) -> bool:
    sha1 = b64url(cert.fingerprint(hashes.SHA1()))  # noqa: S303
    sha256 = b64url(cert.fingerprint(hashes.SHA256()))
    # msal keeps base64 padding on x5t; Entra ID accepts both forms.
    return (
        str(header.get("x5t", "")).rstrip("=") == sha1
        or str(header.get("x5t#S256", "")).rstrip("=") == sha256
    )


def _basic_auth(request: Request) -> tuple[str, str] | None:
    auth = request.headers.get("authorization") or ""
    if not auth.lower().startswith("basic "):
        return None
    user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
    return user, password


def _v2_config(base: str, *, issuer: str) -> dict[str, Any]:
    return {
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "private_key_jwt",
            "client_secret_basic",
        ],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": issuer,
        "request_uri_parameter_supported": False,
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "tenant_region_scope": "EU",
        "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net",
        "msgraph_host": "graph.microsoft.com",
    }


def _adfs_config(base: str) -> dict[str, Any]:
    return {
        "issuer": base,
        "authorization_endpoint": f"{base}/oauth2/authorize/",
        "token_endpoint": f"{base}/oauth2/token/",
        "jwks_uri": f"{base}/discovery/keys",
        "token_endpoint_auth_methods_supported": [
            "client_secret_post",
            "client_secret_basic",
            "private_key_jwt",
        ],
        "id_token_signing_alg_values_supported": ["RS256"],
    }
