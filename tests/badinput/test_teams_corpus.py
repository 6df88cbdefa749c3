"""Every malformed or hostile Teams activity in `teams/` gets a clear refusal, changes nothing.

Activities are POSTed to `/api/messages` of perfbot's ASGI app with a Bot Framework JWT from the
fake login.botframework.com (or a spoiled one), and perfbot answers through its real Teams SDK
and msal clients against the fake Bot Connector and identity servers. A case says what to send
(`request` — a real activity: Alice's card submission, a typed message, an install, an
Action.Execute invoke, a raw body — then `set`/`delete` at JSON Pointers, and `token`) and what
must happen (`expect`):

* `status`: 401 for a missing or bad token, 403 for another tenant, 400 for a body the Teams SDK
  cannot read as an activity; an activity it can read is answered 200, as Teams expects, with a
  message or a refreshed card saying what is wrong;
* `says`: text in what perfbot sent back to the conversation (or in the HTTP answer);
* `changes`: "nothing" — the data directory is byte for byte as it was — or "conversation-ref":
  perfbot remembers every conversation it is written to from (so it can send requests there
  later, see `bot/teams/bot.py`); a new reference, and nothing else, may appear.

Never a 500, and never an exception in the server log. Cases whose `expect` has `stored` are
hostile text that is legitimately accepted: stored verbatim and formula-safe in the open data.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from perfbot.periods import Period
from perfbot.server import create_asgi
from tests.badinput.support import (
    assert_open_data_is_formula_safe,
    cases,
    changed,
    describe,
    fingerprint,
    load_case,
    mutate,
    server_faults,
    tables,
)
from tests.fakes.botframework import invoke_action_execute
from tests.integration.test_teams_support import (
    ALICE,
    OLIVE,
    PERIOD,
    Conversation,
    M365World,
    card_values,
    world,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
CORPUS = Path(__file__).parent / "teams"
REFUSED = [p for p in cases(CORPUS) if "stored" not in load_case(p)["expect"]]
ACCEPTED = [p for p in cases(CORPUS) if "stored" in load_case(p)["expect"]]
STRANGER = "aaaaaaaa-0000-0000-0000-0000000000ff"  # an Entra object id the Connector does not know


class Teamside:
    """perfbot with Teams configured, Alice and Olive installed, a round open, Alice's card."""

    def __init__(self, w: M365World) -> None:
        self.w = w
        settings = w.settings()
        self.app = w.app(settings)
        self.teams = Conversation(create_asgi(self.app, settings, run_scheduler=False))
        self.token = w.token()
        for person in (ALICE, OLIVE):
            assert self.teams.post(w.install(person), self.token).status_code == 200
        self.app.cycle.open_round(Period.parse(PERIOD), actor=OLIVE)
        self.chat = w.personal_chat(ALICE)
        [self.request_card] = w.connector.sent_to(self.chat)
        self.card = self.request_card.cards[0]

    def activity(self, case: dict[str, Any]) -> dict[str, Any] | bytes:
        spec = case["request"]
        kind = spec["kind"]
        if kind == "raw":
            return spec["body"].encode()
        if kind == "card":
            typed = card_values(self.card, spec.get("typed", {}))
            activity = self.w.submit(ALICE, self.card, {}, reply_to=self.request_card.activity_id)
            activity["value"] = typed
        elif kind == "text":
            activity = self.w.say(ALICE, spec["text"])
        elif kind == "install":
            activity = self.w.install(ALICE)
        elif kind == "invoke":  # an Adaptive Card Action.Execute
            activity = invoke_action_execute(verb=spec["verb"], data=spec.get("data", {}),
                                             **self.w.kwargs(ALICE, self.chat))  # fmt: skip
        else:
            raise ValueError(f"unknown request kind {kind!r}")
        return mutate(copy.deepcopy(activity), case)

    def post(self, activity: dict[str, Any] | bytes, token: str | None, **kwargs: Any) -> Any:
        """POST as Teams does; JSON with \\u escapes (so even a lone surrogate can be sent)."""
        body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
        return self.teams.post(body, token, **kwargs)

    def token_for(self, case: dict[str, Any]) -> str | None:
        fault = case.get("token", "valid")
        if fault == "none":
            return None
        return self.token if fault == "valid" else self.w.token(**{fault: True})

    def said_since(self, count: int) -> str:
        return "\n".join(json.dumps(s.activity, ensure_ascii=False) for s in self.w.connector.sent[count:])


@pytest.fixture(scope="module")
def teamside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Teamside]:
    with world(tmp_path_factory.mktemp("teams-corpus")) as w, pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))  # msal's own session trusts the test CA
        side = Teamside(w)
        yield side
        side.teams.close()


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_bad_teams_activities_are_refused_cleanly(teamside: Teamside, path: Path) -> None:
    case = load_case(path)
    expect = case["expect"]
    activity, token = teamside.activity(case), teamside.token_for(case)
    before, before_tables, sent = fingerprint(teamside.w.data), tables(teamside.w.data), len(teamside.w.connector.sent)
    with server_faults() as faults:
        response = teamside.post(activity, token, **({"authorization": case["authorization"]}
                                                      if "authorization" in case else {}))  # fmt: skip
    assert response.status_code == expect["status"], response.text[:300]
    assert not faults, describe(faults)
    told = response.text + "\n" + teamside.said_since(sent)
    for words in expect.get("says", []):
        assert words in told, f"{words!r} not in what perfbot said: {told[:600]}"
    for words in expect.get("never_says", []):
        assert words not in told, f"{words!r} in what perfbot said: {told[:600]}"
    if expect.get("changes", "nothing") == "nothing":
        assert fingerprint(teamside.w.data) == before, "a refused activity changed the data directory"
    else:
        assert expect["changes"] == "conversation-ref"
        assert set(changed(before_tables, tables(teamside.w.data))) <= {("core.json", "platform_state")}


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.stem)
def test_hostile_text_from_teams_is_stored_verbatim(tmp_path: Path, path: Path) -> None:
    case = load_case(path)
    with world(tmp_path) as w, pytest.MonkeyPatch.context() as patch:
        patch.setenv("REQUESTS_CA_BUNDLE", str(w.ca.cert_path))
        side = Teamside(w)
        try:
            with server_faults() as faults:
                response = side.post(side.activity(case), side.token)
            assert response.status_code == case["expect"]["status"] and not faults, describe(faults)
            for measure_id, fields in case["expect"]["stored"].items():
                stored = side.app.store.returns.get(measure_id, Period.parse(PERIOD))
                assert stored is not None, f"{measure_id} was not stored"
                assert {name: getattr(stored, name) for name in fields} == fields
            assert_open_data_is_formula_safe(side.app, Period.parse(PERIOD), case["expect"]["stored"])
        finally:
            side.teams.close()
