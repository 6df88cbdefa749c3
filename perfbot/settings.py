"""Secrets and endpoints from the environment, checked at start-up.

A channel is enabled when its credentials are present. A malformed or half-given setting stops
start-up with one line naming the setting; constructor arguments (tests) override the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from perfbot.config import ConfigError
from perfbot.mail_settings import EmailSettings


def _url(env: Mapping[str, str], name: str, default: str | None = None) -> str | None:
    value = env.get(name) or default
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"{name} must be an http(s) URL, not {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    app_token: str | None
    api_url: str

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSettings | None:
        token, secret = env.get("SLACK_BOT_TOKEN"), env.get("SLACK_SIGNING_SECRET")
        if not token and not secret:
            return None
        if not token or not token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN must be a bot token starting 'xoxb-'")
        if not secret:
            raise ConfigError("SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set")
        app_token = env.get("SLACK_APP_TOKEN")
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN must be an app-level token starting 'xapp-'")
        api_url = _url(env, "SLACK_API_URL", "https://slack.com/api/") or ""
        return cls(token, secret, app_token, api_url if api_url.endswith("/") else api_url + "/")


@dataclass(frozen=True, slots=True)
class M365Settings:
    """Microsoft 365: one Entra ID app registration for the Teams bot and SharePoint.

    With only `TEAMS_WORKFLOW_WEBHOOK_URL` set, the bot is off and digests go to the webhook.
    SharePoint REST refuses app-only tokens from a client secret, so `SHAREPOINT_SITE_URL`
    needs the certificate; the bot takes the certificate when given, else the secret.
    """

    tenant_id: str
    client_id: str
    client_secret: str | None
    cert_path: str | None
    cert_thumbprint: str | None
    authority_host: str
    openid_metadata_url: str | None
    workflow_webhook_url: str | None
    sharepoint_site_url: str | None

    @property
    def bot_enabled(self) -> bool:
        return bool(self.client_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> M365Settings | None:
        tenant, client = env.get("M365_TENANT_ID"), env.get("M365_CLIENT_ID")
        webhook = _url(env, "TEAMS_WORKFLOW_WEBHOOK_URL")
        if not tenant and not client:
            if env.get("M365_CLIENT_SECRET") or env.get("M365_CERT_PATH") or env.get("SHAREPOINT_SITE_URL"):
                raise ConfigError("M365_TENANT_ID and M365_CLIENT_ID are required with M365 credentials")
            return None if webhook is None else cls("", "", None, None, None, "", None, webhook, None)
        if not tenant or not client:
            missing = "M365_TENANT_ID" if not tenant else "M365_CLIENT_ID"
            raise ConfigError(f"{missing} is required when the other Microsoft 365 settings are given")
        cert, thumb = _certificate(env)
        if not cert and not env.get("M365_CLIENT_SECRET"):
            raise ConfigError("M365_CLIENT_SECRET or M365_CERT_PATH + M365_CERT_THUMBPRINT is required")
        site = _url(env, "SHAREPOINT_SITE_URL")
        if site and not cert:
            raise ConfigError("SHAREPOINT_SITE_URL needs M365_CERT_PATH + M365_CERT_THUMBPRINT: "
                              "SharePoint refuses app-only tokens from a client secret")  # fmt: skip
        authority = _url(env, "M365_AUTHORITY_HOST", "https://login.microsoftonline.com") or ""
        if not authority.startswith("https://"):
            raise ConfigError("M365_AUTHORITY_HOST must be an https:// URL (msal refuses http)")
        return cls(
            tenant_id=tenant, client_id=client, client_secret=env.get("M365_CLIENT_SECRET"),
            cert_path=cert, cert_thumbprint=thumb, authority_host=authority.rstrip("/"),
            openid_metadata_url=_url(env, "TEAMS_OPENID_METADATA_URL"),
            workflow_webhook_url=webhook,
            sharepoint_site_url=site.rstrip("/") if site else None,
        )  # fmt: skip


def _certificate(env: Mapping[str, str]) -> tuple[str | None, str | None]:
    """`M365_CERT_PATH` and its SHA-1 thumbprint (40 hex digits, as the Azure portal shows it)."""
    cert, thumb = env.get("M365_CERT_PATH"), env.get("M365_CERT_THUMBPRINT")
    if bool(cert) != bool(thumb):
        raise ConfigError("M365_CERT_PATH and M365_CERT_THUMBPRINT must be given together")
    if not cert or not thumb:
        return None, None
    if not os.path.isfile(cert):
        raise ConfigError(f"M365_CERT_PATH: no certificate file at {cert}")
    clean = thumb.replace(":", "").replace(" ", "").upper()
    if len(clean) != 40 or any(c not in "0123456789ABCDEF" for c in clean):
        raise ConfigError("M365_CERT_THUMBPRINT must be the certificate's SHA-1 thumbprint (40 hex digits)")
    return cert, clean


def database_url(env: Mapping[str, str]) -> str | None:
    """`PERFBOT_DATABASE_URL`: a postgresql:// URL selects the PostgreSQL store; unset, TinyDB."""
    value = env.get("PERFBOT_DATABASE_URL")
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("postgresql", "postgres") or not (parsed.hostname or parsed.query):
        raise ConfigError("PERFBOT_DATABASE_URL must be a PostgreSQL URL like "
                          "postgresql://user:password@host:5432/perfbot")  # fmt: skip
    return value


@dataclass(frozen=True, slots=True)
class Settings:
    slack: SlackSettings | None = None
    m365: M365Settings | None = None
    email: EmailSettings | None = None
    database_url: str | None = None  # the PostgreSQL store; None: TinyDB in the data directory

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        source = os.environ if env is None else env
        m365 = M365Settings.from_env(source)
        return cls(slack=SlackSettings.from_env(source), m365=m365,
                   email=EmailSettings.from_env(source, app_registered=bool(m365 and m365.client_id)),
                   database_url=database_url(source))  # fmt: skip
