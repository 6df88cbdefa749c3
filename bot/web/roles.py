"""Who may do what on the web: roles from perfbot.toml and the register.

- owner:   has measures to return: owner, deputy or head of service (`perfbot.services.duties`)
- officer: `council.performance_officers`
- cmt:     `[web] cmt` — Corporate Management Team, the full dashboard
- member:  `[web] members` — elected members, the published (closed-round) dashboard
- admin:   `[web] admins` — everything, including issuing sign-in links
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from perfbot.config import Config, ConfigError
from perfbot.services.duties import Duties
from perfbot.store import Store


class Role(StrEnum):
    OWNER = "owner"
    OFFICER = "officer"
    CMT = "cmt"
    MEMBER = "member"
    ADMIN = "admin"


ROLE_NAMES = {
    Role.OWNER: "measure owner", Role.OFFICER: "performance officer",
    Role.CMT: "Corporate Management Team", Role.MEMBER: "elected member", Role.ADMIN: "administrator",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class WebSettings:
    """The `[web]` section of perfbot.toml that the web channel reads."""

    cmt: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()
    session_hours: int = 8
    sign_in_hours: int = 4
    upload_max_mb: int = 5

    @classmethod
    def from_config(cls, config: Config) -> WebSettings:
        """Read `[web]` from the raw settings; a malformed value raises ConfigError naming it."""
        section = config.raw.get("web", {})
        if not isinstance(section, dict):
            raise ConfigError("perfbot.toml: [web] must be a table")
        return cls(
            cmt=_emails(section, "cmt"),
            admins=_emails(section, "admins"),
            members=_emails(section, "members"),
            session_hours=_whole(section, "session_hours", 8, 1, 24 * 7),
            sign_in_hours=_whole(section, "sign_in_hours", 4, 1, 24 * 7),
            upload_max_mb=_whole(section, "upload_max_mb", 5, 1, 20),
        )


def _emails(section: dict[str, Any], name: str) -> frozenset[str]:
    value = section.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and "@" in v for v in value):
        raise ConfigError(f"perfbot.toml: web.{name} must be a list of e-mail addresses")
    return frozenset(v.strip().lower() for v in value)


def _whole(section: dict[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = section.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ConfigError(f"perfbot.toml: web.{name} must be a whole number from {low} to {high}")
    return value


def roles_for(email: str, *, config: Config, web: WebSettings, store: Store) -> frozenset[Role]:
    """Every role a person holds now (read afresh, so a change to config or register applies)."""
    person = email.strip().lower()
    if not person:
        return frozenset()
    found = set()
    if person in web.admins:
        found.add(Role.ADMIN)
    if person in {o.lower() for o in config.performance_officers}:
        found.add(Role.OFFICER)
    if person in web.cmt:
        found.add(Role.CMT)
    if person in web.members:
        found.add(Role.MEMBER)
    if Duties(store, config).holds_any(person):
        found.add(Role.OWNER)
    return frozenset(found)
