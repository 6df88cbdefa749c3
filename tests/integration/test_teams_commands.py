"""The Teams commands and cards, through /api/messages: help, status, submit (a partial card),
casestudy (a card → store.case_studies.add, once per delivery), and people Teams has no
e-mail address for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.teams.refs import conversations_of
from perfbot.periods import Period
from perfbot.server import create_asgi
from tests.fakes.botframework import installation_update, message_activity
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


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[M365World, Any, Conversation]]:
    with world(tmp_path_factory.mktemp("commands")) as w, pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
        settings = w.settings()
        app = w.app(settings)
        app.cycle.open_round(Period.parse(PERIOD), actor=OLIVE)
        teams = Conversation(create_asgi(app, settings, run_scheduler=False))
        for person in (ALICE, BOB, OLIVE):
            teams.post(w.install(person), w.token())
        yield w, app, teams
        teams.close()


def last(w: M365World, email: str) -> Any:
    return w.connector.sent_to(w.personal_chat(email))[-1]


def test_help_lists_the_commands(setup) -> None:  # noqa: ANN001
    w, _, teams = setup
    teams.post(w.say(BOB, "what can you do?"), w.token())
    assert "**submit**" in last(w, BOB).text and "**chase**" in last(w, BOB).text


def test_status_for_an_owner_and_for_an_officer(setup) -> None:  # noqa: ANN001
    w, _, teams = setup
    teams.post(w.say(BOB, "status"), w.token())
    assert "M3 Voids relet: outstanding" in last(w, BOB).text
    teams.post(w.say(OLIVE, "Status"), w.token())
    assert "Housing: 0 of 3 returned (0%)" in last(w, OLIVE).text
    assert "sign-off" not in last(w, OLIVE).text.lower()  # [cycle] sign_off is off


def test_submit_gives_a_card_and_a_partial_card_keeps_the_rest(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    teams.post(w.say(BOB, "submit"), w.token())
    posted = last(w, BOB)
    ids = {e["id"] for e in walk(posted.cards[0]["body"]) if "id" in e}
    assert ids == {"M3.value", "M3.commentary", "M3.action"}
    teams.post(w.say(ALICE, "submit"), w.token())
    card = last(w, ALICE)
    teams.post(w.submit(ALICE, card.cards[0], {"M1.value": "93"}, reply_to=card.activity_id), w.token())
    update = last(w, ALICE)
    assert update.op == "update" and update.activity_id == card.activity_id
    words = texts(update.cards[0])
    assert any(t.startswith("M1 Repairs on time: 93% — ● Green (received)") for t in words)
    assert "Still to submit:" in words
    assert {e["id"] for e in walk(update.cards[0]["body"]) if "id" in e} == {
        "M2.value", "M2.commentary", "M2.action"}
    assert set(app.store.returns.for_period(Period.parse(PERIOD))) == {"M1"}


def test_a_plain_reply_is_read_onto_a_card_to_check_and_submit(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    teams.post(w.say(ALICE, "Rent collected was 91%, arrears cleared after the new system"), w.token())
    offered = last(w, ALICE)
    assert texts(offered.cards[0])[1] == ("I read your message as 91% for M2. Check the figure and "
                                          "commentary, then press Submit.")  # fmt: skip
    inputs = {e["id"]: e["value"] for e in walk(offered.cards[0]["body"]) if "id" in e}
    assert inputs == {"M2.value": "91%", "M2.commentary": "Arrears cleared after the new system", "M2.action": ""}
    assert "M2" not in app.store.returns.for_period(Period.parse(PERIOD))  # nothing stored until submitted
    teams.post(w.submit(ALICE, offered.cards[0], {}, reply_to=offered.activity_id), w.token())
    assert app.store.returns.get("M2", Period.parse(PERIOD)).value == 91.0
    teams.post(w.say(ALICE, "it was 85%"), w.token())  # both her measures are in: which one?
    assert last(w, ALICE).text.startswith("Which measure is this for? Start your reply with its id")
    assert last(w, ALICE).text.endswith("Or type **submit** for a card with all your outstanding measures.")


def test_an_empty_card_asks_for_a_figure(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    teams.post(w.say(BOB, "submit"), w.token())
    card = last(w, BOB)
    teams.post(w.submit(BOB, card.cards[0], {}, reply_to=card.activity_id), w.token())
    assert "⚠ Enter at least one figure before you submit." in texts(last(w, BOB).cards[0])


def test_a_case_study_card_is_checked_then_stored_once(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    teams.post(w.say(ALICE, "casestudy"), w.token())
    card = last(w, ALICE)
    assert [c["value"] for c in card.cards[0]["body"] if c.get("id") == "service"] == [""]
    half = w.submit(ALICE, card.cards[0], {"title": "Lifts", "theme": "Theme A"}, reply_to=card.activity_id)
    teams.post(half, w.token())
    errors = [t for t in texts(last(w, ALICE).cards[0]) if t.startswith("⚠")]
    assert errors == ["⚠ Select the service", "⚠ Describe what happened",
                      "⚠ Describe the difference it made",
                      "⚠ Select yes if the council may publish this case study"]  # fmt: skip
    whole = w.submit(ALICE, card.cards[0], {"title": "Lifts", "theme": "Theme A", "service": "Housing",
                                            "what_happened": "Tenants chose the contractor",
                                            "impact": "Outages halved", "consent": "yes"},
                     reply_to=card.activity_id)  # fmt: skip
    teams.post(whole, w.token())
    teams.post(whole, w.token())  # Teams retried the same activity
    [study] = app.store.case_studies.list()
    assert (study.title, study.submitted_by, study.channel, study.consent_to_publish) == (
        "Lifts", ALICE, "teams", True)
    assert texts(last(w, ALICE).cards[0])[0].startswith("Case study received: “Lifts”")


def test_someone_teams_has_no_email_for_is_told_why(setup) -> None:  # noqa: ANN001
    w, _, teams = setup
    stranger = "aaaaaaaa-0000-0000-0000-0000000000ee"
    chat = w.connector.add_conversation(user_aad_object_id=stranger)  # no e-mail in the directory
    activity = message_activity(text="status", **{**w.kwargs(ALICE, chat), "from_aad_object_id": stranger})
    assert teams.post(activity, w.token()).status_code == 200
    assert "could not find your work e-mail address" in w.connector.sent_to(chat)[-1].text



def test_uninstalling_forgets_the_chat(setup) -> None:  # noqa: ANN001
    w, app, teams = setup
    chat = w.personal_chat(BOB)
    assert conversations_of(app.store).for_email(BOB).conversation_id == chat
    removed = installation_update(action="remove", **w.kwargs(BOB, chat))
    assert teams.post(removed, w.token()).status_code == 200
    assert conversations_of(app.store).for_email(BOB) is None  # Bob's messages go to the next channel
