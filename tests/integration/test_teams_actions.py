"""Remedial actions in Teams (issue 19 point 2): the next quarter's request card asks about the
action with Done / Still open / Dropped, a note and a new due date; Action.Submit goes through
`/api/messages` to the core update service — errors under the inputs, the stored action and the
audit changed. "actions" gives a card of a person's open actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from perfbot.actions import ActionStatus
from perfbot.periods import Period
from perfbot.server import create_asgi
from perfbot.submission import Submission
from tests.fakes.botframework import message_activity
from tests.integration.test_teams_support import (
    ALICE,
    BOB,
    OLIVE,
    PERIOD,
    Conversation,
    M365World,
    texts,
    walk,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
KEY = "M1-2025-26-Q3"
Q3 = Period.parse(PERIOD)


@pytest.fixture
def setup(tmp_path, monkeypatch) -> Iterator[tuple[M365World, Any, Conversation]]:  # noqa: ANN001
    """A red M1 in Q3 raises Alice's action; in April the Q4 request card reaches her in Teams."""
    with world(tmp_path) as w:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
        settings = w.settings(SHAREPOINT_SITE_URL="")
        app = w.app(settings)
        teams = Conversation(create_asgi(app, settings, run_scheduler=False))
        for person in (ALICE, BOB, OLIVE):
            assert teams.post(w.install(person), w.token()).status_code == 200
        app.cycle.open_round(Q3, actor=OLIVE)
        result = app.collector.submit(Submission("M1", Q3, 60, commentary="Two vacancies",
                                                 action="Agency staff for six weeks", submitted_by=ALICE))  # fmt: skip
        assert result.accepted, result.errors
        w.clock.advance(timedelta(days=91))
        app.cycle.open_round(Q3.next(), actor=OLIVE)
        yield w, app, teams
        teams.close()


def _submit_asks(w: M365World, card: dict[str, Any], typed: dict[str, str], email: str = ALICE) -> dict[str, Any]:
    """Action.Submit from the ActionSet under the asks: every input's value, then its data."""
    values = {e["id"]: e.get("value", "") for e in walk(card["body"]) if str(e.get("type", "")).startswith("Input.")}
    sets = [e for e in card["body"] if e.get("type") == "ActionSet"]
    submit = (sets[0]["actions"] if sets else card["actions"])[0]
    return message_activity(text=None, value={**values, **typed, **submit["data"]},
                            **w.kwargs(email, w.personal_chat(email)))  # fmt: skip


def _last(w: M365World, email: str = ALICE) -> Any:
    return w.connector.sent_to(w.personal_chat(email))[-1]


def _changes(app: Any) -> list[tuple[str, str, str]]:
    return [(r.actor, r.after["status"], r.after["via"]) for r in app.store.audit.about(f"action {KEY}")
            if r.action == "action.changed"]  # fmt: skip


def test_the_request_card_asks_and_done_is_stored_and_audited(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    request = _last(w).cards[0]
    words = texts(request)
    assert "Last quarter you said you would:" in words
    assert "M1 (2025/26 Q3): Agency staff for six weeks — due end of 2025/26 Q4. Done?" in words
    ids = {e["id"] for e in walk(request["body"]) if "id" in e}
    assert {"M1.value", f"{KEY}.status", f"{KEY}.note", f"{KEY}.due"} <= ids
    typed = {f"{KEY}.status": "done", f"{KEY}.note": "Both posts filled in March"}
    assert teams.post(_submit_asks(w, request, typed), w.token()).status_code == 200
    answer = _last(w).cards[0]
    assert texts(answer) == ["Remedial actions updated — thank you", f"• {KEY}: done"]
    action = app.store.actions.get(KEY)
    assert action.status is ActionStatus.DONE and action.changes[-1].note == "Both posts filled in March"
    assert _changes(app) == [(ALICE, "done", "teams")]
    assert app.store.returns.get("M1", Q3.next()) is None  # the return inputs were left alone


def test_errors_come_back_under_the_inputs_with_what_was_typed(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    request = _last(w).cards[0]
    teams.post(_submit_asks(w, request, {f"{KEY}.note": "Slow"}), w.token())  # a note, no choice
    assert "⚠ Choose done, still open or dropped" in texts(_last(w).cards[0])
    teams.post(_submit_asks(w, request, {f"{KEY}.status": "open", f"{KEY}.note": "Slow"}), w.token())
    again = _last(w).cards[0]
    inputs = list(walk(again["body"]))
    at = next(i for i, e in enumerate(inputs) if e.get("id") == f"{KEY}.due")
    assert "give a new due date to keep it open" in inputs[at + 1]["inlines"][0]["text"]
    assert next(e for e in inputs if e.get("id") == f"{KEY}.note")["value"] == "Slow"
    typed = {f"{KEY}.status": "open", f"{KEY}.note": "Slow", f"{KEY}.due": "2026/27 Q1"}
    teams.post(_submit_asks(w, again, typed), w.token())
    assert str(app.store.actions.get(KEY).due) == "end of 2026/27 Q1"
    assert _changes(app) == [(ALICE, "open", "teams")]


def test_the_actions_command_and_someone_else_cannot_update_it(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    teams.post(w.say(ALICE, "actions"), w.token())
    card = _last(w).cards[0]
    assert "Your open remedial actions" in texts(card)
    teams.post(w.say(BOB, "actions"), w.token())
    assert texts(_last(w, BOB).cards[0]) == ["You have no open remedial actions."]
    forged = _submit_asks(w, card, {f"{KEY}.status": "dropped", f"{KEY}.note": "Not mine"}, email=BOB)
    teams.post(forged, w.token())
    words = " ".join(texts(_last(w, BOB).cards[0]))
    assert "Only the action's owner (alice@council.gov.uk)" in words
    assert app.store.actions.get(KEY).status is ActionStatus.OPEN and _changes(app) == []
    teams.post(w.say(OLIVE, "actions"), w.token())  # an officer sees every open action
    officer_card = _last(w, OLIVE).cards[0]
    teams.post(_submit_asks(w, officer_card, {f"{KEY}.status": "dropped", f"{KEY}.note": "Service redesigned"},
                            email=OLIVE), w.token())  # fmt: skip
    assert app.store.actions.get(KEY).status is ActionStatus.DROPPED
    assert _changes(app) == [(OLIVE, "dropped", "teams")]
