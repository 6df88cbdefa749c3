"""Sign-off in Slack: the head's DM with the figures; Approve decides at once; Send back asks
why in a modal (refused without a reason, on the field); owners hear why; an officer's Approve
asks for the reason they decide on the head's behalf. Signed requests, the strict fake Web API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from perfbot.sign_off import SignOffState
from perfbot.submission import Submission
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import validate_blocks
from tests.integration.test_slack_support import (
    HEAD,
    HEAD_ID,
    JO,
    JO_DM,
    JO_ID,
    OFFICER,
    OFFICER_ID,
    PERIOD,
    TOML,
    SlackWorld,
    opened_view,
    running_world,
    texts,
    wait_until,
)  # fmt: skip

SERVICE = "Customer Services"
HEAD_DM = signing.dm_channel_id(HEAD_ID)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[SlackWorld]:
    yield from running_world(tmp_path, toml=TOML + "\n[cycle]\nsign_off = true\n")


def all_in(world: SlackWorld) -> dict:
    world.open_round()
    for measure_id, value in (("CS01", 92), ("CS02", 96)):
        result = world.app.collector.submit(Submission(measure_id, PERIOD, value, commentary="Fine.", submitted_by=JO))
        assert result.accepted, result.errors
    world.app.tick()
    return wait_until(lambda: next((m for m in world.fake.messages(HEAD_DM) if "Sign-off" in texts(m)), None))


def test_the_head_gets_the_figures_and_approves_with_one_click(world: SlackWorld) -> None:
    dm = all_in(world)
    shown = texts(dm)
    assert "Customer Services" in shown and "CS01 Calls answered within 60 seconds: 92%" in shown
    assert validate_blocks(dm["blocks"]) == [] and "/signoff/" in shown
    assert world.click(dm, "signoff_approve", user_id=HEAD_ID).status_code == 200
    kept = wait_until(lambda: (k := world.store.sign_offs.get(PERIOD, SERVICE)) and k.state is SignOffState.APPROVED and k)
    assert kept.last_decision.by == HEAD
    def redrawn() -> bool:
        now = next(m for m in world.fake.messages(HEAD_DM) if m["ts"] == dm["ts"])
        return "figures for Customer Services, by" in texts(now) and "Approved: the" in texts(now) and "signoff_approve" not in texts(now)

    assert wait_until(redrawn)  # the buttons are gone: nothing left to decide


def test_send_back_asks_why_refuses_a_blank_reason_then_tells_the_owner(world: SlackWorld) -> None:
    dm = all_in(world)
    world.click(dm, "signoff_send_back", user_id=HEAD_ID)
    view = opened_view(world.fake)
    blank = world.send(signing.view_submission(signing_secret=world.settings.slack.signing_secret, view=view,
                                               answers={"reason": {"input": "  "}}, user_id=HEAD_ID))  # fmt: skip
    assert blank.json()["response_action"] == "errors" and "say why" in blank.json()["errors"]["reason"]
    assert world.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.AWAITING
    done = world.send(signing.view_submission(signing_secret=world.settings.slack.signing_secret, view=view,
                                              answers={"reason": {"input": "CS02 misses late replies"}},
                                              user_id=HEAD_ID))  # fmt: skip
    assert done.status_code == 200 and not done.content  # acked: the modal closes
    assert world.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.SENT_BACK
    told = wait_until(lambda: [m for m in world.fake.messages(JO_DM) if "sent back" in texts(m)])
    assert "Why: CS02 misses late replies" in texts(told[0])


def test_an_owner_cannot_approve_and_an_officer_must_say_why(world: SlackWorld) -> None:
    dm = all_in(world)
    world.click(dm, "signoff_approve", user_id=JO_ID)  # not an approver: told so, nothing opened
    told = wait_until(lambda: [m for m in world.fake.messages(JO_DM) if "may not sign off" in texts(m)])
    assert "jo@council.example may not sign off Customer Services" in texts(told[0])
    forged = dict(dm, blocks=json.loads(json.dumps(dm["blocks"]).replace("2025/26 Q3", "not a quarter")))
    world.click(forged, "signoff_approve", user_id=HEAD_ID)
    assert wait_until(lambda: [m for m in world.fake.messages(HEAD_DM) if "not one perfbot can act on" in texts(m)])
    assert world.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.AWAITING
    world.click(dm, "signoff_approve", user_id=OFFICER_ID)
    view = opened_view(world.fake)
    world.send(signing.view_submission(signing_secret=world.settings.slack.signing_secret, view=view,
                                       answers={"reason": {"input": "Hari is on leave"}}, user_id=OFFICER_ID))  # fmt: skip
    last = world.store.sign_offs.get(PERIOD, SERVICE).last_decision
    assert (last.by, last.on_behalf_of, last.reason) == (OFFICER, HEAD, "Hari is on leave")
