"""A whole round through Slack: DMs, the modal, an invalid figure refused, a return stored, a
chase, and the CMT digest in its channel."""

from __future__ import annotations

from datetime import timedelta

from perfbot.store import OutboxStatus
from tests.fakes.slack_api import FakeSlackAPI
from tests.integration.test_slack_support import (
    ALEX,
    CMT,
    JO_DM,
    JO_ID,
    OFFICER_DM,
    OFFICER_ID,
    PERIOD,
    SAM_DM,
    SlackWorld,
    opened_view,
    replies,
    texts,
    wait_until,
)  # fmt: skip


def test_a_whole_round_through_slack(world: SlackWorld) -> None:
    fake: FakeSlackAPI = world.fake
    world.open_round()

    # Each owner in Slack gets one DM; the one who is not is reported to the officer.
    request = world.request_dm(JO_DM)
    assert "CS01" in texts(request) and "CS02" in texts(request)
    assert len(fake.messages(JO_DM)) == 1 and len(fake.messages(SAM_DM)) == 1
    assert ALEX in fake.messages(OFFICER_DM)[0]["text"]
    outbox = {m.recipient: m for m in world.store.outbox.for_period(PERIOD)}
    assert outbox[ALEX].channel == "local" and outbox["jo@council.example"].channel == "slack"

    # "Submit returns" opens the modal with a field per measure.
    assert world.click(request, "open_returns", user_id=JO_ID).status_code == 200
    view = opened_view(fake)
    assert {"value:CS01", "value:CS02", "commentary:CS01", "action:CS01"} <= {
        b.get("block_id") for b in view["blocks"]}  # fmt: skip

    # An invalid value is refused on its field; nothing is stored.
    refused = world.submit(view, {"value:CS01": "lots"}, user_id=JO_ID)
    assert refused.json()["response_action"] == "errors"
    assert set(refused.json()["errors"]) == {"value:CS01"}
    assert world.store.returns.get("CS01", PERIOD) is None

    # A valid figure is stored, the modal closes, and the DM shows it with its RAG.
    accepted = world.submit(view, {"value:CS01": "92.5", "commentary:CS01": "New rota"}, user_id=JO_ID)
    assert (accepted.status_code, accepted.content) == (200, b"")
    stored = world.store.returns.get("CS01", PERIOD)
    assert (stored.value, stored.commentary, stored.submitted_by, stored.channel) == (
        92.5, "New rota", "jo@council.example", "slack")
    fake.wait_for("chat.update")
    updated = texts(fake.messages(JO_DM)[0])
    assert "92.5%" in updated and "● Green" in updated

    # The officer chases everyone still outstanding; the answer comes on the response URL.
    response, url = world.command("chase", user_id=OFFICER_ID)
    assert response.status_code == 200 and "Chasing" in response.json()["text"]
    summary = world.answered(url)[0]["text"]
    assert "Chased 3 people" in summary and "sam@council.example" in summary
    chase = wait_until(lambda: replies(fake, SAM_DM, world.request_dm(SAM_DM)))
    assert "chasing" in chase[0]["text"]

    # After the deadline the scheduler sends CMT the digest: summary, exceptions in the thread.
    world.clock.set(world.app.cycle.dates(PERIOD).digest + timedelta(minutes=5))
    world.app.cycle.tick()
    main = fake.messages(CMT)[0]
    assert "performance digest, 2025/26 Q3" in texts(main)
    thread = replies(fake, CMT, main)
    assert thread and "WS01" in texts(thread[0])
    digest = next(m for m in world.store.outbox.for_period(PERIOD) if m.kind == "digest")
    assert (digest.status, digest.channel) == (OutboxStatus.SENT, "slack")
