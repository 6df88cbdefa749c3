"""Sign in with Microsoft Entra ID: the real msal against the fake identity platform over HTTPS.

Each way a sign-in can be wrong is refused with a page saying so, and nobody is signed in.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from fastapi.testclient import TestClient

from bot.web.entra_flow import FLOW_COOKIE, FLOW_MINUTES
from bot.web.entra_tokens import IdTokenVerifier, TokenRejected, nonce_hash
from tests.e2e.council import CMT, OFFICER, small_council
from tests.e2e.web_client import client_for, csrf_of
from tests.fakes.entra_council import (
    CLIENT_ID,
    ROLE_HOLDER,
    SECRET,
    STRANGER,
    build,
    directory,
    trust,
)
from tests.fakes.identity import DEFAULT_TENANT_ID, FakeIdentity
from tests.fakes.identity_users import SPOILS
from tests.fakes.tls import LocalCA


@pytest.fixture(scope="module")
def identity() -> Iterator[FakeIdentity]:
    ca = LocalCA()
    with FakeIdentity(ca=ca) as fake:
        directory(fake, public_url="http://testserver")
        yield fake
    ca.close()


@pytest.fixture
def council(tmp_path: Path, identity: FakeIdentity, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    trust(monkeypatch, identity)
    return build(tmp_path, identity, small_council)


@pytest.fixture
def client(council) -> TestClient:  # noqa: ANN001
    return client_for(council)


def _to_microsoft(client: TestClient) -> str:
    """Press "Sign in with Microsoft": the authorize URL perfbot sends the browser to."""
    home = client.get("/")
    assert "Sign in with Microsoft" in home.text and 'href="/entra/sign-in"' in home.text
    started = client.get("/entra/sign-in")
    assert started.status_code == 303, started.text
    return started.headers["location"]


def _back(client: TestClient, url: str):  # noqa: ANN202
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return client.get(f"{parts.path}?{parts.query}")


def _signed_in_as(client: TestClient) -> str | None:
    text = client.get("/").text
    return text.split("You are signed in as ")[1].split(" ")[0].rstrip(".") if "You are signed in as" in text else None


def test_an_officer_signs_in_with_microsoft_gets_their_role_and_signs_out(council, client, identity) -> None:
    auth_uri = _to_microsoft(client)
    query = dict(p.split("=", 1) for p in urlsplit(auth_uri).query.split("&"))
    assert auth_uri.startswith(f"{identity.authority}/oauth2/v2.0/authorize")
    assert query["code_challenge_method"] == "S256" and query["client_id"] == CLIENT_ID
    assert set(requests.utils.unquote(query["scope"]).replace("+", " ").split()) == {"openid", "profile", "email"}
    done = _back(client, identity.sign_in_as(auth_uri, OFFICER))
    assert done.status_code == 303 and done.headers["location"] == "/"
    assert _signed_in_as(client) == OFFICER
    assert client.get("/officer").status_code == 200
    [kept] = council.app.store.web_sessions.active()
    assert kept.email == OFFICER and kept.how == "entra"
    home = client.get("/")
    out = client.post("/sign-out", data={"csrf_token": csrf_of(home.text)})
    assert "sign out of your Microsoft account too" in out.text
    assert f'href="{identity.authority}/oauth2/v2.0/logout"' in out.text
    assert client.get("/officer").status_code == 401


def test_a_person_without_an_email_claim_is_known_by_preferred_username(client, identity) -> None:
    _back(client, identity.sign_in_as(_to_microsoft(client), CMT.upper()))
    assert _signed_in_as(client) == CMT
    assert client.get("/dashboard").status_code == 200


@pytest.mark.parametrize("spoil", SPOILS)
def test_a_bad_id_token_is_refused_and_nobody_is_signed_in(client, identity, spoil: str,
                                                            caplog: pytest.LogCaptureFixture) -> None:  # fmt: skip
    identity.spoil_next_id_token(spoil)
    refused = _back(client, identity.sign_in_as(_to_microsoft(client), OFFICER))
    assert refused.status_code == 400 and "Sign-in refused" in refused.text
    assert _signed_in_as(client) is None and client.get("/officer").status_code == 401
    assert "Entra ID sign-in refused" in caplog.text


def test_the_same_answer_cannot_be_used_twice(client, identity) -> None:
    back = identity.sign_in_as(_to_microsoft(client), OFFICER)
    assert _back(client, back).status_code == 303
    client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/").text)})
    again = _back(client, back)
    assert again.status_code == 400 and "This sign-in has expired" in again.text
    assert _signed_in_as(client) is None


def test_a_sign_in_started_on_one_replica_finishes_on_another(council, client, identity) -> None:
    """Nothing of a sign-in is kept in one process: behind a load balancer, or across a restart,
    the browser may come back to another `perfbot serve` and still sign in."""
    auth_uri = _to_microsoft(client)
    other = client_for(council)  # a second server process over the same data
    other.cookies = client.cookies  # the same browser
    done = _back(other, identity.sign_in_as(auth_uri, OFFICER))
    assert done.status_code == 303 and _signed_in_as(other) == OFFICER


def test_a_sign_in_not_finished_within_ten_minutes_is_refused(council, client, identity) -> None:
    back = identity.sign_in_as(_to_microsoft(client), OFFICER)
    council.clock.advance(timedelta(minutes=FLOW_MINUTES, seconds=1))
    identity.clock = lambda: council.clock.now().timestamp()
    late = _back(client, back)
    assert late.status_code == 400 and "This sign-in has expired" in late.text
    assert _signed_in_as(client) is None


def test_the_flow_cookie_keeps_the_pkce_verifier_secret(client, identity) -> None:
    _to_microsoft(client)
    sealed = client.cookies.get(FLOW_COOKIE)
    assert sealed and "code_verifier" not in sealed and "nonce" not in sealed
    assert "code_verifier" not in base64.urlsafe_b64decode(sealed + "==").decode("latin-1")


def test_a_page_that_needs_signing_in_offers_microsoft_and_comes_back_to_it(client, identity) -> None:
    refused = client.get("/officer/rounds/2025-26-Q3?tab=owners", headers={"accept": "text/html"})
    assert refused.status_code == 401
    start = re.search(r'href="(/entra/sign-in\?next=[^"]+)"[^>]*>Sign in with Microsoft', refused.text)
    assert start, refused.text
    started = client.get(start[1].replace("&amp;", "&"))
    done = _back(client, identity.sign_in_as(started.headers["location"], OFFICER))
    assert done.status_code == 303 and done.headers["location"] == "/officer/rounds/2025-26-Q3?tab=owners"


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "officer"])
def test_signing_in_never_sends_the_browser_to_another_site(client, identity, elsewhere: str) -> None:
    started = client.get("/entra/sign-in", params={"next": elsewhere})
    done = _back(client, identity.sign_in_as(started.headers["location"], OFFICER))
    assert done.status_code == 303 and done.headers["location"] == "/"


def test_a_changed_state_is_refused(client, identity) -> None:
    back = identity.sign_in_as(_to_microsoft(client), OFFICER).replace("state=", "state=x")
    refused = _back(client, back)
    assert refused.status_code == 400 and _signed_in_as(client) is None


def test_an_answer_carried_to_another_browser_is_refused(council, client, identity) -> None:
    back = identity.sign_in_as(_to_microsoft(client), OFFICER)  # the attacker's own sign-in…
    victim = TestClient(client.app, base_url="http://testserver", follow_redirects=False)  # same server
    victim.get("/")
    refused = _back(victim, back)  # …opened in the victim's browser (login CSRF)
    assert refused.status_code == 400 and "started in another browser" in refused.text
    assert _signed_in_as(victim) is None


def test_someone_with_no_role_gets_a_clear_refusal(client, identity) -> None:
    refused = _back(client, identity.sign_in_as(_to_microsoft(client), STRANGER))
    assert refused.status_code == 403 and "You do not have access" in refused.text
    assert f"as {STRANGER}, which has no role in perfbot" in refused.text
    assert _signed_in_as(client) is None


def test_cancelling_at_microsoft_gives_a_clear_page_without_echoing_its_description(client, identity) -> None:
    back = identity.sign_in_as(_to_microsoft(client), None, cancel=True)
    assert "error=access_denied" in back
    refused = _back(client, back)
    assert refused.status_code == 403 and "You did not sign in" in refused.text
    assert "AADSTS65004" in refused.text and "User declined" not in refused.text


def test_app_roles_give_roles_only_when_configured(tmp_path, identity, monkeypatch) -> None:  # noqa: ANN001
    trust(monkeypatch, identity)
    off = client_for(build(tmp_path / "off", identity, small_council))
    assert _back(off, identity.sign_in_as(_to_microsoft(off), ROLE_HOLDER)).status_code == 403
    on = client_for(build(tmp_path / "on", identity, small_council, app_roles=True))
    assert _back(on, identity.sign_in_as(_to_microsoft(on), ROLE_HOLDER)).status_code == 303
    assert on.get("/dashboard").status_code == 200  # cmt, from the app role
    assert on.get("/officer").status_code == 403


def test_entra_unreachable_gives_a_503_page(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setenv("ENTRA_CLIENT_SECRET", SECRET)
    toml = (f'\n[entra]\ntenant_id = "{DEFAULT_TENANT_ID}"\nclient_id = "{CLIENT_ID}"\n'
            'authority_host = "https://127.0.0.1:9"\n')  # fmt: skip
    client = client_for(small_council(tmp_path, extra_toml=toml))
    page = client.get("/entra/sign-in")
    assert page.status_code == 503 and "Microsoft sign-in is not available" in page.text


def test_without_entra_the_start_page_keeps_only_links(tmp_path) -> None:  # noqa: ANN001
    client = client_for(small_council(tmp_path))
    assert "Sign in with Microsoft" not in client.get("/").text
    assert client.get("/entra/sign-in").status_code == 404


def test_the_verifier_refuses_a_token_for_another_sign_in(council, identity) -> None:
    http = requests.Session()
    verifier = IdTokenVerifier(authority=identity.authority, client_id=CLIENT_ID, tenant_id=DEFAULT_TENANT_ID,
                               http=http)  # fmt: skip
    now = council.clock.now()
    claims = {"iss": identity.v2_issuer, "aud": CLIENT_ID, "tid": DEFAULT_TENANT_ID, "iat": int(now.timestamp()),
              "exp": int(now.timestamp()) + 600, "nonce": nonce_hash("mine")}  # fmt: skip
    token = identity.signing_key.sign(claims)
    assert verifier.verify(token, nonce="mine", now=now)["aud"] == CLIENT_ID
    with pytest.raises(TokenRejected, match="nonce"):
        verifier.verify(token, nonce="someone else's", now=now)


def test_the_fake_refuses_a_wrong_code_verifier(identity) -> None:
    app = identity.confidential_client(CLIENT_ID, secret=SECRET)
    flow = app.initiate_auth_code_flow(["email"], redirect_uri="http://testserver/entra/callback")
    back = identity.sign_in_as(flow["auth_uri"], OFFICER)
    answer = dict(p.split("=", 1) for p in urlsplit(back).query.split("&"))
    flow["code_verifier"] = "x" * 43
    result = app.acquire_token_by_auth_code_flow(flow, {k: requests.utils.unquote(v) for k, v in answer.items()})
    assert result["error"] == "invalid_grant" and "AADSTS501481" in result["error_description"]
