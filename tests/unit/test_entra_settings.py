"""`[entra]` in perfbot.toml and its credential: each mistake is one line naming the setting."""

from __future__ import annotations

import pytest

from bot.web.entra_settings import EntraSettings
from perfbot.config import ConfigError, parse
from tests.fakes.identity import make_client_certificate

TENANT = "11111111-2222-3333-4444-555555555555"
CLIENT = "5b2c0a4e-8f1d-4c3b-9a7e-2d6f1e0c9b8a"
SECRET = {"ENTRA_CLIENT_SECRET": "s3cret"}


def _settings(entra: dict | None, env: dict[str, str]) -> EntraSettings | None:
    raw = {"web": {"public_url": "https://perf.larkfield.gov.uk/"}}
    if entra is not None:
        raw["entra"] = entra
    return EntraSettings.from_config(parse(raw), env)


def test_a_whole_section_gives_the_authority_and_the_redirect_uri() -> None:
    found = _settings({"tenant_id": TENANT, "client_id": CLIENT.upper()}, SECRET)
    assert found is not None
    assert found.authority == f"https://login.microsoftonline.com/{TENANT}"
    assert found.redirect_uri == "https://perf.larkfield.gov.uk/entra/callback"
    assert found.client_id == CLIENT and found.credential == "s3cret" and not found.roles_from_app_roles


def test_no_section_means_links_only() -> None:
    assert _settings(None, {}) is None


@pytest.mark.parametrize(("entra", "env", "says"), [
    ({"tenant_id": "common", "client_id": CLIENT}, SECRET, "entra.tenant_id must be the directory (tenant) ID"),
    ({"tenant_id": TENANT}, SECRET, "entra.client_id must be the application (client) ID"),
    ({"tenant_id": TENANT, "client_id": CLIENT}, {}, "needs a credential in the environment: ENTRA_CLIENT_SECRET"),
    ({"tenant_id": TENANT, "client_id": CLIENT, "authority_host": "http://login.example"}, SECRET, "msal refuses http"),
    ({"tenant_id": TENANT, "client_id": CLIENT, "roles_from_app_roles": "yes"}, SECRET, "must be true or false"),
    ({"tenant_id": TENANT, "client_id": CLIENT, "client_secret": "x"}, SECRET, "entra.client_secret is not a setting"),
    ({"tenant_id": TENANT, "client_id": CLIENT}, {"ENTRA_CERT_PATH": "/x.pem"}, "must be given together"),
    (None, SECRET, "perfbot.toml has no [entra] section"),
])  # fmt: skip
def test_a_wrong_setting_is_named(entra, env, says: str) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError) as raised:
        _settings(entra, env)
    assert says in str(raised.value)


def test_a_certificate_credential_is_checked_against_its_thumbprint(tmp_path) -> None:  # noqa: ANN001
    cert = make_client_certificate("perfbot-sign-in")
    pem = tmp_path / "entra.pem"
    pem.write_text(cert.private_key_pem + cert.certificate_pem)
    section = {"tenant_id": TENANT, "client_id": CLIENT}
    found = _settings(section, {"ENTRA_CERT_PATH": str(pem), "ENTRA_CERT_THUMBPRINT": cert.thumbprint})
    assert found is not None and found.credential["thumbprint"] == cert.thumbprint  # type: ignore[index]
    with pytest.raises(ConfigError, match="does not match the certificate"):
        _settings(section, {"ENTRA_CERT_PATH": str(pem), "ENTRA_CERT_THUMBPRINT": "A" * 40})
