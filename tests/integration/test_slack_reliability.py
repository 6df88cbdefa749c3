"""Reliability: acked within 3 s, 429s honoured, fan-out paced, Slack errors made plain."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.slack.channel import SlackChannel
from bot.slack.client import SlackApi, make_client
from bot.slack.pacing import Pacer
from perfbot import app as app_module
from perfbot.clock import ManualClock
from perfbot.config import Config, load
from perfbot.model import Measure, Unit
from perfbot.settings import SlackSettings
from perfbot.store import OutboxStatus, Store
from tests.fakes import slack_signing as signing
from tests.integration.test_slack_support import (
    JO_DM,
    JO_ID,
    NOW,
    OFFICER_ID,
    PERIOD,
    SECRET,
    TOML,
    SlackWorld,
    manifest_scopes,
    opened_view,
    start_fake,
    texts,
    wait_until,
)  # fmt: skip


def test_a_submission_is_acked_at_once_while_a_rate_limited_update_waits_its_turn(
    world: SlackWorld,
) -> None:
    world.open_round()
    world.click(world.request_dm(JO_DM), "open_returns", user_id=JO_ID)
    view = opened_view(world.fake)
    world.fake.fail_next("chat.update", retry_after=1)  # Slack: "slow down, 1 second"
    response, took = world.timed(signing.view_submission(
        signing_secret=SECRET, view=view, answers={"value:CS01": {"input": "92"}}, user_id=JO_ID))  # fmt: skip
    assert response.status_code == 200 and took < 1.0  # well inside Slack's 3 seconds
    assert world.store.returns.get("CS01", PERIOD).value == 92  # stored before the ack
    started = time.perf_counter()
    wait_until(lambda: "92% — ● Green" in texts(world.fake.messages(JO_DM)[0]), timeout=8)
    assert time.perf_counter() - started >= 1.0  # it waited Retry-After, then updated
    assert [r.status for r in world.fake.responses("chat.update")] == [429, 200]


def test_a_chase_is_acked_at_once_and_answered_when_done(world: SlackWorld) -> None:
    world.open_round()
    world.fake.fail_next("chat.postMessage", retry_after=1)
    url = world.fake.response_url()
    response, took = world.timed(signing.slash_command(signing_secret=SECRET, text="chase",
                                                       user_id=OFFICER_ID, response_url=url))  # fmt: skip
    assert response.status_code == 200 and took < 1.0
    assert "Chased 3 people" in world.answered(url, timeout=8)[0]["text"]


def test_requests_with_a_bad_or_stale_signature_are_refused(world: SlackWorld) -> None:
    world.open_round()
    forged = signing.slash_command(signing_secret="not-our-secret", text="submit", user_id=JO_ID)
    stale = signing.slash_command(signing_secret=SECRET, text="submit", user_id=JO_ID,
                                  timestamp=int(time.time()) - 600)  # fmt: skip
    assert world.send(forged).status_code == 401
    assert world.send(stale).status_code == 401
    assert world.fake.count("views.open") == 0


ChannelFor = Callable[[Store, Config], SlackChannel]


def _council(tmp_path: Path, owners: int, channel_for: ChannelFor) -> app_module.App:
    """A council of `owners` owners (one measure each), reached through `channel_for`'s channel."""
    data = tmp_path / "council"
    data.mkdir()
    (data / "perfbot.toml").write_text(TOML, encoding="utf-8")
    clock = ManualClock(NOW)
    store = Store.open(data, clock=clock)
    store.register.apply([
        Measure(f"M{n:02d}", f"Measure {n}", "Theme", "Service", f"owner{n}@council.example",
                "head@council.example", unit=Unit.PERCENT, target=90.0)
        for n in range(owners)], [], actor="test")  # fmt: skip
    return app_module.build(data, clock=clock, channels=[channel_for(store, load(data))])


def test_a_fan_out_is_paced_to_slacks_tiers_without_a_single_429(tmp_path: Path) -> None:
    fake = start_fake()
    try:
        for n in range(60):
            fake.add_user(f"owner{n}@council.example", f"U0OWNER{n:03d}", f"Owner {n}")
        fake.enforce_tiers(time_scale=0.01)  # Slack's tiers, a minute lasting 0.6 s
        api = SlackApi(fake.client(), pacer=Pacer(time_scale=0.01))

        def channel(store: Store, config: Config) -> SlackChannel:
            return SlackChannel(api, store=store, config=config, channels={})

        _, report = _council(tmp_path, 60, channel).cycle.open_round(PERIOD, actor="test")
        assert len(report.delivery.sent) == 60 and not report.delivery.failed
        assert fake.count("users.lookupByEmail") == 60 and fake.count("chat.postMessage") == 60
        statuses = {r.status for m in ("users.lookupByEmail", "chat.postMessage") for r in fake.responses(m)}
        assert statuses == {200}
    finally:
        fake.stop()


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("not_in_channel", "perfbot is not a member of the Slack channel C0PRIVATE1: in that channel type /invite @perfbot"),
        ("channel_not_found", "Slack has no channel C0PRIVATE1 that perfbot can see"),
        ("archived", "the Slack channel C0PRIVATE1 is archived"),
    ],
)
def test_channel_problems_become_plain_messages_for_the_operator(
    tmp_path: Path, setup: str, expected: str
) -> None:
    fake = start_fake()
    if setup != "channel_not_found":
        fake.add_channel("C0PRIVATE1", "cmt-private", is_member=setup != "not_in_channel",
                         is_archived=setup == "archived")  # fmt: skip
    world = SlackWorld(tmp_path, fake, toml=TOML.replace('cmt_channel = "C0CMT00001"',
                                                         'cmt_channel = "C0PRIVATE1"'))  # fmt: skip
    try:
        world.open_round()
        world.clock.set(world.app.cycle.dates(PERIOD).digest)
        report = world.app.cycle.tick()
        [(key, error)] = report.delivery.failed
        assert "digest" in key and expected in error
        digest = world.store.outbox.get(PERIOD, key)
        assert digest.status is OutboxStatus.FAILED and expected in digest.error  # permanent
    finally:
        world.close()
        fake.stop()


def test_a_rejected_token_is_reported_naming_the_setting(tmp_path: Path) -> None:
    fake = start_fake()
    settings = SlackSettings(bot_token="xoxb-not-the-real-one", signing_secret=SECRET,
                             app_token=None, api_url=fake.base_url)  # fmt: skip
    try:
        api = SlackApi(make_client(settings))

        def channel(store: Store, config: Config) -> SlackChannel:
            return SlackChannel(api, store=store, config=config, channels={})

        _, report = _council(tmp_path, 1, channel).cycle.open_round(PERIOD, actor="test")
        [(_, error)] = report.delivery.failed
        assert "Slack refused perfbot's bot token (invalid_auth): check SLACK_BOT_TOKEN" in error
        assert "docs.slack.dev/reference/methods/users.lookupByEmail#errors" in error
    finally:
        fake.stop()


def test_the_fake_holds_exactly_the_manifests_scopes() -> None:
    fake = start_fake()
    try:
        assert fake.client().auth_test().headers["X-OAuth-Scopes"].split(",") == sorted(manifest_scopes())
    finally:
        fake.stop()
