"""The Slack channel's plumbing: pacing to rate tiers, error messages, where digests go."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web import SlackResponse

from bot.slack.destinations import destinations
from bot.slack.errors import transport_error
from bot.slack.pacing import Pacer, Tier
from perfbot.config import Config, ConfigError, parse


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _pacer(tiers: dict[str, Tier]) -> tuple[Pacer, FakeTime]:
    time = FakeTime()
    return Pacer(tiers, clock=lambda: time.now, sleep=time.sleep), time


def test_calls_within_a_tier_go_at_once_and_the_next_waits_for_the_window() -> None:
    pacer, time = _pacer({"users.lookupByEmail": Tier(3, 60.0)})
    assert [pacer.wait("users.lookupByEmail") for _ in range(3)] == [0, 0, 0]
    waited = pacer.wait("users.lookupByEmail")
    assert 60.0 <= waited <= 63.1 and time.now >= 1060.0  # the window, and a small margin


def test_post_message_is_paced_per_channel() -> None:
    pacer, time = _pacer({"chat.postMessage": Tier(1, 1.0, per_channel=True)})
    assert pacer.wait("chat.postMessage", "C1") == 0 and pacer.wait("chat.postMessage", "C2") == 0
    assert pacer.wait("chat.postMessage", "C1") >= 1.0
    assert pacer.wait("other.method", "C1") == 0  # untiered methods are not paced


def test_the_window_slides() -> None:
    pacer, time = _pacer({"chat.update": Tier(2, 10.0)})
    pacer.wait("chat.update")
    time.now += 6
    pacer.wait("chat.update")
    assert 4.0 <= pacer.wait("chat.update") <= 4.6  # the first call leaves the window at +10 s


def _error(code: str, *, status: int = 200, headers: dict[str, str] | None = None, **extra: object) -> SlackApiError:
    body = {"ok": False, "error": code, **extra}
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/x",
                             req_args={}, data=body, headers=headers or {}, status_code=status)  # fmt: skip
    return SlackApiError(code, response)


@pytest.mark.parametrize(
    ("code", "permanent", "says"),
    [
        ("not_in_channel", True, "type /invite @perfbot"),
        ("channel_not_found", True, "[slack] cmt_channel"),
        ("invalid_auth", True, "check SLACK_BOT_TOKEN"),
        ("token_revoked", True, "check SLACK_BOT_TOKEN"),
        ("users_not_found", True, "check the address in the register"),
        ("missing_scope", True, "the permission chat:write"),
        ("invalid_blocks", True, "perfbot bug"),
        ("internal_error", False, "it will try again"),
    ],
)
def test_slack_errors_become_plain_messages(code: str, permanent: bool, says: str) -> None:
    error = transport_error(_error(code, needed="chat:write"), method="chat.postMessage", target="C0CMT")
    assert error.permanent is permanent and says in str(error)
    assert f"[Slack: chat.postMessage {code}; https://docs.slack.dev/reference/methods/chat.postMessage#errors]" in str(error)


def test_rate_limits_and_server_faults_are_transient_with_retry_after() -> None:
    limited = transport_error(_error("ratelimited", status=429, headers={"Retry-After": "30"}),
                              method="chat.postMessage")  # fmt: skip
    assert (limited.permanent, limited.retry_after) == (False, 30.0)
    fault = transport_error(_error("invalid_auth", status=503), method="users.info")
    assert fault.permanent is False and "Slack had a fault" in str(fault)


def test_digest_channels_come_from_the_config_and_the_environment() -> None:
    config = parse({"slack": {"cmt_channel": "C0CMT0001", "channels": {"cmt-alerts": "G0PRIV001"}}})
    assert destinations(config, env={}) == {"cmt": "C0CMT0001", "cmt-alerts": "G0PRIV001"}
    assert destinations(config, env={"SLACK_CMT_CHANNEL": "C0OVERRIDE"})["cmt"] == "C0OVERRIDE"
    assert destinations(parse({}), env={}) == {}


@pytest.mark.parametrize(
    ("raw", "env", "names"),
    [
        ({"slack": {"cmt_channel": "#cmt"}}, {}, "[slack] cmt_channel"),
        ({"slack": {"channels": {"alerts": 42}}}, {}, "[slack.channels] alerts"),
        ({}, {"SLACK_CMT_CHANNEL": "cmt"}, "SLACK_CMT_CHANNEL"),
        ({"slack": "C0CMT0001"}, {}, "[slack] must be a table"),
    ],
)
def test_a_malformed_channel_setting_is_named(raw: dict, env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names.replace("[", r"\[").replace("]", r"\]")):
        destinations(Config(raw=raw), env=env)
