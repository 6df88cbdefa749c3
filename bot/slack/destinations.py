"""Where channel posts go: perfbot's recipient names (`cmt`, …) → Slack channel ids.

`[slack] cmt_channel = "C…"` in perfbot.toml (or `SLACK_CMT_CHANNEL`, which wins) is where the
CMT digest goes; `[slack.channels]` maps any other recipient name, e.g. one for exception alerts:

    [slack]
    cmt_channel = "C0123CMT"
    [slack.channels]
    cmt-exceptions = "C0456EXC"
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from perfbot.config import Config, ConfigError

ENV_CMT = "SLACK_CMT_CHANNEL"
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{6,}$")


def destinations(config: Config, env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Recipient name → Slack channel id, checked (a malformed id stops start-up, named)."""
    env = os.environ if env is None else env
    section: Any = config.raw.get("slack", {})
    if not isinstance(section, dict):
        raise ConfigError("perfbot.toml: [slack] must be a table")
    named: Any = section.get("channels", {})
    if not isinstance(named, dict):
        raise ConfigError("perfbot.toml: [slack.channels] must map names to channel IDs")
    found = {str(name): (f"[slack.channels] {name}", value) for name, value in named.items()}
    if "cmt_channel" in section:
        found["cmt"] = ("[slack] cmt_channel", section["cmt_channel"])
    if env.get(ENV_CMT):
        found["cmt"] = (ENV_CMT, env[ENV_CMT])
    return {name: _checked(setting, value) for name, (setting, value) in found.items()}


def _checked(setting: str, value: object) -> str:
    text = str(value).strip()
    if not isinstance(value, str) or not _CHANNEL_ID.match(text):
        raise ConfigError(f"{setting} must be a Slack channel ID like C0123456789 (in Slack, open "
                          f"the channel's details to copy it), not {value!r}")  # fmt: skip
    return text
