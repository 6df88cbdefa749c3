"""Sign-off in Teams, on 127.0.0.1 with the real clients (Teams SDK, msal, httpx): the head's
card with the figures arrives proactively once the service's returns are in; Send back without a
reason comes back on the card; with a reason the owners' cards say why; an officer approves on
the head's behalf only with a reason. Every card is valid against the Adaptive Card 1.5 schema."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from perfbot.periods import Period
from perfbot.server import create_asgi
from perfbot.sign_off import SignOffState
from perfbot.submission import Submission
from tests.integration.test_teams_support import (
    ALICE,
    BOB,
    HANA,
    OLIVE,
    PERIOD,
    TOML,
    Conversation,
    card_values,
    texts,
    world,
)  # fmt: skip
from tests.unit.test_m365_cards import errors_of

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def pressed(card: dict, title: str, typed: dict[str, str]) -> dict:
    """What Teams sends when `title` (one of the card's Action.Submit buttons) is pressed."""
    action = next(a for a in card["actions"] if a.get("title") == title)
    return {**card_values({**card, "actions": [action]}, typed)}


def test_sign_off_through_teams(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    schema = jsonschema.Draft6Validator(json.loads(
        (resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text(encoding="utf-8")))
    with world(tmp_path, toml=TOML + "\n[cycle]\nsign_off = true\n") as w:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
        settings = w.settings(SHAREPOINT_SITE_URL="")
        app = w.app(settings)
        teams = Conversation(create_asgi(app, settings, run_scheduler=False))
        token = w.token()
        try:
            for person in (ALICE, BOB, HANA, OLIVE):
                assert teams.post(w.install(person), token).status_code == 200
            period = Period.parse(PERIOD)
            app.cycle.open_round(period, actor=OLIVE)
            for measure_id, owner in (("M1", ALICE), ("M2", ALICE), ("M3", BOB)):
                result = app.collector.submit(Submission(measure_id, period, 95, commentary="Fine.", submitted_by=owner))
                assert result.accepted, result.errors
            app.tick()
            hana_chat = w.personal_chat(HANA)
            [request] = w.connector.sent_to(hana_chat)
            card = request.cards[0]
            assert errors_of(schema, card) == []
            shown = " ".join(texts(card))
            assert "The 2025/26 Q3 figures for Housing are all in" in shown and "M3 Voids relet: 95%" in shown

            # Send back with no reason: refused on the card, nothing decided.
            bare = w.submit(HANA, card, {}, reply_to=request.activity_id)
            bare["value"] = pressed(card, "Send back", {"reason": ""})
            assert teams.post(bare, token).status_code == 200
            update = w.connector.sent_to(hana_chat)[-1]
            assert (update.op, update.activity_id) == ("update", request.activity_id)
            assert any("say why the figures are sent back" in t for t in texts(update.cards[0]))
            assert errors_of(schema, update.cards[0]) == []
            assert app.store.sign_offs.get(period, "Housing").state is SignOffState.AWAITING

            # With a reason: sent back, and Alice and Bob are told why on their own cards.
            why = w.submit(HANA, card, {}, reply_to=request.activity_id)
            why["value"] = pressed(card, "Send back", {"reason": "M2 is last year's figure"})
            assert teams.post(why, token).status_code == 200
            assert any("Sent back: the" in t and "for Housing" in t for t in texts(w.connector.sent_to(hana_chat)[-1].cards[0]))
            for owner in (ALICE, BOB):
                told = [c for a in w.connector.sent_to(w.personal_chat(owner)) for c in a.cards
                        if any("sent back" in t for t in texts(c))]  # fmt: skip
                assert told and any("Why: M2 is last year's figure" in t for t in texts(told[0]))

            # Revised: asked again; the officer approves on Hana's behalf, only with a reason.
            assert app.collector.submit(Submission("M2", period, 96, commentary="Corrected.", submitted_by=ALICE)).accepted
            app.tick()
            olive_link = app.sign_off.link_for(OLIVE, period, "Housing")
            assert "/signoff/" in olive_link
            again = w.connector.sent_to(hana_chat)[-1].cards[0]
            officer = w.submit(OLIVE, again, {}, reply_to="x")
            officer["value"] = pressed(again, "Approve", {"reason": ""})
            teams.post(officer, token)
            assert app.store.sign_offs.get(period, "Housing").state is SignOffState.AWAITING
            officer["value"] = pressed(again, "Approve", {"reason": "Hana is on leave"})
            teams.post(officer, token)
            last = app.store.sign_offs.get(period, "Housing").last_decision
            assert (last.state, last.by, last.on_behalf_of) == (SignOffState.APPROVED, OLIVE, HANA)
        finally:
            teams.close()


def test_a_card_with_bad_or_stale_data_is_answered_on_the_card_and_decides_nothing(tmp_path) -> None:  # noqa: ANN001
    from bot.teams.signoff_card import submit_card
    from tests.e2e.council import HEAD, small_council
    from tests.e2e.council import PERIOD as Q3
    from tests.integration.test_sign_off_flow import SERVICE, SIGN_OFF_ON, all_in

    council = small_council(tmp_path, extra_toml=SIGN_OFF_ON)
    all_in(council)
    for data, says in (({"period": "Q9 of never", "service": SERVICE, "decision": "approve"}, "may not sign off"),
                       ({"period": str(Q3), "service": SERVICE, "decision": "delete"}, "out of date"),
                       ({"period": str(Q3), "service": "Parks", "decision": "approve"}, "no service 'Parks'"),
                       ({"period": str(Q3), "service": SERVICE, "decision": "send-back", "reason": "x" * 5000},
                        "keep it under 2,000")):  # fmt: skip
        card = submit_card(council.app, email=HEAD, data={"perfbot": "signoff", **data})
        assert any(says in t for t in texts(card)), (data, texts(card))
    assert council.app.store.sign_offs.get(Q3, SERVICE).state is SignOffState.AWAITING


def test_status_in_teams_shows_sign_off_and_decides_from_its_card(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    schema = jsonschema.Draft6Validator(json.loads(
        (resources.files("adaptive_cards") / "schemas" / "schema-1.5.json").read_text(encoding="utf-8")))
    with world(tmp_path, toml=TOML + "\n[cycle]\nsign_off = true\n") as w:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
        settings = w.settings(SHAREPOINT_SITE_URL="")
        app = w.app(settings)
        teams = Conversation(create_asgi(app, settings, run_scheduler=False))
        token = w.token()

        def status(person: str):  # noqa: ANN202 - the activity Teams was sent
            assert teams.post(w.say(person, "status"), token).status_code == 200
            return w.connector.sent_to(w.personal_chat(person))[-1]

        try:
            for person in (ALICE, BOB, HANA, OLIVE):
                assert teams.post(w.install(person), token).status_code == 200
            period = Period.parse(PERIOD)
            app.cycle.open_round(period, actor=OLIVE)
            assert "Housing: returns outstanding, nothing to sign off yet" in status(HANA).text
            for measure_id, owner in (("M1", ALICE), ("M2", ALICE), ("M3", BOB)):
                assert app.collector.submit(Submission(measure_id, period, 95, commentary="Fine.",
                                                       submitted_by=owner)).accepted  # fmt: skip
            app.tick()

            asked = status(HANA)  # awaiting Hana: the status comes as the sign-off card
            card = asked.cards[0]
            assert errors_of(schema, card) == []
            assert any("Housing: awaiting your decision" in t for t in texts(card))
            titles = [a["title"] for a in card["actions"]]
            assert titles[:2] == ["Approve", "Send back"] and "/signoff/" in card["actions"][2]["url"]
            back = w.submit(HANA, card, {}, reply_to=asked.activity_id)
            back["value"] = pressed(card, "Send back", {"reason": "M2 is last year's figure"})
            assert teams.post(back, token).status_code == 200
            assert app.store.sign_offs.get(period, "Housing").state is SignOffState.SENT_BACK
            outcome = texts(w.connector.sent_to(w.personal_chat(HANA))[-1].cards[0])
            assert any("Sent back: the 2025/26 Q3 figures for Housing" in t for t in outcome)

            assert "Housing: sent back — Why: M2 is last year's figure" in status(HANA).text
            assert "Housing: 3 of 3 returned (100%) · sign-off: sent back" in status(OLIVE).text
            bob = status(BOB).text  # an owner: their own returns only
            assert "M3 Voids relet: returned" in bob and "sign-off" not in bob.lower()
        finally:
            teams.close()
