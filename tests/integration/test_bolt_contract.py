"""The parts of slack-bolt perfbot relies on, through bolt's public API, with real signed requests.

`bot.slack` builds one bolt `App` (`bot.slack.app`): it checks signatures itself with slack_sdk's
`SignatureVerifier` before bolt sees a request, hands bolt the payload it has already parsed as a
`BoltRequest`, answers in the request's thread (`process_before_response`) and runs work after
the ack as lazy listeners. If a bolt upgrade changes any of that, these tests say which part.
Requests are signed by `tests.fakes.slack_signing` as Slack signs them; no network is used
(`authorize` answers for the workspace, so bolt never calls `auth.test`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.signature import SignatureVerifier

from bot.slack.app import once_per_event
from bot.slack.inbound import accepted
from perfbot.store import Store
from tests.fakes import slack_signing as signing

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
VIEW = {"id": "V0CONTRACT", "type": "modal", "callback_id": "returns", "private_metadata": "{}",
        "title": {"type": "plain_text", "text": "Returns"},
        "blocks": [{"type": "input", "block_id": "value:CS01", "label": {"type": "plain_text", "text": "CS01"},
                    "element": {"type": "plain_text_input", "action_id": "input"}}]}  # fmt: skip
MESSAGE = {"ts": "1767780000.000100", "type": "message", "text": "Your returns",
           "blocks": [{"type": "actions", "block_id": "open", "elements": [
               {"type": "button", "action_id": "open_returns", "value": "CS01",
                "text": {"type": "plain_text", "text": "Submit returns"}}]}]}  # fmt: skip


def _authorize(**_: Any) -> AuthorizeResult:
    return AuthorizeResult(enterprise_id=None, team_id=signing.TEAM_ID, bot_user_id=signing.BOT_USER_ID,
                           bot_id=signing.BOT_ID, bot_token="xoxb-contract")  # fmt: skip


@pytest.fixture
def pool() -> Iterator[ThreadPoolExecutor]:
    executor = ThreadPoolExecutor(4, thread_name_prefix="contract-listener")
    yield executor
    executor.shutdown(wait=True)


@pytest.fixture
def bolt(pool: ThreadPoolExecutor) -> App:
    """A bolt App set up as perfbot's (`bot.slack.app.build`), without perfbot's listeners."""
    return App(signing_secret=SECRET, authorize=_authorize, process_before_response=True,
               request_verification_enabled=False, listener_executor=pool)  # fmt: skip


def as_perfbot_hands_it(request: signing.SignedRequest) -> BoltRequest:
    """What `bot.slack.http` gives bolt: the payload it parsed and checked, and the headers."""
    payload = accepted(request.body, request.headers["Content-Type"])
    assert isinstance(payload, dict), payload
    return BoltRequest(body=payload, headers=request.headers, mode="socket_mode")  # type: ignore[arg-type]


def as_bolt_reads_it(request: signing.SignedRequest) -> BoltRequest:
    """What bolt's own adapters give it: the raw body, which bolt parses."""
    return BoltRequest(body=request.body.decode(), headers=request.headers)  # type: ignore[arg-type]


def answered(response: BoltResponse) -> Any:
    """The answer's body as Slack reads it: JSON, or "" for a bare ack."""
    return json.loads(response.body) if response.body else ""


SIGNED: dict[str, Callable[[], signing.SignedRequest]] = {
    "slash command": lambda: signing.slash_command(signing_secret=SECRET, text="status"),
    "block_actions": lambda: signing.block_actions(signing_secret=SECRET, action_id="open_returns",
                                                   message=MESSAGE),  # fmt: skip
    "view_submission": lambda: signing.view_submission(signing_secret=SECRET, view=VIEW,
                                                       answers={"value:CS01": {"input": "91"}}),  # fmt: skip
    "event": lambda: signing.message_event(signing_secret=SECRET, text="CS01 91"),
}


# -- BoltRequest and BoltResponse ----------------------------------------------------------------


@pytest.mark.parametrize("kind", SIGNED)
def test_a_request_built_from_the_parsed_payload_is_the_one_bolt_builds_from_the_raw_body(kind: str) -> None:
    request = SIGNED[kind]()
    ours, bolts = as_perfbot_hands_it(request), as_bolt_reads_it(request)
    assert ours.body == bolts.body == request.payload()
    for key in ("team_id", "user_id", "channel_id", "response_url", "enterprise_id"):
        assert ours.context.get(key) == bolts.context.get(key), key
    assert ours.context.user_id == signing.USER_ID
    assert ours.headers["x-slack-signature"] == bolts.headers["x-slack-signature"]


def test_bolt_takes_a_parsed_body_only_as_a_socket_mode_request() -> None:
    """Why `bot.slack.http` says mode="socket_mode": over HTTP bolt insists on the raw text."""
    from slack_bolt.error import BoltError

    with pytest.raises(BoltError):
        BoltRequest(body={"type": "block_actions"})


def test_a_bolt_response_goes_out_through_the_starlette_adapter() -> None:
    bare = to_starlette_response(BoltResponse(status=200, body=""))
    assert bare.status_code == 200 and bare.body == b""
    errors = to_starlette_response(BoltResponse(status=200, body={"response_action": "errors", "errors": {"b": "x"}}))
    assert json.loads(errors.body) == {"response_action": "errors", "errors": {"b": "x"}}
    assert errors.headers["content-type"].startswith("application/json")
    refused = to_starlette_response(BoltResponse(status=503, body=""))
    assert refused.status_code == 503


# -- ack semantics -------------------------------------------------------------------------------


def test_a_slash_command_is_answered_with_what_its_ack_says(bolt: App) -> None:
    @bolt.command("/perf")
    def perf(ack: Callable[..., Any], command: dict[str, Any]) -> None:
        ack(text=f"you asked for {command['text']}", response_type="ephemeral")

    response = bolt.dispatch(as_perfbot_hands_it(SIGNED["slash command"]()))
    assert response.status == 200
    assert answered(response) == {"text": "you asked for status", "response_type": "ephemeral"}


def test_the_answer_goes_back_before_lazy_work_which_runs_in_the_listener_pool(bolt: App) -> None:
    """`bot.slack.after_ack`: the ack is returned while the work is still waiting to start."""
    may_start, done = threading.Event(), threading.Event()
    seen: dict[str, Any] = {}

    def ack_at_once(ack: Callable[..., Any]) -> None:
        ack()

    def work(body: dict[str, Any], action: dict[str, Any]) -> None:
        may_start.wait(5)
        seen.update(thread=threading.current_thread().name, user=body["user"]["id"], action=action["action_id"])
        done.set()

    bolt.action("open_returns")(ack=ack_at_once, lazy=[work])
    response = bolt.dispatch(as_perfbot_hands_it(SIGNED["block_actions"]()))
    assert response.status == 200 and answered(response) == ""
    assert not done.is_set()  # answered without waiting for the work
    may_start.set()
    assert done.wait(5)
    assert seen == {"thread": seen["thread"], "user": signing.USER_ID, "action": "open_returns"}
    assert seen["thread"].startswith("contract-listener")


def test_a_view_submission_ack_carries_field_errors_or_closes_the_modal(bolt: App) -> None:
    replies: list[dict[str, Any]] = [{"response_action": "errors", "errors": {"value:CS01": "Enter a number"}}, {}]

    @bolt.view("returns")
    def submitted(ack: Callable[..., Any], view: dict[str, Any]) -> None:
        assert view["state"]["values"]["value:CS01"]["input"]["value"] == "91"
        ack(**replies.pop(0))

    refused = bolt.dispatch(as_perfbot_hands_it(SIGNED["view_submission"]()))
    assert refused.status == 200
    assert answered(refused) == {"response_action": "errors", "errors": {"value:CS01": "Enter a number"}}
    closed = bolt.dispatch(as_perfbot_hands_it(SIGNED["view_submission"]()))
    assert closed.status == 200 and answered(closed) == ""


def test_an_event_is_acked_by_bolt_even_when_its_listener_does_not_ack(bolt: App) -> None:
    heard: list[str] = []

    @bolt.event("message")
    def on_message(event: dict[str, Any]) -> None:
        heard.append(event["text"])

    response = bolt.dispatch(as_perfbot_hands_it(SIGNED["event"]()))
    assert response.status == 200 and heard == ["CS01 91"]


def test_a_listener_error_reaches_the_apps_error_handler_whose_response_is_sent(bolt: App) -> None:
    """`bot.slack.app._log_error` answers 503 when Slack's API is unreachable."""

    @bolt.command("/perf")
    def perf(ack: Callable[..., Any]) -> None:
        raise ConnectionRefusedError("Slack is unreachable")

    @bolt.error
    def unreachable(error: Exception, response: BoltResponse | None) -> BoltResponse:
        assert isinstance(error, ConnectionRefusedError)
        return BoltResponse(status=503, body="")

    assert bolt.dispatch(as_perfbot_hands_it(SIGNED["slash command"]())).status == 503


# -- signatures ----------------------------------------------------------------------------------


def test_the_verifier_accepts_slacks_signature_and_refuses_a_bad_or_stale_one() -> None:
    verifier = SignatureVerifier(SECRET)
    good = SIGNED["slash command"]()
    assert verifier.is_valid_request(good.body, good.headers)
    assert not verifier.is_valid_request(good.body + b"&text=chase", good.headers)  # body changed
    assert not verifier.is_valid_request(good.body, good.headers | {"X-Slack-Signature": "v0=" + "0" * 64})
    stale = signing.slash_command(signing_secret=SECRET, timestamp=int(time.time()) - 6 * 60)
    assert not verifier.is_valid_request(stale.body, stale.headers)
    other = signing.slash_command(signing_secret="not-" + SECRET)
    assert not verifier.is_valid_request(other.body, other.headers)
    unsigned = {k: v for k, v in good.headers.items() if k != "X-Slack-Signature"}
    assert not verifier.is_valid_request(good.body, unsigned)


def test_the_verifier_raises_on_junk_headers_which_perfbot_catches() -> None:
    """Why `bot.slack.http.signed_by_slack` catches ValueError and TypeError (else a 500)."""
    verifier = SignatureVerifier(SECRET)
    good = SIGNED["slash command"]()
    with pytest.raises(ValueError):
        verifier.is_valid_request(good.body, good.headers | {"X-Slack-Request-Timestamp": "yesterday"})
    with pytest.raises(TypeError):
        verifier.is_valid_request(good.body, good.headers | {"X-Slack-Signature": "v0=é"})


def test_bolts_own_check_refuses_bad_or_stale_signatures_when_it_is_on(pool: ThreadPoolExecutor) -> None:
    checking = App(signing_secret=SECRET, authorize=_authorize, listener_executor=pool)
    checking.command("/perf")(lambda ack: ack())
    good = SIGNED["slash command"]()
    assert checking.dispatch(as_bolt_reads_it(good)).status == 200
    stale = signing.slash_command(signing_secret=SECRET, timestamp=int(time.time()) - 6 * 60)
    assert checking.dispatch(as_bolt_reads_it(stale)).status == 401
    forged = signing.slash_command(signing_secret="not-" + SECRET)
    assert checking.dispatch(as_bolt_reads_it(forged)).status == 401


def test_with_its_check_off_bolt_trusts_what_it_is_given_so_perfbot_checks_first(bolt: App) -> None:
    bolt.command("/perf")(lambda ack: ack())
    forged = signing.slash_command(signing_secret="not-" + SECRET)
    assert bolt.dispatch(as_perfbot_hands_it(forged)).status == 200
    assert not SignatureVerifier(SECRET).is_valid_request(forged.body, forged.headers)


# -- retries and the handshake -------------------------------------------------------------------


def test_bolt_hands_slacks_retries_to_the_listener_again_so_perfbot_drops_them(
    bolt: App, tmp_path: Path
) -> None:
    heard: list[str | None] = []

    @bolt.event("message")
    def on_message(request: BoltRequest) -> None:
        heard.append((request.headers.get("x-slack-retry-num") or [None])[0])

    event = {"type": "message", "channel": signing.dm_channel_id(signing.USER_ID), "user": signing.USER_ID,
             "text": "CS01 91", "ts": signing.new_ts(), "channel_type": "im"}  # fmt: skip
    first = signing.event_callback(signing_secret=SECRET, event=event, event_id="Ev0CONTRACT")
    retry = signing.event_callback(signing_secret=SECRET, event=event, event_id="Ev0CONTRACT", retry_num=1)
    for request in (first, retry):
        assert bolt.dispatch(as_perfbot_hands_it(request)).status == 200
    assert heard == [None, "1"]  # bolt itself does not de-duplicate

    heard.clear()
    bolt.middleware(once_per_event(Store.open(tmp_path / "data").chat))
    again = signing.event_callback(signing_secret=SECRET, event=event, event_id="Ev0CONTRACT2")
    retried = signing.event_callback(signing_secret=SECRET, event=event, event_id="Ev0CONTRACT2", retry_num=1)
    assert [bolt.dispatch(as_perfbot_hands_it(r)).status for r in (again, retried)] == [200, 200]
    assert heard == [None]  # acked, and handled once


def test_bolt_answers_slacks_url_verification_itself(bolt: App) -> None:
    request = signing.url_verification(signing_secret=SECRET, challenge="ch-4lL3nge")
    response = bolt.dispatch(as_perfbot_hands_it(request))
    assert response.status == 200 and answered(response) == {"challenge": "ch-4lL3nge"}
