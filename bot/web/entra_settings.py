"""`[entra]` in perfbot.toml and its credential from the environment: sign-in with Microsoft
Entra ID for the web pages.

    [entra]
    tenant_id = "…"                      # the directory (tenant) ID, a GUID
    client_id = "…"                      # the app registration's application (client) ID
    # authority_host = "https://login.microsoftonline.us"   # sovereign clouds
    # roles_from_app_roles = true        # Entra app roles admin/officer/cmt/member add roles

The credential never goes in the toml: `ENTRA_CLIENT_SECRET`, or `ENTRA_CERT_PATH` (PEM with the
private key and certificate) + `ENTRA_CERT_THUMBPRINT`. The redirect URI is
`[web] public_url` + `/entra/callback`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from perfbot.config import Config, ConfigError

CALLBACK = "/entra/callback"
DEFAULT_AUTHORITY = "https://login.microsoftonline.com"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----.+?-----END \1-----", re.S)
_KEYS = {"tenant_id", "client_id", "authority_host", "roles_from_app_roles"}


@dataclass(frozen=True, slots=True)
class EntraSettings:
    tenant_id: str
    client_id: str
    authority_host: str
    roles_from_app_roles: bool
    credential: str | dict[str, str]  # msal's client_credential: the secret, or key + thumbprint
    redirect_uri: str

    @property
    def authority(self) -> str:
        return f"{self.authority_host}/{self.tenant_id}"

    @classmethod
    def from_config(cls, config: Config, env: Mapping[str, str] | None = None) -> EntraSettings | None:
        """None when perfbot.toml has no [entra]; ConfigError naming the setting when it is wrong."""
        source = os.environ if env is None else env
        section = config.raw.get("entra")
        if section is None:
            if source.get("ENTRA_CLIENT_SECRET") or source.get("ENTRA_CERT_PATH"):
                raise ConfigError("ENTRA_CLIENT_SECRET/ENTRA_CERT_PATH is set but perfbot.toml has no "
                                  "[entra] section (tenant_id, client_id)")  # fmt: skip
            return None
        if not isinstance(section, dict):
            raise ConfigError("perfbot.toml: [entra] must be a table")
        unknown = sorted(set(section) - _KEYS)
        if unknown:
            raise ConfigError(f"perfbot.toml: entra.{unknown[0]} is not a setting (known: {', '.join(sorted(_KEYS))})")
        return cls(
            tenant_id=_guid(section, "tenant_id", "the directory (tenant) ID"),
            client_id=_guid(section, "client_id", "the application (client) ID"),
            authority_host=_authority(section.get("authority_host", DEFAULT_AUTHORITY)),
            roles_from_app_roles=_flag(section, "roles_from_app_roles"),
            credential=_credential(source),
            redirect_uri=config.public_url + CALLBACK,
        )


def _guid(section: dict[str, Any], name: str, what: str) -> str:
    value = section.get(name)
    if not isinstance(value, str) or not _GUID.match(value.strip()):
        raise ConfigError(f"perfbot.toml: entra.{name} must be {what} from the app registration's "
                          f"Overview page, a GUID like 11111111-2222-3333-4444-555555555555")  # fmt: skip
    return value.strip().lower()


def _authority(value: Any) -> str:
    if not isinstance(value, str) or not re.match(r"^https://[^/\s]+/?$", value):
        raise ConfigError("perfbot.toml: entra.authority_host must be an https:// host like "
                          f"{DEFAULT_AUTHORITY} (msal refuses http), not {value!r}")  # fmt: skip
    return value.rstrip("/")


def _flag(section: dict[str, Any], name: str) -> bool:
    value = section.get(name, False)
    if not isinstance(value, bool):
        raise ConfigError(f"perfbot.toml: entra.{name} must be true or false")
    return value


def _credential(env: Mapping[str, str]) -> str | dict[str, str]:
    secret, cert, thumb = env.get("ENTRA_CLIENT_SECRET"), env.get("ENTRA_CERT_PATH"), env.get("ENTRA_CERT_THUMBPRINT")
    if cert or thumb:
        if not cert or not thumb:
            raise ConfigError("ENTRA_CERT_PATH and ENTRA_CERT_THUMBPRINT must be given together")
        return _certificate(cert, thumb)
    if not secret:
        raise ConfigError("[entra] needs a credential in the environment: ENTRA_CLIENT_SECRET, or "
                          "ENTRA_CERT_PATH + ENTRA_CERT_THUMBPRINT")  # fmt: skip
    return secret


def _certificate(path: str, thumbprint: str) -> dict[str, str]:
    """msal's certificate credential; the PEM must hold the key, and match the thumbprint."""
    clean = thumbprint.replace(":", "").replace(" ", "").upper()
    if not re.fullmatch(r"[0-9A-F]{40}", clean):
        raise ConfigError("ENTRA_CERT_THUMBPRINT must be the certificate's SHA-1 thumbprint (40 hex digits)")
    try:
        text = Path(path).read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"ENTRA_CERT_PATH: cannot read {path} ({error})") from None
    blocks = {match[1]: match[0] for match in _PEM.finditer(text)}
    key = next((pem for kind, pem in blocks.items() if kind.endswith("PRIVATE KEY")), None)
    if key is None or "CERTIFICATE" not in blocks:
        raise ConfigError("ENTRA_CERT_PATH must hold the private key and the certificate (PEM)")
    actual = x509.load_pem_x509_certificate(blocks["CERTIFICATE"].encode()).fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303
    if actual != clean:
        raise ConfigError(f"ENTRA_CERT_THUMBPRINT does not match the certificate in ENTRA_CERT_PATH "
                          f"(its thumbprint is {actual})")  # fmt: skip
    return {"private_key": key, "thumbprint": clean}
