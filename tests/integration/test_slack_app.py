"""The Slack app: served at /slack/events by `perfbot serve`, its manifest, its configuration."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.slack import on_actions, on_casestudy
from bot.slack.client import METHOD_SCOPES, SlackApi, make_client
from bot.slack.manifest import load_manifest, manifest_for, render
from bot.slack.platform import platform
from bot.slack.socket import socket_handler
from perfbot.cli import main
from perfbot.config import ConfigError
from perfbot.server import create_asgi
from perfbot.settings import Settings, SlackSettings
from tests.fakes import slack_signing as signing
from tests.fakes.uvicorn_server import UvicornServer
from tests.integration.test_slack_support import SECRET, SlackWorld


def test_slack_verifies_the_request_url_over_http(world: SlackWorld) -> None:
    response = world.send(signing.url_verification(signing_secret=SECRET, challenge="ch-4lL3nge"))
    assert response.status_code == 200 and response.json() == {"challenge": "ch-4lL3nge"}


def test_without_slack_settings_there_is_no_slack_endpoint(world: SlackWorld) -> None:
    served = UvicornServer(create_asgi(world.app, Settings(), run_scheduler=False)).start()
    try:
        request = signing.url_verification(signing_secret=SECRET)
        response = httpx.post(served.url + "/slack/events", content=request.body, headers=request.headers)
        assert response.status_code in (404, 405)
    finally:
        served.stop()


def test_the_manifest_asks_for_exactly_the_scopes_the_code_uses() -> None:
    manifest = load_manifest()
    used = {scope for scopes in METHOD_SCOPES.values() for scope in scopes}
    needed = used | {"commands", "im:history"}  # /perf and shortcuts; hearing replies in DMs
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(needed)
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened", "message.im"]


def test_the_manifest_declares_the_command_shortcuts_interactivity_and_home() -> None:
    manifest = load_manifest()
    features, settings = manifest["features"], manifest["settings"]
    assert [c["command"] for c in features["slash_commands"]] == ["/perf"]
    assert features["slash_commands"][0]["should_escape"] is True  # @mentions arrive as user ids
    shortcuts = {(s["type"], s["callback_id"]) for s in features["shortcuts"]}
    assert shortcuts == {("global", on_casestudy.CASE_SHORTCUT), ("message", on_casestudy.CASE_FROM_MESSAGE),
                         ("global", on_actions.ACTIONS_SHORTCUT)}
    assert settings["interactivity"]["is_enabled"] is True
    assert features["app_home"]["home_tab_enabled"] and features["app_home"]["messages_tab_enabled"]
    assert features["app_home"]["messages_tab_read_only_enabled"] is False  # people reply in DMs


def test_the_manifest_is_filled_in_for_a_server_or_for_socket_mode() -> None:
    served = manifest_for("https://perfbot.larkfield.gov.uk/")
    url = "https://perfbot.larkfield.gov.uk/slack/events"
    assert served["settings"]["event_subscriptions"]["request_url"] == url
    assert served["settings"]["interactivity"]["request_url"] == url
    assert served["features"]["slash_commands"][0]["url"] == url
    socket = manifest_for(socket_mode=True)
    assert socket["settings"]["socket_mode_enabled"] is True
    assert "request_url" not in socket["settings"]["event_subscriptions"]
    assert "url" not in socket["features"]["slash_commands"][0]
    assert load_manifest() == load_manifest()  # the file itself is never changed
    assert render(served).startswith("display_information:")


def test_perfbot_slack_manifest_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["slack", "manifest", "--url", "https://perfbot.larkfield.gov.uk"]) == 0
    assert "request_url: https://perfbot.larkfield.gov.uk/slack/events" in capsys.readouterr().out
    assert main(["slack", "manifest"]) == 2
    assert "--url" in capsys.readouterr().err


def test_socket_mode_needs_an_app_token(world: SlackWorld) -> None:
    settings = world.settings.slack
    api = SlackApi(make_client(settings))
    with pytest.raises(ConfigError, match="SLACK_APP_TOKEN"):
        socket_handler(world.app, settings, api=api)
    with_token = SlackSettings(settings.bot_token, settings.signing_secret, "xapp-1-A0-1-abc", settings.api_url)
    handler = socket_handler(world.app, with_token, api=api)
    assert handler.client.web_client.base_url == world.fake.base_url  # SLACK_API_URL is honoured
    assert handler.app_token == "xapp-1-A0-1-abc"


def test_perfbot_slack_socket_without_slack_configured_says_what_to_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["--data", str(tmp_path), "slack", "socket"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err


def test_the_slack_factory_gives_its_parts_one_api_and_no_two_factories_share_one(
    world: SlackWorld,
) -> None:
    """Slack's rate limits are per app: one pacer per running app, owned by its Slack factory
    (not one per token per process, which leaked one test's pacer into the next)."""
    slack = platform(world.settings)
    config = world.app.config
    first, second = slack.channel(world.store, config), slack.channel(world.store, config)
    assert first.api is second.api
    other = platform(world.settings).channel(world.store, config)
    assert other.api is not first.api and other.api.pacer is not first.api.pacer
    assert world.app.platforms.of(world.settings) is world.app.platforms.of(world.settings)  # serve mounts those
