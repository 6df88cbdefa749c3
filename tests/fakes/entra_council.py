"""A council whose web pages sign in with Entra ID against the fake identity platform (shared
by the integration and browser tests)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.council import CMT, OFFICER, Council
from tests.fakes.identity import DEFAULT_TENANT_ID, FakeIdentity

CLIENT_ID = "5b2c0a4e-8f1d-4c3b-9a7e-2d6f1e0c9b8a"
SECRET = "entra-test-secret-value"
STRANGER = "j.bloggs@larkfield.gov.uk"  # in the directory, no role in perfbot
ROLE_HOLDER = "r.patel@larkfield.gov.uk"  # only an Entra app role (cmt) gives them access


def entra_toml(identity: FakeIdentity, *, app_roles: bool = False) -> str:
    return (f'\n[entra]\ntenant_id = "{DEFAULT_TENANT_ID}"\nclient_id = "{CLIENT_ID}"\n'
            f'authority_host = "{identity.url}"\nroles_from_app_roles = {str(app_roles).lower()}\n')  # fmt: skip


def directory(identity: FakeIdentity, *, public_url: str) -> None:
    """The app registration and the people in the fake tenant."""
    identity.register_app(CLIENT_ID, secret=SECRET, redirect_uris=(f"{public_url}/entra/callback",))
    identity.add_user(OFFICER, name="Pat Officer", email=OFFICER)
    identity.add_user(CMT.upper(), name="Chief Executive")  # no mail attribute: preferred_username
    identity.add_user(STRANGER, name="Joe Bloggs", email=STRANGER)
    identity.add_user(ROLE_HOLDER, name="Ravi Patel", email=ROLE_HOLDER, roles=("cmt", "Unknown.Role"))


def trust(monkeypatch: pytest.MonkeyPatch, identity: FakeIdentity) -> None:
    """perfbot's own HTTP client trusts the fake's CA (as a council's would trust its proxy's)."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(identity.ca.cert_path))
    monkeypatch.setenv("ENTRA_CLIENT_SECRET", SECRET)


def same_clock(council: Council) -> Callable[[], float]:
    return lambda: council.clock.now().timestamp()


def build(tmp_path: Path, identity: FakeIdentity, make: Callable[..., Council], **kwargs: object) -> Council:
    council = make(tmp_path, extra_toml=entra_toml(identity, app_roles=bool(kwargs.pop("app_roles", False))), **kwargs)
    identity.clock = same_clock(council)
    return council
