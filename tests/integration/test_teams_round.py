"""A whole round through Teams, on 127.0.0.1 with the real clients (Teams SDK, msal, httpx):
install → proactive request card → invalid submit refreshes the card with the field's error →
valid submit → read-only summary with RAG → chase → the CMT digest in a team channel."""

from __future__ import annotations

import copy

import pytest

from perfbot.periods import Period
from perfbot.server import create_asgi
from tests.integration.test_teams_support import (
    ALICE,
    BOB,
    CMT_CHANNEL,
    OLIVE,
    PERIOD,
    Conversation,
    texts,
    walk,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_a_round_through_teams(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    with world(tmp_path) as w:
        # `perfbot serve` builds its own msal client: it trusts the CA that REQUESTS_CA_BUNDLE names
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
        settings = w.settings(SHAREPOINT_SITE_URL="")  # Teams only: no list rows at round open
        app = w.app(settings)
        teams = Conversation(create_asgi(app, settings, run_scheduler=False))
        token = w.token()
        try:
            # Install: Alice, Bob and Olive add the app; Olive adds it to the CMT team channel.
            for person in (ALICE, BOB, OLIVE):
                assert teams.post(w.install(person), token).status_code == 200
            assert teams.post(w.install_in_channel(OLIVE), token).status_code == 200

            # Round open: Alice's request arrives proactively as a card with an input per field.
            _, report = app.cycle.open_round(Period.parse(PERIOD), actor=OLIVE)
            assert len(report.delivery.sent) == 2  # Alice and Bob
            alice_chat = w.personal_chat(ALICE)
            [request] = w.connector.sent_to(alice_chat)
            card = request.cards[0]
            assert card["version"] == "1.5"
            ids = {e["id"] for e in walk(card["body"]) if "id" in e}
            assert {"M1.value", "M1.commentary", "M1.action", "M2.value"} <= ids
            assert w.identity.token_requests == 1  # one msal instance, one token, shared

            # An invalid figure: nothing is stored; the card comes back with the error under M1's value.
            bad = w.submit(ALICE, card, {"M1.value": "lots"}, reply_to=request.activity_id)
            assert teams.post(bad, token).status_code == 200
            update = w.connector.sent_to(alice_chat)[-1]
            assert (update.op, update.activity_id) == ("update", request.activity_id)
            inputs = [e for e in walk(update.cards[0]["body"])]
            at = next(i for i, e in enumerate(inputs) if e.get("id") == "M1.value")
            assert inputs[at]["value"] == "lots"
            assert inputs[at + 1]["inlines"][0]["text"].startswith("⚠ Enter a number for Repairs on time")
            assert app.store.returns.for_period(Period.parse(PERIOD)) == {}

            # A card that names an old quarter (forged, or kept from years ago) is refused.
            forged = copy.deepcopy(card)
            next(a for a in forged["actions"] if a["type"] == "Action.Submit")["data"]["period"] = "2023/24 Q2"
            assert teams.post(w.submit(ALICE, forged, {"M1.value": "95"}, reply_to=request.activity_id),
                              token).status_code == 200  # fmt: skip
            assert app.store.returns.get("M1", Period(2023, 2)) is None
            said = w.connector.sent_to(alice_chat)[-1]
            shown = " ".join([said.text or "", *(t for c in said.cards for t in texts(c))])
            assert "no open round" in shown, shown

            # Valid figures: stored once, even when Teams retries the same activity.
            good = w.submit(ALICE, card, {"M1.value": "95", "M2.value": "80",
                                          "M2.commentary": "Arrears rose after the new system went live",
                                          "M2.action": "Extra staff on the arrears team until March"},
                            reply_to=request.activity_id)  # fmt: skip
            assert teams.post(good, token).status_code == 200
            assert teams.post(good, token).status_code == 200  # a retry of the same delivery
            stored = app.store.returns.for_period(Period.parse(PERIOD))
            assert {m: r.value for m, r in stored.items()} == {"M1": 95.0, "M2": 80.0}
            assert all(r.revision == 1 and r.channel == "teams" for r in stored.values())
            summary = w.connector.sent_to(alice_chat)[-1]
            assert summary.op == "update" and summary.activity_id == request.activity_id
            words = texts(summary.cards[0])
            assert any("M1 Repairs on time: 95% — ● Green" in t for t in words)
            assert any("M2 Rent collected: 80% — ■ Red" in t for t in words)
            assert not any(e.get("type", "").startswith("Input.") for e in walk(summary.cards[0]["body"]))

            # Chase: only performance officers may; Bob is chased, Alice (all returned) is not.
            assert teams.post(w.say(ALICE, "chase"), token).status_code == 200
            assert "Only the performance officers" in w.connector.sent_to(alice_chat)[-1].text
            assert teams.post(w.say(OLIVE, "chase"), token).status_code == 200
            assert "Chased 1 owner(s)" in w.connector.sent_to(w.personal_chat(OLIVE))[-1].text
            chased = w.connector.sent_to(w.personal_chat(BOB))[-1]
            assert "chasing 1 return" in texts(chased.cards[0])[1]

            # The digest: Olive picks the CMT channel; on digest day the card is posted there.
            assert teams.post(w.say(OLIVE, "<at>perfbot</at> digest here", conversation=CMT_CHANNEL,
                                    conversation_type="channel"), token).status_code == 200  # fmt: skip
            app.store.clock.set(app.cycle.dates(Period.parse(PERIOD)).digest)
            app.cycle.tick()
            posted = [s for s in w.connector.sent_to(CMT_CHANNEL) if s.cards]
            assert texts(posted[-1].cards[0])[0] == f"Performance digest, {PERIOD}"
        finally:
            teams.close()

