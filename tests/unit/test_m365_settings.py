"""Microsoft 365 settings from the environment: what turns Teams and SharePoint on, and the one
line that names a setting when it is missing or malformed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.teams.identity import load_credential
from perfbot.config import ConfigError
from perfbot.settings import M365Settings, Settings
from tests.fakes.identity import make_client_certificate

TENANT, CLIENT = "11111111-2222-3333-4444-555555555555", "00000000-0000-0000-0000-0000000000b0"


@pytest.fixture(scope="module")
def cert_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    cert = make_client_certificate("perfbot")
    path = tmp_path_factory.mktemp("cert") / "perfbot.pem"
    path.write_text(cert.certificate_pem + cert.private_key_pem)
    return path, cert.thumbprint


def m365(**env: str) -> M365Settings | None:
    return Settings.from_env(env).m365


def test_nothing_set_means_microsoft_365_is_off() -> None:
    assert m365() is None


def test_a_webhook_alone_posts_digests_without_a_bot() -> None:
    found = m365(TEAMS_WORKFLOW_WEBHOOK_URL="https://prod.example/workflows/x")
    assert found is not None and not found.bot_enabled
    assert found.workflow_webhook_url == "https://prod.example/workflows/x"


def test_a_bot_with_a_secret() -> None:
    found = m365(M365_TENANT_ID=TENANT, M365_CLIENT_ID=CLIENT, M365_CLIENT_SECRET="s3cret")
    assert found is not None and found.bot_enabled
    assert (found.authority_host, found.openid_metadata_url) == ("https://login.microsoftonline.com", None)
    assert load_credential(found) == "s3cret"


def test_a_certificate_file_and_its_thumbprint(cert_file: tuple[Path, str]) -> None:
    path, thumb = cert_file
    found = m365(M365_TENANT_ID=TENANT, M365_CLIENT_ID=CLIENT, M365_CERT_PATH=str(path),
                 M365_CERT_THUMBPRINT=":".join(thumb[i:i + 2] for i in range(0, 40, 2)).lower(),
                 SHAREPOINT_SITE_URL="https://contoso.sharepoint.com/sites/perf/")  # fmt: skip
    assert found is not None and found.cert_thumbprint == thumb
    assert found.sharepoint_site_url == "https://contoso.sharepoint.com/sites/perf"
    credential = load_credential(found)
    assert isinstance(credential, dict) and credential["thumbprint"] == thumb
    assert credential["private_key"].startswith("-----BEGIN PRIVATE KEY-----")


@pytest.mark.parametrize(("env", "named"), [
    ({"M365_CLIENT_ID": CLIENT, "M365_CLIENT_SECRET": "s"}, "M365_TENANT_ID"),
    ({"M365_TENANT_ID": TENANT}, "M365_CLIENT_ID"),
    ({"M365_TENANT_ID": TENANT, "M365_CLIENT_ID": CLIENT}, "M365_CLIENT_SECRET or M365_CERT_PATH"),
    ({"M365_TENANT_ID": TENANT, "M365_CLIENT_ID": CLIENT, "M365_CERT_PATH": "/nowhere.pem",
      "M365_CERT_THUMBPRINT": "AB" * 20}, "M365_CERT_PATH"),
    ({"M365_TENANT_ID": TENANT, "M365_CLIENT_ID": CLIENT, "M365_CERT_PATH": "/x.pem"}, "M365_CERT_THUMBPRINT"),
    ({"M365_TENANT_ID": TENANT, "M365_CLIENT_ID": CLIENT, "M365_CLIENT_SECRET": "s",
      "SHAREPOINT_SITE_URL": "https://contoso.sharepoint.com/sites/perf"}, "needs M365_CERT_PATH"),
    ({"SHAREPOINT_SITE_URL": "https://contoso.sharepoint.com/sites/perf"}, "M365_TENANT_ID"),
    ({"M365_TENANT_ID": TENANT, "M365_CLIENT_ID": CLIENT, "M365_CLIENT_SECRET": "s",
      "M365_AUTHORITY_HOST": "http://login.example"}, "M365_AUTHORITY_HOST"),
    ({"M365_TENANT_ID": TENANT, "M365_CLIENT_ID": CLIENT, "M365_CLIENT_SECRET": "s",
      "TEAMS_OPENID_METADATA_URL": "login.botframework.com"}, "TEAMS_OPENID_METADATA_URL"),
    ({"TEAMS_WORKFLOW_WEBHOOK_URL": "ftp://x"}, "TEAMS_WORKFLOW_WEBHOOK_URL"),
])  # fmt: skip
def test_a_missing_or_malformed_setting_is_named(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        m365(**env)


def test_a_bad_thumbprint_is_named(cert_file: tuple[Path, str]) -> None:
    path, _ = cert_file
    with pytest.raises(ConfigError, match="40 hex digits"):
        m365(M365_TENANT_ID=TENANT, M365_CLIENT_ID=CLIENT, M365_CERT_PATH=str(path), M365_CERT_THUMBPRINT="xyz")


def test_a_thumbprint_of_another_certificate_is_caught(cert_file: tuple[Path, str]) -> None:
    path, _ = cert_file
    found = m365(M365_TENANT_ID=TENANT, M365_CLIENT_ID=CLIENT, M365_CERT_PATH=str(path),
                 M365_CERT_THUMBPRINT="AB" * 20)  # fmt: skip
    assert found is not None
    with pytest.raises(ConfigError, match="does not match the certificate"):
        load_credential(found)


def test_a_certificate_without_its_key_is_caught(tmp_path: Path) -> None:
    cert = make_client_certificate("no-key")
    path = tmp_path / "cert.pem"
    path.write_text(cert.certificate_pem)
    found = m365(M365_TENANT_ID=TENANT, M365_CLIENT_ID=CLIENT, M365_CERT_PATH=str(path),
                 M365_CERT_THUMBPRINT=cert.thumbprint)  # fmt: skip
    assert found is not None
    with pytest.raises(ConfigError, match="private key"):
        load_credential(found)
