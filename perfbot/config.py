"""`perfbot.toml`: the council, the cycle calendar, RAG policy and channel preferences.

Every setting has a sensible default; a malformed one stops start-up with one line naming it.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from perfbot.model import RagRule
from perfbot.rag import RagPolicy
from perfbot.values import InvalidValue, Tolerance

CONFIG_NAME = "perfbot.toml"
REGIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True, slots=True)
class CycleConfig:
    """When each step of a round happens, in working days (see schedules.calendar)."""

    open_after_quarter_end: int = 5
    deadline_after_open: int = 10
    reminders_before_deadline: tuple[int, ...] = (5, 1)
    escalate_after_deadline: int = 2
    digest_after_deadline: int = 5
    send_time: time = time(9, 30)
    send_until: time = time(17, 30)  # scheduled messages go out between send_time and this
    chase_quiet_hours: int = 24
    sign_off: bool = False  # heads of service approve each service's returns (perfbot.sign_off)
    sign_off_remind_after: int = 2  # working days from the request to a reminder
    sign_off_escalate_after: int = 4  # and to telling the performance officers


@dataclass(frozen=True, slots=True)
class PeersConfig:
    """Who the council is compared with (`[peers]`): its area code, and the comparison group."""

    area_code: str = ""  # the council's ONS code, e.g. "E07000117" (blank: not set)
    comparison_group: str = ""  # an LG Inform comparison group id, e.g. CIPFA nearest neighbours
    group_name: str = "comparison group"  # how reports name the group
    periods: str = "latest:5"  # which periods `benchmarks fetch` asks for


@dataclass(frozen=True, slots=True)
class Config:
    council_name: str = "Example District Council"
    region: str = "england-and-wales"
    performance_officers: tuple[str, ...] = ()
    cmt_recipients: tuple[str, ...] = ("cmt",)
    channel_order: tuple[str, ...] = ("slack", "teams", "sharepoint", "email", "local")
    public_url: str = "http://127.0.0.1:8000"
    cycle: CycleConfig = field(default_factory=CycleConfig)
    rag: RagPolicy = field(default_factory=RagPolicy)
    peers: PeersConfig = field(default_factory=PeersConfig)
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def holiday_subdivision(self) -> str:
        return REGIONS[self.region]


def data_dir() -> Path:
    """The data directory: `$PERFBOT_DATA`, or ./perfbot-data."""
    return Path(os.environ.get("PERFBOT_DATA") or "perfbot-data")


def load(directory: Path) -> Config:
    """Read `perfbot.toml` from the data directory (defaults when there is none)."""
    path = directory / CONFIG_NAME
    if not path.exists():
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    return parse(raw, source=str(path))


def parse(raw: dict[str, Any], *, source: str = CONFIG_NAME) -> Config:
    """Build a Config from parsed TOML, checking every value."""
    reader = _Reader(raw, source)
    region = reader.choice("council.region", "england-and-wales", tuple(REGIONS))
    cycle = CycleConfig(
        open_after_quarter_end=reader.whole("cycle.open_after_quarter_end", 5),
        deadline_after_open=reader.whole("cycle.deadline_after_open", 10, minimum=1),
        reminders_before_deadline=tuple(reader.wholes("cycle.reminders_before_deadline", [5, 1])),
        escalate_after_deadline=reader.whole("cycle.escalate_after_deadline", 2),
        digest_after_deadline=reader.whole("cycle.digest_after_deadline", 5),
        send_time=reader.clock_time("cycle.send_time", "09:30"),
        send_until=reader.clock_time("cycle.send_until", "17:30"),
        chase_quiet_hours=reader.whole("cycle.chase_quiet_hours", 24),
        sign_off=reader.flag("cycle.sign_off", False),
        sign_off_remind_after=reader.whole("cycle.sign_off_remind_after", 2, minimum=1),
        sign_off_escalate_after=reader.whole("cycle.sign_off_escalate_after", 4, minimum=1),
    )
    if cycle.send_until <= cycle.send_time:
        raise ConfigError(f"{source}: cycle.send_until must be later than cycle.send_time")
    rag = RagPolicy(
        rule=RagRule(reader.choice("rag.rule", "band", tuple(r.value for r in RagRule))),
        tolerance=reader.tolerance("rag.tolerance", "5%"),
        green_within=reader.tolerance("rag.green_within", "0"),
    )
    return Config(
        council_name=reader.text("council.name", "Example District Council"),
        region=region,
        performance_officers=tuple(reader.texts("council.performance_officers", [])),
        cmt_recipients=tuple(reader.texts("digest.recipients", ["cmt"])),
        channel_order=tuple(reader.texts("channels.order", ["slack", "teams", "sharepoint", "email", "local"])),
        public_url=reader.text("web.public_url", "http://127.0.0.1:8000").rstrip("/"),
        cycle=cycle,
        rag=rag,
        peers=_peers(reader),
        raw=raw,
    )


def _peers(reader: _Reader) -> PeersConfig:
    return PeersConfig(
        area_code=reader.code("peers.area_code"),
        comparison_group=reader.code("peers.comparison_group"),
        group_name=reader.text("peers.group_name", "comparison group"),
        periods=reader.text("peers.periods", "latest:5"),
    )


class _Reader:
    """Typed access to dotted settings, raising ConfigError that names the setting."""

    def __init__(self, raw: dict[str, Any], source: str) -> None:
        self._raw = raw
        self._source = source

    def _get(self, name: str, default: Any) -> Any:
        node: Any = self._raw
        for part in name.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def _fail(self, name: str, message: str) -> ConfigError:
        return ConfigError(f"{self._source}: {name} {message}")

    def text(self, name: str, default: str) -> str:
        value = self._get(name, default)
        if not isinstance(value, str) or not value.strip():
            raise self._fail(name, "must be non-empty text")
        return value

    def code(self, name: str) -> str:
        """An identifier such as an area code: letters, digits, '_', '-', '.' or ':' (blank if unset)."""
        value = self._get(name, "")
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.:-]{0,100}", value.strip()):
            raise self._fail(name, "must be an identifier like E07000117 (letters, digits, _ - . :)")
        return value.strip()

    def texts(self, name: str, default: list[str]) -> list[str]:
        value = self._get(name, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(name, "must be a list of text")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self._get(name, default)
        if not isinstance(value, bool):
            raise self._fail(name, f"must be true or false (not {value!r})")
        return value

    def whole(self, name: str, default: int, *, minimum: int = 0) -> int:
        value = self._get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self._fail(name, f"must be a whole number of at least {minimum}")
        return value

    def wholes(self, name: str, default: list[int]) -> list[int]:
        value = self._get(name, default)
        if not isinstance(value, list) or not all(isinstance(v, int) and v >= 0 for v in value):
            raise self._fail(name, "must be a list of whole numbers")
        return sorted(set(value), reverse=True)

    def choice(self, name: str, default: str, options: tuple[str, ...]) -> str:
        value = self._get(name, default)
        if value not in options:
            raise self._fail(name, f"must be one of {', '.join(options)} (not {value!r})")
        return value

    def clock_time(self, name: str, default: str) -> time:
        value = str(self._get(name, default))
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
            raise self._fail(name, f"must be a time like 09:30 (not {value!r})")
        return time.fromisoformat(value)

    def tolerance(self, name: str, default: str) -> Tolerance:
        try:
            return Tolerance.parse(self._get(name, default))
        except InvalidValue as error:
            raise self._fail(name, str(error)) from None


DEFAULT_TOML = """\
# perfbot configuration. Secrets and endpoints come from the environment (see README).

[council]
name = "Example District Council"
region = "england-and-wales"          # or "scotland", "northern-ireland" (bank holidays)
performance_officers = ["performance@example.gov.uk"]

[cycle]                               # all in working days (weekends and bank holidays skipped)
open_after_quarter_end = 5            # the round opens this many working days after quarter end
deadline_after_open = 10              # returns are due this many working days after opening
reminders_before_deadline = [5, 1]    # reminders to owners with returns still due
escalate_after_deadline = 2           # overdue returns go to the head of service
digest_after_deadline = 5             # the CMT digest goes out
send_time = "09:30"                   # Europe/London, on working days
send_until = "17:30"                  # scheduled messages and alerts wait for working hours
chase_quiet_hours = 24                # an ad-hoc chase does not repeat within this time
sign_off = false                      # true: heads of service approve their service's returns
sign_off_remind_after = 2             # a head who has not decided is reminded after this
sign_off_escalate_after = 4           # and the performance officers are told after this

[rag]
rule = "band"                         # band | improved | range | data_only
tolerance = "5%"                      # amber band short of target ("5%" of target, or absolute)
green_within = "0"                    # Belfast-style: green within e.g. "1%" of target

[digest]
recipients = ["cmt"]                  # CMT: chat channel names, or e-mail addresses for the digest by e-mail

[channels]
order = ["slack", "teams", "sharepoint", "email", "local"]   # each person is reached on the first that knows them

[web]
public_url = "http://127.0.0.1:8000"  # base of the signed form links in every request
# Who may sign in to the web pages, and for what (performance officers are under [council]):
# cmt = ["chief.executive@council.gov.uk"]   # Corporate Management Team: the dashboard
# members = ["cllr.smith@council.gov.uk"]    # elected members: the dashboard, closed rounds only
# admins = ["it.support@council.gov.uk"]     # everything, and sign-in links
# session_hours = 8                          # how long a sign-in lasts (1 to 168)
# sign_in_hours = 4                          # how long a sign-in link works (1 to 168)
# upload_max_mb = 5                          # largest case-study file in MB (1 to 20)

# Sign in with Microsoft Entra ID (docs/deployment.md). The secret or certificate goes in the
# environment (ENTRA_CLIENT_SECRET, or ENTRA_CERT_PATH + ENTRA_CERT_THUMBPRINT), never here.
# Register the redirect URI <public_url>/entra/callback. E-mailed sign-in links keep working.
# [entra]
# tenant_id = "11111111-2222-3333-4444-555555555555"   # Directory (tenant) ID
# client_id = "22222222-3333-4444-5555-666666666666"   # Application (client) ID
# authority_host = "https://login.microsoftonline.com" # or login.microsoftonline.us (sovereign clouds)
# roles_from_app_roles = false                         # true: app roles admin/officer/cmt/member add roles
[peers]                               # comparison with similar councils (docs/peers.md)
# area_code = "E07000117"             # the council's ONS code, as in the peer data
# comparison_group = "Burnley_CIPFA_Near_Neighbours"   # LG Inform comparison group id, for `benchmarks fetch`
# group_name = "CIPFA nearest neighbours"                # how reports name the group
# periods = "latest:5"                                   # which periods `benchmarks fetch` asks LG Inform for
"""
