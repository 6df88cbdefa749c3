"""Remedial actions in Slack (issue 19 point 2): the next quarter's request asks about each open
action with Done / Still open / Dropped; each opens a modal whose submission goes through the core
update service — its errors on the modal's blocks, the stored action and the audit changed, the
request redrawn."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from perfbot.actions import ActionStatus
from perfbot.submission import Submission
from tests.fakes import slack_signing as signing
from tests.integration.test_slack_support import (
    JO,
    JO_DM,
    JO_ID,
    OFFICER,
    PERIOD,
    SAM_ID,
    SECRET,
    SlackWorld,
    opened_view,
    texts,
    wait_until,
)  # fmt: skip

KEY = "CS01-2025-26-Q3"
Q4 = PERIOD.next()


def _asked(world: SlackWorld) -> dict[str, Any]:
    """A red CS01 in Q3 raises an action; in April the Q4 request to Jo asks about it."""
    world.open_round()
    result = world.app.collector.submit(Submission(
        "CS01", PERIOD, 60, commentary="Two vacancies", action="Agency staff for six weeks",
        submitted_by=JO, channel="slack"))  # fmt: skip
    assert result.accepted, result.errors
    world.clock.advance(timedelta(days=91))  # 13 April 2026: the action (due 31 March) is late
    world.app.cycle.open_round(Q4, actor=OFFICER)
    return wait_until(lambda: next((m for m in world.fake.messages(JO_DM) if "2025/26 Q4" in texts(m)), None))


def _now(world: SlackWorld, message: dict[str, Any]) -> dict[str, Any]:
    return next(m for m in world.fake.messages(JO_DM) if m["ts"] == message["ts"])


def _modal(world: SlackWorld, request: dict[str, Any], button: str, count: int) -> dict[str, Any]:
    assert world.click(request, button, user_id=JO_ID).status_code == 200
    return opened_view(world.fake, count)


def _submit(world: SlackWorld, view: dict[str, Any], answers: dict[str, str], user_id: str = JO_ID) -> Any:
    typed = {block: {"input": text} for block, text in answers.items()}
    return world.send(signing.view_submission(signing_secret=SECRET, view=view, answers=typed, user_id=user_id))


def _changes(world: SlackWorld) -> list[tuple[str, str, str]]:
    return [(r.actor, r.after["status"], r.after["via"]) for r in world.store.audit.about(f"action {KEY}")
            if r.action == "action.changed"]  # fmt: skip


def test_the_request_asks_about_the_action_with_three_buttons(world: SlackWorld) -> None:
    request = _asked(world)
    shown = texts(request)
    assert "Last quarter you said you would:" in shown
    assert "CS01 (2025/26 Q3): Agency staff for six weeks — due end of 2025/26 Q4. Done?" in shown
    [ask] = [b for b in request["blocks"] if b.get("block_id") == f"ask:{KEY}"]
    assert [(e["action_id"], e["text"]["text"], e["value"]) for e in ask["elements"]] == [
        ("action_done", "Done", KEY), ("action_open", "Still open", KEY), ("action_dropped", "Dropped", KEY)]


def test_dropped_needs_a_reason_on_the_modal_then_is_stored_audited_and_shown(world: SlackWorld) -> None:
    request = _asked(world)
    view = _modal(world, request, "action_dropped", 1)
    assert view["callback_id"] == "action_update_modal"
    status = next(b for b in view["blocks"] if b.get("block_id") == "status")
    assert status["element"]["initial_option"]["value"] == "dropped"
    refused = _submit(world, view, {"status": "dropped"})
    assert refused.status_code == 200
    assert refused.json() == {"response_action": "errors",
                              "errors": {"note": "Say why the action is dropped (a note): CMT will read it"}}
    assert world.store.actions.get(KEY).status is ActionStatus.OPEN
    done = _submit(world, view, {"status": "dropped", "note": "The posts were deleted in the restructure"})
    assert done.status_code == 200 and not done.content  # the modal closes
    action = world.store.actions.get(KEY)
    assert action.status is ActionStatus.DROPPED and action.changes[-1].note.startswith("The posts were deleted")
    assert _changes(world) == [(JO, "dropped", "slack")]
    redrawn = wait_until(lambda: "Marked dropped" in texts(_now(world, request)) and _now(world, request))
    assert not any(b.get("block_id") == f"ask:{KEY}" for b in redrawn["blocks"])
    world.click(request, "action_done", user_id=JO_ID)  # a button on a copy not redrawn yet
    assert "is dropped already" in texts(opened_view(world.fake, 2))


def test_still_open_when_late_needs_a_new_due_date(world: SlackWorld) -> None:
    request = _asked(world)
    view = _modal(world, request, "action_open", 1)
    refused = _submit(world, view, {"status": "open", "note": "One post filled"})
    assert "give a new due date to keep it open" in refused.json()["errors"]["due"]
    kept = _submit(world, view, {"status": "open", "note": "One post filled", "due": "2026/27 Q1"})
    assert kept.status_code == 200
    action = world.store.actions.get(KEY)
    assert (action.status, str(action.due)) == (ActionStatus.OPEN, "end of 2026/27 Q1")
    _submit(world, view, {"status": "open", "note": "One post filled", "due": "2026/27 Q1"})  # a double click
    assert _changes(world) == [(JO, "open", "slack")]


def test_someone_else_cannot_update_it_from_slack(world: SlackWorld) -> None:
    request = _asked(world)
    view = _modal(world, request, "action_done", 1)
    refused = _submit(world, view, {"status": "done"}, user_id=SAM_ID)
    assert "Only the action's owner (jo@council.example)" in refused.json()["errors"]["status"]
    assert world.store.actions.get(KEY).status is ActionStatus.OPEN and _changes(world) == []
    damaged = dict(view, private_metadata=json.dumps({"x": 1}))
    assert "out of date" in _submit(world, damaged, {"status": "done"}).json()["errors"]["status"]


def test_the_shortcut_opens_every_open_action_on_one_form(world: SlackWorld) -> None:
    request = _asked(world)
    assert world.send(signing.shortcut(signing_secret=SECRET, callback_id="actions_shortcut",
                                       user_id=JO_ID)).status_code == 200  # fmt: skip
    form = opened_view(world.fake, 1)
    assert form["callback_id"] == "actions_form_modal"
    assert "Agency staff for six weeks" in texts(form)
    unchosen = _submit(world, form, {f"note|{KEY}": "Nearly there"})
    assert unchosen.json()["errors"] == {f"status|{KEY}": "Choose done, still open or dropped"}
    refused = _submit(world, form, {f"status|{KEY}": "dropped"})
    assert "Say why the action is dropped" in refused.json()["errors"][f"note|{KEY}"]
    done = _submit(world, form, {f"status|{KEY}": "done", f"note|{KEY}": "Both posts filled"})
    assert done.status_code == 200 and not done.content
    assert world.store.actions.get(KEY).status is ActionStatus.DONE
    assert _changes(world) == [(JO, "done", "slack")]
    wait_until(lambda: "Marked done" in texts(_now(world, request)))
    assert world.send(signing.shortcut(signing_secret=SECRET, callback_id="actions_shortcut",
                                       user_id=JO_ID)).status_code == 200  # fmt: skip
    assert "You have no open remedial actions." in texts(opened_view(world.fake, 2))
