"""E-mail settings from the environment: Microsoft Graph `sendMail` or an SMTP server.

E-mail is on when either transport is configured (Graph wins when both are). A malformed or
half-given setting stops start-up with one line naming the setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from perfbot.config import ConfigError

SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
GRAPH_DEFAULT = "https://graph.microsoft.com/v1.0/"
_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]+$")


def mail_address(env: Mapping[str, str], name: str) -> str | None:
    """An e-mail address setting, or None when unset; ConfigError naming it when malformed."""
    value = (env.get(name) or "").strip()
    if not value:
        return None
    if not _ADDRESS.match(value):
        raise ConfigError(f"{name} must be an e-mail address like performance@council.gov.uk, not {value!r}")
    return value.lower()


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # starttls | tls | none
    username: str | None
    password: str | None


@dataclass(frozen=True, slots=True)
class GraphMailSettings:
    sender: str  # the mailbox perfbot sends as (GRAPH_MAIL_SENDER)
    api_url: str  # ends with "/"


@dataclass(frozen=True, slots=True)
class EmailSettings:
    mail_from: str
    graph: GraphMailSettings | None = None
    smtp: SmtpSettings | None = None

    @property
    def transport(self) -> str:
        return "graph" if self.graph is not None else "smtp"

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, app_registered: bool = False) -> EmailSettings | None:
        """`app_registered`: the Microsoft 365 app registration is configured (Graph needs it)."""
        graph = _graph(env, app_registered)
        smtp = _smtp(env)
        mail_from = mail_address(env, "PERFBOT_MAIL_FROM")
        if graph is None and smtp is None:
            if mail_from:
                raise ConfigError("PERFBOT_MAIL_FROM is set but no e-mail transport is: "
                                  "set GRAPH_MAIL_SENDER or SMTP_HOST")  # fmt: skip
            return None
        if mail_from is None:
            if graph is None:
                raise ConfigError("PERFBOT_MAIL_FROM is required with SMTP_HOST (the From address)")
            mail_from = graph.sender
        return cls(mail_from=mail_from, graph=graph, smtp=smtp)


def _graph(env: Mapping[str, str], app_registered: bool) -> GraphMailSettings | None:
    sender = mail_address(env, "GRAPH_MAIL_SENDER")
    if sender is None:
        if env.get("GRAPH_API_URL"):
            raise ConfigError("GRAPH_API_URL is set but GRAPH_MAIL_SENDER is not")
        return None
    if not app_registered:
        raise ConfigError("GRAPH_MAIL_SENDER needs the app registration: set M365_TENANT_ID, "
                          "M365_CLIENT_ID and M365_CLIENT_SECRET (or M365_CERT_PATH)")  # fmt: skip
    url = env.get("GRAPH_API_URL") or GRAPH_DEFAULT
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(f"GRAPH_API_URL must be an http(s) URL, not {url!r}")
    return GraphMailSettings(sender=sender, api_url=url if url.endswith("/") else url + "/")


def _smtp(env: Mapping[str, str]) -> SmtpSettings | None:
    host = (env.get("SMTP_HOST") or "").strip()
    if not host:
        for name in ("SMTP_PORT", "SMTP_SECURITY", "SMTP_USERNAME", "SMTP_PASSWORD"):
            if env.get(name):
                raise ConfigError(f"{name} is set but SMTP_HOST is not")
        return None
    if not _HOST.match(host):
        raise ConfigError(f"SMTP_HOST must be a host name or IP address, not {host!r}")
    security = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SECURITY:
        raise ConfigError(f"SMTP_SECURITY must be one of {', '.join(SECURITY)} (not {security!r})")
    port_text = (env.get("SMTP_PORT") or str(DEFAULT_PORTS[security])).strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ConfigError(f"SMTP_PORT must be a port number from 1 to 65535, not {port_text!r}")
    user, password = env.get("SMTP_USERNAME") or None, env.get("SMTP_PASSWORD") or None
    if bool(user) != bool(password):
        raise ConfigError("SMTP_USERNAME and SMTP_PASSWORD must be given together")
    if user and security == "none":
        raise ConfigError("SMTP_USERNAME needs SMTP_SECURITY starttls or tls: a password is never "
                          "sent over an unencrypted connection")  # fmt: skip
    return SmtpSettings(host, int(port_text), security, user, password)
