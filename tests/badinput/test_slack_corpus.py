"""Every malformed or hostile Slack request in `slack/` gets a clear refusal, changes nothing.

Each request goes through the real stack: signed, POSTed over HTTP to `/slack/events` of perfbot's
ASGI app on uvicorn, with perfbot's real Slack client talking to the strict fake Slack API. A
case says what to send (`request` — built from a real payload: Jo's opened returns modal, the
request DM's button, a DM, a slash command … — then `set`/`delete` applied at JSON Pointers, and
`signing` to spoil the signature) and what must happen (`expect`):

* `status`: the HTTP answer. Slack's protocol wants 200 for an interaction perfbot understood,
  so a refused figure is a 200 carrying `response_action: errors`; a request perfbot cannot read
  at all is a 400, a forged or stale one a 401 (an event perfbot never subscribed to gets
  bolt's own 404);
* `says`: text the person is shown — in the HTTP answer or in what perfbot then posts to Slack;
* `changes`: "nothing" — the data directory is byte for byte as it was — or "event-dedupe": Slack
  event ids are recorded (`chat_handled`) before an event is handled, so Slack's retries are not
  handled twice (see `bot/slack/app.py`); that record, and nothing else, may be new.

Never a 500, and never an exception in the server log. Cases whose `expect` has `stored` are
hostile text that is legitimately accepted: it must be stored verbatim, and every message
perfbot posts to Slack, the CMT digest's Block Kit and the open-data CSV must show it inert.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import bot.slack.app as slack_app
from bot.slack.digest_blocks import render_blockkit
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
from tests.fakes import slack_signing as signing
from tests.integration.test_slack_support import (
    JO_DM,
    JO_ID,
    OFFICER_ID,
    PERIOD,
    SAM_ID,
    SECRET,
    SlackWorld,
    opened_view,
    settle,
    start_fake,
    wait_until,
)

CORPUS = Path(__file__).parent / "slack"
PEOPLE = {"jo": JO_ID, "sam": SAM_ID, "officer": OFFICER_ID, "stranger": "U0STRANGER"}
REFUSED = [p for p in cases(CORPUS) if "stored" not in load_case(p)["expect"]]
ACCEPTED = [p for p in cases(CORPUS) if "stored" in load_case(p)["expect"]]
BOLT_APP = slack_app.BoltApp
MENTIONS = ("<!channel>", "<!here>", "<!everyone>", "<@U", "<#C", "<!subteam")


class Listeners(ThreadPoolExecutor):
    """bolt's listener pool, counting work in flight so a test can wait for the after-ack part."""

    def __init__(self) -> None:
        super().__init__(max_workers=8, thread_name_prefix="bolt-listener")
        self._busy = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201 - Executor's
        with self._idle:
            self._busy += 1
        return super().submit(self._run, fn, *args, **kwargs)

    def _run(self, fn, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        try:
            return fn(*args, **kwargs)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> None:
        with self._idle:
            assert self._idle.wait_for(lambda: self._busy == 0, timeout), "a listener is still running"


def _counted_bolt(listeners: Listeners) -> type:
    """bolt's App running its listeners in `listeners` (perfbot's `bot.slack.app.build` makes the app)."""

    class Counted(BOLT_APP):  # type: ignore[misc, valid-type]
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**(kwargs | {"listener_executor": listeners}))

    return Counted


class Slackside:
    """A served perfbot with an open round, Jo's returns modal opened, and the listener pool."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.listeners = Listeners()
        monkeypatch.setattr(slack_app, "BoltApp", _counted_bolt(self.listeners))
        self.fake = start_fake()
        self.world = SlackWorld(tmp_path, self.fake)
        self.world.open_round()
        self.data = tmp_path / "data"
        self.dm = self.world.request_dm(JO_DM)
        assert self.world.click(self.dm, "open_returns", user_id=JO_ID).status_code == 200
        self.view = opened_view(self.fake)
        # Jo replies in the request's thread; perfbot's answer carries a "Save it" button.
        reply = signing.message_event(signing_secret=SECRET, text="CS02 96", user_id=JO_ID, thread_ts=self.dm["ts"])
        assert self.world.send(reply).status_code == 200
        self.listeners.wait_idle()
        self.offer = self.fake.messages(JO_DM, thread_ts=self.dm["ts"])[-1]
        assert "Save it" in json.dumps(self.offer["blocks"])

    def wait_done(self) -> None:
        """Until the work after the ack is done, and the Slack calls it queued have been made (the
        ack no longer waits on bolt's 10 ms poll, which used to give those calls time to start)."""
        self.listeners.wait_idle()
        settle(self.fake)

    def close(self) -> None:
        self.world.close()
        self.fake.stop()
        self.listeners.shutdown(wait=True)

    # -- building a case's request ---------------------------------------------------------
    def request(self, case: dict[str, Any]) -> signing.SignedRequest:
        spec = case["request"]
        kind, user = spec["kind"], PEOPLE[spec.get("user", "jo")]
        if kind == "raw":
            return self._sign(spec["body"].encode("utf-8", "surrogatepass"), spec["content_type"], case)
        if kind == "json":
            return self._sign(json.dumps(spec["body"]).encode(), signing.JSON, case)
        base = self._base(kind, spec, user)
        payload = mutate(base.payload(), case)
        if base.headers["Content-Type"] == signing.JSON:
            return self._sign(json.dumps(payload).encode(), signing.JSON, case)
        if kind == "command":
            return self._sign(urllib.parse.urlencode(payload).encode(), signing.FORM, case)
        return self._sign(urllib.parse.urlencode({"payload": json.dumps(payload)}).encode(), signing.FORM, case)

    def _base(self, kind: str, spec: dict[str, Any], user: str) -> signing.SignedRequest:
        s = SECRET
        if kind == "view_submission":
            typed = {block: {"input": text} for block, text in spec.get("answers", {}).items()}
            return signing.view_submission(signing_secret=s, view=self.view, answers=typed, user_id=user)
        if kind == "block_actions":  # a button on the request DM, or on perfbot's answer to a reply
            message = self.offer if spec["action_id"] == "confirm_reply" else self.dm
            if spec["action_id"] not in json.dumps(message.get("blocks")):
                message = {**message, "blocks": []}  # a button perfbot never drew there
            return signing.block_actions(signing_secret=s, action_id=spec["action_id"], message=message,
                                         user_id=user, value=spec.get("value"))  # fmt: skip
        if kind == "message":
            return signing.message_event(signing_secret=s, text=spec["text"], user_id=user,
                                         thread_ts=self.dm["ts"] if spec.get("in_thread") else None)  # fmt: skip
        if kind == "event":
            return signing.event_callback(signing_secret=s, event=spec["event"])
        if kind == "command":
            return signing.slash_command(signing_secret=s, text=spec["text"], user_id=user,
                                         response_url=self.fake.response_url())  # fmt: skip
        if kind == "shortcut":
            return signing.shortcut(signing_secret=s, callback_id=spec["callback_id"], user_id=user)
        raise ValueError(f"unknown request kind {kind!r}")

    def _sign(self, body: bytes, content_type: str, case: dict[str, Any]) -> signing.SignedRequest:
        spoil = case.get("signing") or {}
        timestamp = int(time.time()) + spoil.get("timestamp_offset", 0)
        headers = {"Content-Type": content_type, "User-Agent": signing.USER_AGENT,
                   **signing.sign(SECRET, body, timestamp)}  # fmt: skip
        for name, value in (spoil.get("headers") or {}).items():
            if value is None:
                headers.pop(name, None)
            else:  # as bytes when not ASCII: httpx sends those as they are
                headers[name] = value if value.isascii() else value.encode()
        return signing.SignedRequest(body, headers)

    # -- what perfbot told Slack -------------------------------------------------------------
    def mark(self) -> tuple[dict[str, int], int]:
        return self.fake.counts(), len(self.fake.response_url_posts())

    def said_since(self, mark: tuple[dict[str, int], int]) -> str:
        """Every call perfbot made to Slack since `mark` (and response-URL posts), as text."""
        counts, posts = mark
        said = []
        for method in self.fake.counts():
            said += [json.dumps(call.body, ensure_ascii=False) for call in self.fake.calls(method)[counts.get(method, 0):]]
        said += [json.dumps(post, ensure_ascii=False) for post in self.fake.response_url_posts()[posts:]]
        return "\n".join(said)


@pytest.fixture(scope="module")
def slackside(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slackside]:
    with pytest.MonkeyPatch.context() as patch:
        side = Slackside(tmp_path_factory.mktemp("slack-corpus"), patch)
        yield side
        side.close()
        assert not side.fake.crashes, side.fake.crashes[0]


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_bad_slack_requests_are_refused_cleanly(slackside: Slackside, path: Path) -> None:
    case = load_case(path)
    expect = case["expect"]
    request = slackside.request(case)
    before, before_tables = fingerprint(slackside.data), tables(slackside.data)
    mark = slackside.mark()
    with server_faults() as faults:
        response = slackside.world.send(request)
        slackside.listeners.wait_idle()
    assert response.status_code == expect["status"], response.text[:300]
    assert not faults, describe(faults)
    def told() -> str:
        return response.text + "\n" + slackside.said_since(mark)

    with contextlib.suppress(TimeoutError):  # what is said after the ack may wait for a rate tier's slot
        wait_until(lambda: all(words in told() for words in expect.get("says", [])))
    for words in expect.get("says", []):
        assert words in told(), f"{words!r} not in what perfbot said: {told()[:600]}"
    for words in expect.get("never_says", []):
        assert words not in told(), f"{words!r} in what perfbot said: {told()[:600]}"
    if response.status_code == 200 and "response_action" in response.text:
        assert response.json()["response_action"] in ("errors", "update")
    if expect.get("changes", "nothing") == "nothing":
        assert fingerprint(slackside.data) == before, "a refused request changed the data directory"
    else:
        assert expect["changes"] == "event-dedupe"
        new = changed(before_tables, tables(slackside.data))
        assert set(new) <= {("core.json", "chat_handled")}, new
        assert all(doc["key"].startswith("slack-event:") for doc in new.get(("core.json", "chat_handled"), []))


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.stem)
def test_hostile_text_is_stored_verbatim_and_shown_inert(tmp_path: Path, path: Path) -> None:
    case = load_case(path)
    with pytest.MonkeyPatch.context() as patch:
        side = Slackside(tmp_path, patch)
        try:
            _accept(side, case)
        finally:
            side.close()


def _accept(side: Slackside, case: dict[str, Any]) -> None:
    mark = side.mark()
    with server_faults() as faults:
        response = side.world.send(side.request(case))
        side.wait_done()
    assert response.status_code == case["expect"]["status"] and not faults, (response.text, describe(faults))
    app = side.world.app
    for measure_id, fields in case["expect"]["stored"].items():
        stored = app.store.returns.get(measure_id, PERIOD)
        assert stored is not None, f"{measure_id} was not stored"
        for name, text in fields.items():
            assert getattr(stored, name) == text  # verbatim: nothing stripped, escaped or added
    try:  # the DMs and Home tab are redrawn after the ack, in the background
        told = wait_until(lambda: side.said_since(mark), timeout=10)
    except TimeoutError:
        pytest.fail("perfbot said nothing in Slack after storing the return")
    digest = json.dumps(render_blockkit(app.digest(PERIOD)).main, ensure_ascii=False)
    for text in (told, digest):
        assert not any(m in text for m in MENTIONS) and "<script" not in text, text[:500]
    for words in case["expect"].get("digest_shows", []):
        assert words in digest
    assert_open_data_is_formula_safe(app, PERIOD, case["expect"]["stored"])


SOCKET_MODE = [p for p in REFUSED if load_case(p)["expect"]["status"] == 400
               and load_case(p)["request"]["kind"] not in ("raw", "json")]  # fmt: skip


class _SocketClient:
    """Stands in for the Socket Mode connection: keeps the acknowledgements perfbot sends."""

    def __init__(self) -> None:
        self.responses: list[Any] = []

    def send_socket_mode_response(self, response: Any) -> None:
        self.responses.append(response)


def test_malformed_payloads_over_socket_mode_are_acknowledged_and_dropped(slackside: Slackside) -> None:
    """The same payloads arriving over Socket Mode (`perfbot slack socket`): each is acknowledged
    (so Slack does not resend it), logged, and never reaches bolt."""
    from slack_sdk.socket_mode.request import SocketModeRequest

    from bot.slack.client import SlackApi, make_client
    from bot.slack.socket import socket_handler

    settings = replace(slackside.world.settings.slack, app_token="xapp-1-test")
    api = SlackApi(make_client(settings))
    handler = socket_handler(slackside.world.app, settings, api=api)  # (not connected: nothing is sent to Slack)
    dispatched: list[Any] = []
    handler.app.dispatch = dispatched.append  # type: ignore[method-assign]
    client = _SocketClient()
    before = fingerprint(slackside.data)
    with server_faults() as faults:
        for number, path in enumerate(SOCKET_MODE):
            payload = slackside.request(load_case(path)).payload()
            handler.handle(client, SocketModeRequest(type="interactive", envelope_id=f"env-{number}", payload=payload))
    assert not dispatched and not faults, describe(faults)
    assert [r.envelope_id for r in client.responses] == [f"env-{n}" for n in range(len(SOCKET_MODE))]
    assert fingerprint(slackside.data) == before

