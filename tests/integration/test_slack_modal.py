"""The returns modal: pre-filled, errors on the right field, late and revised returns, no duplicates."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from perfbot.model import RoundState
from perfbot.submission import Submission
from tests.integration.test_slack_support import (
    JO,
    JO_DM,
    JO_ID,
    PERIOD,
    SlackWorld,
    opened_view,
    texts,
    wait_until,
)  # fmt: skip


def _open(world: SlackWorld) -> dict[str, Any]:
    """Jo presses "Submit returns" in the request DM; the modal Slack shows."""
    count = world.fake.count("views.open") + 1
    assert world.click(world.request_dm(JO_DM), "open_returns", user_id=JO_ID).status_code == 200
    return opened_view(world.fake, count)


def _element(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)["element"]


def test_the_modal_is_prefilled_from_the_earlier_submission(world: SlackWorld) -> None:
    world.open_round()
    world.app.collector.submit(Submission("CS01", PERIOD, "88", commentary="Two vacancies",
                                          submitted_by=JO, channel="web"))  # fmt: skip
    view = _open(world)
    assert _element(view, "value:CS01")["initial_value"] == "88"
    assert _element(view, "commentary:CS01")["initial_value"] == "Two vacancies"
    assert "initial_value" not in _element(view, "value:CS02")
    assert "Submitted: 88% — ▲ Amber (revision 1)" in texts(view)
    assert [b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("value:")] == [
        "value:CS02", "value:CS01"]  # outstanding first  # fmt: skip


@pytest.mark.parametrize(
    ("answers", "fields"),
    [
        ({"value:CS01": "80"}, {"commentary:CS01", "action:CS01"}),  # red: why, and what's being done
        ({"value:CS01": "80", "commentary:CS01": "Sickness"}, {"action:CS01"}),
        ({"value:CS01": "87"}, {"commentary:CS01"}),  # amber: why
        ({"value:CS01": "150"}, {"value:CS01"}),  # not a percentage
        ({"value:CS01": "91", "value:CS02": "abc"}, {"value:CS02"}),
        ({}, {"value:CS01"}),  # nothing entered: said on the first field
    ],
)
def test_invalid_input_comes_back_on_the_right_field(
    world: SlackWorld, answers: dict[str, str], fields: set[str]
) -> None:
    world.open_round()
    response = world.submit(_open(world), answers, user_id=JO_ID)
    assert response.json()["response_action"] == "errors"
    assert set(response.json()["errors"]) == fields
    assert world.store.returns.for_period(PERIOD) == {}


def test_a_figure_that_looks_like_missing_data_is_queried_once_then_accepted(world: SlackWorld) -> None:
    world.open_round()
    view = _open(world)
    answers = {"value:CS01": "0", "commentary:CS01": "Phones down all quarter",
               "action:CS01": "New supplier"}  # fmt: skip
    first = world.submit(view, answers, user_id=JO_ID).json()
    assert "submit the same figure again" in first["errors"]["value:CS01"]
    assert world.submit(view, answers, user_id=JO_ID).status_code == 200
    assert world.store.returns.get("CS01", PERIOD).value == 0


def test_late_and_revised_returns_are_accepted_with_history_and_the_dm_follows(
    world: SlackWorld,
) -> None:
    world.open_round()
    world.clock.set(world.store.rounds.get(PERIOD).deadline + timedelta(days=3))
    assert world.submit(_open(world), {"value:CS01": "92"}, user_id=JO_ID).status_code == 200
    assert world.submit(_open(world), {"value:CS01": "93", "value:CS02": "97"},
                        user_id=JO_ID).status_code == 200  # fmt: skip
    versions = world.store.returns.versions("CS01", PERIOD)
    assert [(v.value, v.revision) for v in versions] == [(92, 1), (93, 2)]
    wait_until(lambda: "93% — ● Green (revision 2)" in texts(world.fake.messages(JO_DM)[0]))
    shown = texts(world.fake.messages(JO_DM)[0])
    assert "97% — ● Green (revision 1)" in shown and "Revise returns" in shown


def test_a_double_submission_of_the_same_form_stores_one_return(world: SlackWorld) -> None:
    world.open_round()
    view = _open(world)
    for _ in range(2):
        assert world.submit(view, {"value:CS01": "92"}, user_id=JO_ID).status_code == 200
    assert len(world.store.returns.versions("CS01", PERIOD)) == 1
    assert [r.action for r in world.store.audit.about(f"return CS01 {PERIOD}")] == ["return.created"]


def test_a_closed_round_takes_no_more_returns(world: SlackWorld) -> None:
    world.open_round()
    view = _open(world)
    world.store.rounds.set_state(PERIOD, RoundState.CLOSED, actor="perf@council.example")
    refused = world.submit(view, {"value:CS01": "92"}, user_id=JO_ID).json()
    assert "closed" in refused["errors"]["value:CS01"]
    assert "This round is closed" in texts(_open(world))


def test_a_form_naming_an_old_quarter_is_refused_whatever_its_metadata_says(world: SlackWorld) -> None:
    import json

    from perfbot.periods import Period

    world.open_round()
    view = _open(world)
    metadata = json.loads(view["private_metadata"])
    assert metadata["p"] == str(PERIOD)
    forged = {**view, "private_metadata": json.dumps({**metadata, "p": "2023/24 Q2"})}
    refused = world.submit(forged, {"value:CS01": "92"}, user_id=JO_ID).json()
    assert "no open round" in refused["errors"]["value:CS01"]
    assert world.store.returns.get("CS01", Period(2023, 2)) is None
