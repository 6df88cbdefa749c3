"""The Slack app manifest (`manifest.yaml` beside this file), and its copy for one server."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

MANIFEST = Path(__file__).with_name("manifest.yaml")
EVENTS_PATH = "/slack/events"


def load_manifest() -> dict[str, Any]:
    return yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))


def manifest_for(base_url: str | None = None, *, socket_mode: bool = False) -> dict[str, Any]:
    """The manifest with this server's request URLs, or set up for Socket Mode (no URLs)."""
    found = copy.deepcopy(load_manifest())
    settings, features = found["settings"], found["features"]
    settings["socket_mode_enabled"] = socket_mode
    if socket_mode:
        settings["event_subscriptions"].pop("request_url", None)
        settings["interactivity"].pop("request_url", None)
        for command in features["slash_commands"]:
            command.pop("url", None)
        return found
    if base_url:
        url = base_url.rstrip("/") + EVENTS_PATH
        settings["event_subscriptions"]["request_url"] = url
        settings["interactivity"]["request_url"] = url
        for command in features["slash_commands"]:
            command["url"] = url
    return found


def render(manifest: dict[str, Any]) -> str:
    return yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True)
