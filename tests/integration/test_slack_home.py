"""App Home: a person's returns this round; for officers, completion by service with a chase."""

from __future__ import annotations

from typing import Any

from perfbot.submission import Submission
from tests.fakes import slack_signing as signing
from tests.integration.test_slack_support import (
    JO,
    JO_ID,
    OFFICER_ID,
    PERIOD,
    SAM_ID,
    SECRET,
    SlackWorld,
    opened_view,
    texts,
    wait_until,
)  # fmt: skip


def _home(world: SlackWorld, user_id: str, count: int = 1) -> dict[str, Any]:
    """Open the Home tab; the view perfbot published (the `count`-th publish for anyone)."""
    assert world.send(signing.app_home_opened(signing_secret=SECRET, user_id=user_id)).status_code == 200
    world.fake.wait_for("views.publish", count)
    return world.fake.home(user_id)


def test_home_shows_outstanding_and_submitted_returns(world: SlackWorld) -> None:
    world.open_round()
    home = texts(_home(world, JO_ID))
    assert "Still to submit (2)" in home and "Submitted" not in home
    assert "Monday 26 January 2026" in home
    world.app.collector.submit(Submission("CS01", PERIOD, "87", commentary="Vacancies", submitted_by=JO))
    home = texts(_home(world, JO_ID, 2))
    assert "Still to submit (1)" in home and "*CS02* Complaints answered within 10 days" in home
    assert "Submitted (1)" in home and "*CS01* Calls answered within 60 seconds: 87% — ▲ Amber" in home
    assert "Round completion" not in home  # not an officer


def test_home_submit_button_opens_the_form_for_what_is_outstanding(world: SlackWorld) -> None:
    world.open_round()
    world.app.collector.submit(Submission("CS01", PERIOD, "92", submitted_by=JO))
    home = _home(world, JO_ID)
    world.send(signing.block_actions(signing_secret=SECRET, action_id="open_returns", view=home,
                                     user_id=JO_ID))  # fmt: skip
    ids = [b["block_id"] for b in opened_view(world.fake)["blocks"] if b.get("block_id", "").startswith("value:")]
    assert ids == ["value:CS02"]


def test_officers_see_completion_by_service_and_chase_from_home(world: SlackWorld) -> None:
    world.open_round()
    world.app.collector.submit(Submission("CS01", PERIOD, "92", submitted_by=JO))
    home = _home(world, OFFICER_ID)
    shown = texts(home)
    assert "Round completion by service" in shown
    assert "Customer Services: 1 of 2 (50%)" in shown and "Waste: 0 of 1 (0%)" in shown
    assert "sign-off" not in shown.lower()  # [cycle] sign_off is off
    waste = next(b for b in home["blocks"] if "Waste" in b.get("text", {}).get("text", ""))
    assert waste["accessory"]["text"]["text"] == "Chase"
    world.send(signing.block_actions(signing_secret=SECRET, action_id="chase_service", view=home,
                                     block_id=waste["block_id"], user_id=OFFICER_ID))  # fmt: skip
    world.fake.wait_for("views.publish", 2)
    assert "Chased 1 person for 2025/26 Q3: sam@council.example." in texts(world.fake.home(OFFICER_ID))
    chased = [m.recipient for m in world.store.outbox.for_period(PERIOD) if m.kind == "chase"]
    assert chased == ["sam@council.example"]


def test_a_chase_button_does_nothing_for_someone_who_is_not_an_officer(world: SlackWorld) -> None:
    world.open_round()
    officer_home = _home(world, OFFICER_ID)
    world.send(signing.block_actions(signing_secret=SECRET, action_id="chase_service",
                                     view=officer_home, user_id=SAM_ID))  # fmt: skip
    wait_until(lambda: world.fake.home(SAM_ID))
    assert "Only performance officers can chase" in texts(world.fake.home(SAM_ID))
    assert not [m for m in world.store.outbox.for_period(PERIOD) if m.kind == "chase"]


def test_home_with_no_round_open_says_so(world: SlackWorld) -> None:
    assert "No round is open" in texts(_home(world, JO_ID))
