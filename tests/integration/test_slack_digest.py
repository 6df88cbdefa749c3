"""The CMT digest in its Slack channel (exceptions as thread replies), and exception alerts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from bot.slack.channel import SlackChannel
from bot.slack.client import SlackApi
from bot.slack.pacing import Pacer
from perfbot.channel import TransportError
from perfbot.clock import LONDON
from perfbot.digest import Digest, ExceptionItem
from tests.fakes.slack_api import Tier
from tests.integration.test_slack_support import (
    CMT,
    JO_ID,
    PERIOD,
    SlackWorld,
    opened_view,
    replies,
    texts,
)  # fmt: skip

GENERATED = datetime(2026, 2, 2, 9, 30, tzinfo=LONDON)


def _digest(exceptions: int) -> Digest:
    items = tuple(
        ExceptionItem(measure_id=f"M{n:02d}", title=f"Measure {n}", theme="A well-run council",
                      service="Waste", owner="sam@council.example", rag="red", value=40.0 + n,
                      target=90.0, reasons=("off target by more than the tolerance",), unit="percent")
        for n in range(1, exceptions + 1)
    )  # fmt: skip
    return Digest(council="Larkfield District Council", period=str(PERIOD),
                  generated_at=GENERATED, expected=50, returned=45, on_time=40,
                  rag_by_theme={"A well-run council": {"red": exceptions, "green": 5}},
                  exceptions=items)  # fmt: skip


def _unpaced(world: SlackWorld) -> SlackChannel:
    """A Slack channel on the fake without 429 retries and with pacing shrunk (fast tests)."""
    api = SlackApi(world.fake.client(), pacer=Pacer(time_scale=0.001))
    return SlackChannel(api, store=world.store, config=world.app.config, channels={"cmt": CMT})


def test_the_digest_is_the_message_and_every_exception_a_thread_reply(world: SlackWorld) -> None:
    channel = _unpaced(world)
    ref = channel.post_digest(channel.resolve_person("cmt"), _digest(45))
    main, *rest = world.fake.messages(CMT)
    assert ref == f"slack:{CMT}:{main['ts']}"
    assert "Larkfield District Council: performance digest, 2025/26 Q3" in texts(main)
    assert "45 of 50 returns received" in texts(main) and "*Exceptions (45)*" in texts(main)
    assert "M01" not in texts(main)  # the exceptions are in the thread
    thread = replies(world.fake, CMT, main)
    assert len(thread) == len(rest) == 3  # 20 a reply
    shown = "".join(texts(m) for m in thread)
    assert all(f"M{n:02d} Measure {n}" in shown for n in range(1, 46))
    assert "Exceptions 1–20 of 45" in texts(thread[0])


def test_a_digest_interrupted_mid_thread_resumes_without_repeating(world: SlackWorld) -> None:
    channel = _unpaced(world)
    world.fake.enforce_tiers(tiers={"chat.postMessage": Tier(2, 60.0, per_channel=True)})
    with pytest.raises(TransportError) as refused:
        channel.post_digest(CMT, _digest(45))  # the summary and one reply, then 429
    assert refused.value.permanent is False and refused.value.retry_after >= 1
    world.fake.enforce_tiers(False)
    channel.post_digest(CMT, _digest(45))  # the outbox's retry
    main = world.fake.messages(CMT)[0]
    thread = replies(world.fake, CMT, main)
    assert len(world.fake.messages(CMT)) == 4 and len(thread) == 3
    assert [
        t["text"].split(" of ")[0] for t in thread] == ["Exceptions 1–20", "Exceptions 21–40", "Exceptions 41–45"]  # fmt: skip


def test_the_cmt_channel_may_come_from_the_environment(
    world: SlackWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_CMT_CHANNEL", "C0OTHERCMT")
    world.fake.add_channel("C0OTHERCMT", "cmt-2")
    channel = SlackChannel.from_settings(world.settings.slack, store=world.store, config=world.app.config)
    assert channel.resolve_person("cmt") == "C0OTHERCMT"
    assert channel.resolve_person("no-such-recipient") is None


def test_a_red_return_is_alerted_to_the_cmt_channel(world: SlackWorld) -> None:
    world.open_round()
    world.click(world.request_dm("D" + JO_ID[1:]), "open_returns", user_id=JO_ID)
    view = opened_view(world.fake)
    world.submit(view, {"value:CS01": "70", "commentary:CS01": "Phones down",
                        "action:CS01": "New supplier"}, user_id=JO_ID)  # fmt: skip
    world.clock.advance(timedelta(hours=1, minutes=1))
    world.app.cycle.tick()
    [alert] = world.fake.messages(CMT)
    assert "New exceptions in 2025/26 Q3" in alert["text"]
    assert "CS01 Calls answered within 60 seconds" in texts(alert) and "red at 70%" in texts(alert)
