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
    SECRET,
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


def _status(world: SlackWorld, user_id: str) -> dict:
    _, url = world.command("status", user_id=user_id)
    return world.answered(url)[0]


def _shown(view: dict) -> str:
    """The words of a view's sections and contexts, as the person reads them."""
    words = [b.get("text", {}).get("text", "") for b in view["blocks"]]
    words += [e.get("text", "") for b in view["blocks"] for e in b.get("elements", []) if b["type"] == "context"]
    return "\n".join(words)


def _home(world: SlackWorld, user_id: str, count: int) -> dict:
    assert world.send(signing.app_home_opened(signing_secret=SECRET, user_id=user_id)).status_code == 200
    world.fake.wait_for("views.publish", count)
    return world.fake.home(user_id)


def test_status_shows_the_head_their_sign_off_and_approves_from_it(world: SlackWorld) -> None:
    world.open_round()
    before = _status(world, HEAD_ID)
    assert "Customer Services: returns outstanding, nothing to sign off yet" in before["text"]
    assert "blocks" not in before  # nothing to decide: plain text, no buttons
    all_in(world)
    answer = _status(world, HEAD_ID)
    assert "*Your sign-offs*" in answer["text"] and "Customer Services: awaiting your decision" in answer["text"]
    assert validate_blocks(answer["blocks"]) == []
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["action_id"] for b in buttons] == ["signoff_approve", "signoff_send_back", "signoff_open_page"]
    assert "/signoff/" in buttons[2]["url"]
    world.click({**answer, "ts": "1700000000.000100"}, "signoff_approve", user_id=HEAD_ID, channel_id=HEAD_DM,
                ephemeral=True)  # fmt: skip
    kept = wait_until(lambda: (k := world.store.sign_offs.get(PERIOD, SERVICE)) and k.state is SignOffState.APPROVED and k)
    assert kept.last_decision.by == HEAD
    assert wait_until(lambda: [m for m in world.fake.messages(HEAD_DM)
                               if "Approved: the 2025/26 Q3 figures for Customer Services" in texts(m)])  # fmt: skip
    after = _status(world, HEAD_ID)
    assert "Customer Services: approved" in after["text"] and "blocks" not in after


def test_the_officer_sees_every_services_sign_off_in_status_and_home(world: SlackWorld) -> None:
    all_in(world)
    world.app.sign_off.decide(PERIOD, SERVICE, by=HEAD, approve=False, reason="CS02 misses late replies")
    answer = _status(world, OFFICER_ID)["text"]
    assert "Customer Services: 2 of 2 (100%) · sign-off: sent back" in answer
    assert "Waste: 0 of 1 (0%) · sign-off: returns outstanding" in answer
    assert "Your sign-offs" not in answer  # an officer, not a head: no decisions of their own
    home = _shown(_home(world, OFFICER_ID, 1))
    assert "*Customer Services: 2 of 2 (100%)* · sign-off: sent back" in home
    assert "Customer Services: sent back — Why: CS02 misses late replies" in _status(world, HEAD_ID)["text"]
    jo = _status(world, JO_ID)["text"]  # an owner: their returns only
    assert "sign-off" not in jo.lower() and "By service" not in jo


def test_the_head_sends_back_from_the_home_tab_and_the_tab_shows_why(world: SlackWorld) -> None:
    all_in(world)
    home = _home(world, HEAD_ID, 1)
    assert "Your sign-offs" in _shown(home) and "Customer Services: awaiting your decision" in _shown(home)
    assert validate_blocks(home["blocks"]) == []
    world.send(signing.block_actions(signing_secret=SECRET, action_id="signoff_send_back", view=home,
                                     user_id=HEAD_ID))  # fmt: skip
    view = opened_view(world.fake)
    done = world.send(signing.view_submission(signing_secret=SECRET, view=view, user_id=HEAD_ID,
                                              answers={"reason": {"input": "CS02 misses late replies"}}))  # fmt: skip
    assert done.status_code == 200
    assert world.store.sign_offs.get(PERIOD, SERVICE).state is SignOffState.SENT_BACK
    world.fake.wait_for("views.publish", 2)
    redrawn = world.fake.home(HEAD_ID)
    assert "Customer Services: sent back — Why: CS02 misses late replies" in _shown(redrawn)
    assert "signoff_approve" not in json.dumps(redrawn["blocks"])  # nothing left to decide
