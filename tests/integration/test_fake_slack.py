"""The fake Slack Web API and the signed-request builders, exercised with the real slack_sdk."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient, WebhookClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web import SlackResponse

from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlackAPI, serve_fake_slack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
JO, JO_EMAIL = "U0JOBLOGS1", "jo.bloggs@council.example"
JO_DM = signing.dm_channel_id(JO)


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    yield from serve_fake_slack()


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    fake.add_user(JO_EMAIL, JO, "Jo Bloggs")
    return fake.client()


def refused(call: Callable[[], Any]) -> SlackResponse:
    """The error response of a call that must fail."""
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response


def error_of(call: Callable[[], Any]) -> str:
    """The Slack ``error`` code of a call that must fail."""
    return refused(call)["error"]


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def section(text: str, **extra: Any) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}, **extra}


def button(text: str, action_id: str = "go", **extra: Any) -> dict[str, Any]:
    return {"type": "button", "text": plain(text), "action_id": action_id, **extra}


def text_input(label: str, **element: Any) -> dict[str, Any]:
    return {
        "type": "input",
        "label": plain(label),
        "element": {"type": "plain_text_input", **element},
    }


def modal(*blocks: dict[str, Any], **extra: Any) -> dict[str, Any]:
    view = {"type": "modal", "title": plain("Quarterly return"), "submit": plain("Send")}
    return {**view, "blocks": list(blocks), **extra}


# --- tokens, scopes, body formats ---------------------------------------------------------------


def test_auth_test_answers_the_workspace_identity(client: WebClient, fake: FakeSlackAPI) -> None:
    answer = client.auth_test()
    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == (
        signing.TEAM_ID,
        signing.BOT_USER_ID,
        signing.BOT_ID,
    )
    assert fake.calls("auth.test")[0].headers["authorization"] == f"Bearer {fake.token}"


@pytest.mark.parametrize(
    ("token", "error"),
    [
        ("xoxb-invalid", "invalid_auth"),
        ("xoxb-1-2-someone-elses-token", "invalid_auth"),
        ("not-a-slack-token", "invalid_auth"),
        (None, "not_authed"),
    ],
)
def test_bad_tokens_are_refused(fake: FakeSlackAPI, token: str | None, error: str) -> None:
    response = refused(WebClient(token=token, base_url=fake.base_url).auth_test)
    assert (response.status_code, response["error"]) == (200, error)


def test_a_revoked_token_answers_token_revoked(client: WebClient, fake: FakeSlackAPI) -> None:
    client.auth_test()
    fake.revoke(fake.token)
    assert error_of(client.auth_test) == "token_revoked"


def test_token_may_travel_in_a_form_body(fake: FakeSlackAPI) -> None:
    tokenless = WebClient(base_url=fake.base_url)
    assert tokenless.api_call("auth.test", params={"token": fake.token})["ok"] is True


def test_missing_scope_names_the_needed_one() -> None:
    with FakeSlackAPI(scopes=["chat:write"]) as narrow:
        narrow.add_user(JO_EMAIL, JO, "Jo Bloggs")
        response = refused(lambda: narrow.client().users_lookupByEmail(email=JO_EMAIL))
    assert (response["error"], response["needed"]) == ("missing_scope", "users:read.email")


def test_slack_sdk_sends_json_to_write_methods_and_forms_to_read_methods(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    client.users_lookupByEmail(email=JO_EMAIL)
    client.chat_postMessage(channel=JO, text="Your Q3 return is due")
    lookup, post = fake.calls("users.lookupByEmail")[0], fake.calls("chat.postMessage")[0]
    assert lookup.headers["content-type"] == "application/x-www-form-urlencoded"
    assert lookup.body == {"email": JO_EMAIL}
    assert post.headers["content-type"] == "application/json;charset=utf-8"
    assert post.body == {"channel": JO, "text": "Your Q3 return is due"}


def test_read_methods_ignore_json_arguments(client: WebClient) -> None:
    response = refused(lambda: client.api_call("users.lookupByEmail", json={"email": JO_EMAIL}))
    assert response["error"] == "invalid_arguments"


def test_unknown_method_is_404(client: WebClient) -> None:
    response = refused(lambda: client.api_call("chat.postMesage"))
    assert (response.status_code, response["error"]) == (404, "unknown_method")


# --- users and conversations --------------------------------------------------------------------


def test_users_are_found_by_email_case_insensitively(client: WebClient) -> None:
    user = client.users_lookupByEmail(email="Jo.Bloggs@Council.Example")["user"]
    assert (user["id"], user["profile"]["email"], user["real_name"]) == (JO, JO_EMAIL, "Jo Bloggs")
    assert client.users_info(user=JO)["user"]["name"] == "jo.bloggs"


def test_unknown_people_are_not_found(client: WebClient) -> None:
    nobody = "nobody@x.example"
    assert error_of(lambda: client.users_lookupByEmail(email=nobody)) == "users_not_found"
    assert error_of(lambda: client.users_info(user="U0NOBODY")) == "user_not_found"
    assert error_of(lambda: client.conversations_open(users="U0NOBODY")) == "user_not_found"


def test_conversations_open_gives_one_dm_per_person(client: WebClient, fake: FakeSlackAPI) -> None:
    first = client.conversations_open(users=JO)
    again = client.conversations_open(users=JO)
    assert first["channel"]["id"] == again["channel"]["id"] == JO_DM
    assert (first["already_open"], again["already_open"]) == (False, True)
    fake.add_user("gone@council.example", "U0GONE", "Gone", deleted=True)
    assert error_of(lambda: client.conversations_open(users="U0GONE")) == "user_disabled"


def test_conversations_list_pages_and_hides_private_channels_the_bot_is_not_in(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    for n in range(3):
        fake.add_channel(f"C0PUB{n}", f"perf-{n}")
    fake.add_channel("C0SECRET", "secret", is_private=True, is_member=False)
    # slack_sdk's paginator yields the same SlackResponse, mutated: read each page in the loop.
    pages = client.conversations_list(limit=2, types="public_channel,private_channel")
    assert [[c["name"] for c in page["channels"]] for page in pages] == [
        ["perf-0", "perf-1"],
        ["perf-2"],
    ]
    assert client.conversations_info(channel="C0PUB1")["channel"]["name"] == "perf-1"
    assert error_of(lambda: client.conversations_info(channel="C0SECRET")) == "channel_not_found"


# --- messages -----------------------------------------------------------------------------------


def test_messages_are_recorded_with_unique_increasing_ts_and_threads(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    parent = client.chat_postMessage(channel=JO, text="Q3 return due", blocks=[section("Due")])
    replies = [client.chat_postMessage(channel=JO_DM, text=t, thread_ts=parent["ts"]) for t in "ab"]
    stamps = [Decimal(r["ts"]) for r in (parent, *replies)]
    assert parent["channel"] == JO_DM and stamps == sorted(set(stamps))
    assert [m["text"] for m in fake.messages(JO_DM, thread_ts=parent["ts"])] == [
        "Q3 return due",
        "a",
        "b",
    ]
    assert fake.messages(JO_DM)[0]["reply_count"] == 2
    assert fake.messages(JO_DM)[0]["blocks"][0]["block_id"]  # Slack fills missing block ids


def test_chat_update_replaces_content_and_refuses_others_messages(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    posted = client.chat_postMessage(channel=JO, text="Due", blocks=[section("Due")])
    client.chat_update(channel=JO_DM, ts=posted["ts"], text="Received, thank you")
    assert fake.messages(JO_DM)[0]["text"] == "Received, thank you"
    assert "blocks" not in fake.messages(JO_DM)[0]
    theirs = fake.add_message(JO_DM, text="here you go", user=JO)

    def update(ts: str, text: str = "x") -> str:
        return error_of(lambda: client.chat_update(channel=JO_DM, ts=ts, text=text))

    assert update(theirs["ts"]) == "cant_update_message"
    assert update("1.000001") == "message_not_found"
    assert update(posted["ts"], "x" * 4001) == "msg_too_long"


def test_ephemeral_messages_need_a_member(client: WebClient, fake: FakeSlackAPI) -> None:
    fake.add_user("sam@council.example", "U0SAM", "Sam")
    fake.add_channel("C0PERF", "performance", members=[JO])
    answer = client.chat_postEphemeral(channel="C0PERF", user=JO, text="Only you can see this")
    assert fake.ephemerals("C0PERF", user=JO)[0]["ts"] == answer["message_ts"]
    to_sam = {"channel": "C0PERF", "user": "U0SAM", "text": "x"}
    assert error_of(lambda: client.chat_postEphemeral(**to_sam)) == "user_not_in_channel"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"channel": "C0NOWHERE", "text": "x"}, "channel_not_found"),
        ({"channel": "C0OUTSIDE", "text": "x"}, "not_in_channel"),
        ({"channel": "C0PRIVATE", "text": "x"}, "channel_not_found"),
        ({"channel": "C0ARCHIVE", "text": "x"}, "is_archived"),
        ({"channel": JO}, "no_text"),
        ({"channel": JO, "text": "x" * 40_001}, "msg_too_long"),
        ({"channel": JO, "text": "x", "thread_ts": "1.000001"}, "thread_not_found"),
        ({"channel": JO, "text": "x", "blocks": "[not json"}, "invalid_blocks_format"),
    ],
)
def test_post_message_refusals(
    client: WebClient, fake: FakeSlackAPI, kwargs: dict[str, Any], error: str
) -> None:
    fake.add_channel("C0OUTSIDE", "outside", is_member=False)
    fake.add_channel("C0PRIVATE", "private", is_private=True, is_member=False)
    fake.add_channel("C0ARCHIVE", "archive", is_archived=True)
    assert error_of(lambda: client.api_call("chat.postMessage", json=kwargs)) == error
    assert fake.messages() == []


BAD_BLOCKS = {
    "51 blocks": (
        [{"type": "divider"}] * 51,
        "no more than 50 items allowed [json-pointer:/blocks]",
    ),
    "long section": (
        [section("x" * 3001)],
        "must be less than 3001 characters [json-pointer:/blocks/0/text/text]",
    ),
    "empty section": (
        [section("")],
        "must be more than 0 characters [json-pointer:/blocks/0/text/text]",
    ),
    "long header": (
        [{"type": "header", "text": plain("h" * 151)}],
        "must be less than 151 characters [json-pointer:/blocks/0/text/text]",
    ),
    "mrkdwn header": (
        [{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}],
        "failed to match all allowed schemas [json-pointer:/blocks/0/text]",
    ),
    "11 fields": (
        [{"type": "section", "fields": [plain("f")] * 11}],
        "no more than 10 items allowed [json-pointer:/blocks/0/fields]",
    ),
    "long field": (
        [{"type": "section", "fields": [plain("f" * 2001)]}],
        "must be less than 2001 characters [json-pointer:/blocks/0/fields/0/text]",
    ),
    "long button": (
        [{"type": "actions", "elements": [button("b" * 76)]}],
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]",
    ),
    "long action_id": (
        [{"type": "actions", "elements": [button("Go", "a" * 256)]}],
        "must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]",
    ),
    "same action_id twice in a block": (
        [{"type": "actions", "elements": [button("A", "go"), button("B", "go")]}],
        "duplicate action_id: go [json-pointer:/blocks/0/elements/1/action_id]",
    ),
    "long block_id": (
        [section("s", block_id="b" * 256)],
        "must be less than 256 characters [json-pointer:/blocks/0/block_id]",
    ),
    "duplicate block_id": (
        [section("a", block_id="b1"), section("b", block_id="b1")],
        "duplicate block_id: b1 [json-pointer:/blocks/1/block_id]",
    ),
    "unknown block type": ([{"type": "sparkle"}], "unsupported block type: sparkle"),
    "unknown property": ([section("s", colour="red")], "invalid additional property: colour"),
    "button in an input block": (
        [{"type": "input", "label": plain("L"), "element": button("Go")}],
        "element type 'button' is not allowed here [json-pointer:/blocks/0/element/type]",
    ),
}


@pytest.mark.parametrize(("blocks", "problem"), BAD_BLOCKS.values(), ids=BAD_BLOCKS.keys())
def test_invalid_blocks_are_refused_with_slacks_messages(
    client: WebClient, fake: FakeSlackAPI, blocks: list[dict[str, Any]], problem: str
) -> None:
    response = refused(lambda: client.chat_postMessage(channel=JO, text="fallback", blocks=blocks))
    assert response["error"] == "invalid_blocks"
    assert any(problem in m for m in response["response_metadata"]["messages"])
    assert all(m.startswith("[ERROR] ") for m in response["response_metadata"]["messages"])
    assert fake.messages() == []


def test_a_realistic_message_passes(client: WebClient, fake: FakeSlackAPI) -> None:
    blocks = [
        {"type": "header", "text": plain("Q3 2025/26 return")},
        section("*Missed bins per 100k*", accessory=button("Submit", "open_return", value="M1")),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f"*{n}*"} for n in range(10)]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "Due *31 Jan*"}]},
        {"type": "divider"},
        {
            "type": "actions",
            "elements": [button("Yes", "yes", style="primary"), button("No", "no")],
        },
    ]
    assert client.chat_postMessage(channel=JO, text="Q3 return", blocks=blocks)["ok"]
    assert len(fake.messages(JO_DM)[0]["blocks"]) == 6


# --- views --------------------------------------------------------------------------------------

BAD_VIEWS = {
    "long title": (
        modal(title=plain("t" * 25)),
        "must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    "no title": (
        {"type": "modal", "blocks": []},
        "missing required field: title [json-pointer:/view]",
    ),
    "long submit": (modal(submit=plain("s" * 25)), "[json-pointer:/view/submit/text]"),
    "long close": (modal(close=plain("c" * 25)), "[json-pointer:/view/close/text]"),
    "101 blocks": (
        modal(*[{"type": "divider"}] * 101),
        "no more than 100 items allowed [json-pointer:/view/blocks]",
    ),
    "long private_metadata": (
        modal(private_metadata="m" * 3001),
        "must be less than 3001 characters [json-pointer:/view/private_metadata]",
    ),
    "long callback_id": (modal(callback_id="c" * 256), "[json-pointer:/view/callback_id]"),
    "input without submit": (
        {"type": "modal", "title": plain("Return"), "blocks": [text_input("Value")]},
        "submit is required",
    ),
    "max_length over 3000": (
        modal(text_input("Commentary", max_length=3001)),
        "[json-pointer:/view/blocks/0/element/max_length]",
    ),
    "duplicate block_id": (
        modal(
            text_input("A", action_id="a") | {"block_id": "v"}, text_input("B") | {"block_id": "v"}
        ),
        "duplicate block_id: v",
    ),
    "home view in views.open": (
        {"type": "home", "blocks": []},
        "must be one of the following: modal",
    ),
}


@pytest.mark.parametrize(("view", "problem"), BAD_VIEWS.values(), ids=BAD_VIEWS.keys())
def test_invalid_views_are_refused_with_slacks_messages(
    client: WebClient, fake: FakeSlackAPI, view: dict[str, Any], problem: str
) -> None:
    response = refused(lambda: client.views_open(trigger_id=signing.new_trigger_id(), view=view))
    assert response["error"] == "invalid_arguments"
    assert any(problem in m for m in response["response_metadata"]["messages"])
    assert fake.views() == []


def test_views_open_needs_a_fresh_well_formed_trigger(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    view, trigger = modal(text_input("Value")), signing.new_trigger_id()
    opened = client.views_open(trigger_id=trigger, view=view)["view"]
    assert opened["id"].startswith("V") and opened["root_view_id"] == opened["id"]
    assert error_of(lambda: client.views_open(trigger_id=trigger, view=view)) == (
        "exchanged_trigger_id"
    )
    assert error_of(lambda: client.views_open(trigger_id="abc", view=view)) == "invalid_trigger_id"
    stale = signing.new_trigger_id()
    fake.expire_trigger(stale)
    assert error_of(lambda: client.views_open(trigger_id=stale, view=view)) == "expired_trigger_id"
    assert (
        error_of(lambda: client.api_call("views.open", json={"view": view})) == "invalid_arguments"
    )
    assert [v["id"] for v in fake.views("modal")] == [opened["id"]]


def test_views_update_checks_hash_and_push_stacks_three_deep(client: WebClient) -> None:
    first = modal(section("1"))
    opened = client.views_open(trigger_id=signing.new_trigger_id(), view=first)["view"]
    update = modal(section("2"))
    stale_hash = {"view_id": opened["id"], "hash": "1.bad", "view": update}
    assert error_of(lambda: client.views_update(**stale_hash)) == "hash_conflict"
    updated = client.views_update(view_id=opened["id"], hash=opened["hash"], view=update)["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != opened["hash"]
    assert error_of(lambda: client.views_update(view_id="V0NOPE", view=update)) == "not_found"
    for _ in range(2):
        client.views_push(trigger_id=signing.new_trigger_id(), view=modal(section("pushed")))
    fourth = {"trigger_id": signing.new_trigger_id(), "view": update}
    assert error_of(lambda: client.views_push(**fourth)) == "push_limit_reached"


def test_views_publish_sets_the_home_tab(client: WebClient, fake: FakeSlackAPI) -> None:
    home = {"type": "home", "blocks": [section("Your returns: 2 due")]}
    published = client.views_publish(user_id=JO, view=home)["view"]
    again = client.views_publish(user_id=JO, view=home, hash=published["hash"])["view"]
    assert again["id"] == published["id"] and fake.home(JO)["hash"] == again["hash"]
    assert error_of(lambda: client.views_publish(user_id=JO, view=modal())) == "invalid_arguments"
    assert error_of(lambda: client.views_publish(user_id="U0NOBODY", view=home)) == "user_not_found"


# --- faults and rate limits ---------------------------------------------------------------------


def test_429_retry_after_is_honoured_by_slack_sdk(client: WebClient, fake: FakeSlackAPI) -> None:
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
    fake.fail_next("users.lookupByEmail", retry_after=1)
    started = time.perf_counter()
    assert client.users_lookupByEmail(email=JO_EMAIL)["user"]["id"] == JO
    assert time.perf_counter() - started >= 1.0
    assert [r.status for r in fake.responses("users.lookupByEmail")] == [429, 200]


def test_429_without_a_retry_handler_reaches_the_caller(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    fake.fail_next("chat.postMessage", retry_after=7)
    response = refused(lambda: client.chat_postMessage(channel=JO, text="x"))
    assert (response.status_code, response["error"]) == (429, "ratelimited")
    assert response.headers["Retry-After"] == "7"
    assert client.chat_postMessage(channel=JO, text="x")["ok"]


def test_5xx_is_retried_by_the_server_error_handler(client: WebClient, fake: FakeSlackAPI) -> None:
    fast = FixedValueRetryIntervalCalculator(0.01)
    client.retry_handlers.append(
        ServerErrorRetryHandler(max_retry_count=1, interval_calculator=fast)
    )
    fake.fail_next("*", status=503)
    assert client.conversations_open(users=JO)["channel"]["id"] == JO_DM
    assert [r.status for r in fake.responses("conversations.open")] == [503, 200]


def test_numeric_tokens_always_answer_that_status(fake: FakeSlackAPI) -> None:
    response = refused(fake.client(token="xoxb-429").auth_test)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    assert refused(fake.client(token="xoxb-500").auth_test).status_code == 500


def test_chaos_is_reproducible_with_a_seed(client: WebClient, fake: FakeSlackAPI) -> None:
    def statuses() -> list[int]:
        found = []
        for _ in range(40):
            try:
                found.append(client.auth_test().status_code)
            except SlackApiError as exc:
                found.append(exc.response.status_code)
        return found

    fake.chaos(rate_429=0.3, rate_500=0.1, seed=42)
    first = statuses()
    fake.chaos(rate_429=0.3, rate_500=0.1, seed=42)
    assert statuses() == first and {200, 429, 500} <= set(first)
    fake.chaos()
    assert set(statuses()) == {200}


def test_tiers_limit_per_minute_until_the_window_passes(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    fake.enforce_tiers(time_scale=0.01)  # Tier 2: 20 per "minute" of 0.6 s
    for _ in range(20):
        client.conversations_list()
    response = refused(client.conversations_list)
    # Retry-After is in Slack's seconds: most of the scaled minute is still to wait.
    assert response.status_code == 429 and 10 <= int(response.headers["Retry-After"]) <= 60
    time.sleep(0.65)
    assert client.conversations_list()["ok"]


def test_post_message_is_limited_per_channel(client: WebClient, fake: FakeSlackAPI) -> None:
    fake.enforce_tiers()  # one message per second per channel
    fake.add_channel("C0A", "a")
    fake.add_channel("C0B", "b")
    client.chat_postMessage(channel="C0A", text="1")
    client.chat_postMessage(channel="C0B", text="1")
    assert refused(lambda: client.chat_postMessage(channel="C0A", text="2")).status_code == 429
    assert [len(fake.messages(c)) for c in ("C0A", "C0B")] == [1, 1]


def test_wait_for_sees_calls_made_from_other_threads(client: WebClient, fake: FakeSlackAPI) -> None:
    threading.Timer(0.05, lambda: client.chat_postMessage(channel=JO, text="later")).start()
    assert fake.wait_for("chat.postMessage")[0].body["text"] == "later"
    with pytest.raises(TimeoutError):
        fake.wait_for("chat.update", timeout=0.05)


# --- response_url -------------------------------------------------------------------------------


def test_response_urls_take_five_valid_posts(fake: FakeSlackAPI) -> None:
    url = fake.response_url()
    webhook = WebhookClient(url)
    assert webhook.send(text="Thanks, received").status_code == 200
    bad = webhook.send(text="x", blocks=[{"type": "divider"}] * 51)
    assert (bad.status_code, bad.body) == (400, "invalid_blocks")
    for n in range(4):
        assert webhook.send(text=f"update {n}").status_code == 200
    assert (webhook.send(text="too many").status_code, len(fake.response_url_posts(url))) == (
        404,
        5,
    )
    assert fake.response_url_posts(url)[0]["text"] == "Thanks, received"


# --- signing helpers ----------------------------------------------------------------------------

RETURN_VIEW = modal(
    text_input("Value", action_id="value") | {"block_id": "value"},
    text_input("Commentary", action_id="commentary", multiline=True) | {"block_id": "commentary"},
    {
        "type": "input",
        "block_id": "rag",
        "label": plain("RAG"),
        "element": {
            "type": "static_select",
            "action_id": "rag",
            "options": [{"text": plain(c), "value": c.lower()} for c in ("Green", "Amber", "Red")],
        },
    },
    callback_id="return_form",
    notify_on_close=True,
)
PROMPT = {"ts": "1700000000.000100", "text": "Q3 due", "blocks": [
    {"type": "actions", "block_id": "b1", "elements": [button("Start", "start_return", value="M1")]}
]}  # fmt: skip

BUILDERS: dict[str, Callable[..., signing.SignedRequest]] = {
    "command": lambda **kw: signing.slash_command(text="status 2025/26 Q3", **kw),
    "action": lambda **kw: signing.block_actions(action_id="start_return", message=PROMPT, **kw),
    "view_submission": lambda **kw: signing.view_submission(
        view=RETURN_VIEW, answers={"value": {"value": "42"}}, **kw
    ),
    "view_closed": lambda **kw: signing.view_closed(view=RETURN_VIEW, **kw),
    "shortcut": lambda **kw: signing.shortcut(callback_id="open_form", **kw),
    "message_action": lambda **kw: signing.message_action(
        callback_id="chase", message=PROMPT, **kw
    ),
    "app_home_opened": lambda **kw: signing.app_home_opened(**kw),
    "message": lambda **kw: signing.message_event(text="42", thread_ts=PROMPT["ts"], **kw),
    "url_verification": lambda **kw: signing.url_verification(challenge="c-123", **kw),
}


def test_sign_matches_slacks_documented_example() -> None:
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id="
        b"G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook"
        b"-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F3977"
        b"00885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d1"
        b"0d2c447fce8b6703c"
    )
    headers = signing.sign(SECRET, body, 1531420618)
    assert headers == {
        "X-Slack-Signature": "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
        "X-Slack-Request-Timestamp": "1531420618",
    }


@pytest.mark.parametrize("kind", BUILDERS)
def test_every_builder_signs_so_slack_sdk_verifies(kind: str) -> None:
    request = BUILDERS[kind](signing_secret=SECRET)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(request.body, request.headers)
    assert not verifier.is_valid_request(request.body + b" ", request.headers)
    assert not SignatureVerifier("another-secret").is_valid_request(request.body, request.headers)
    stale = BUILDERS[kind](signing_secret=SECRET, timestamp=int(time.time()) - 301)
    assert not verifier.is_valid_request(stale.body, stale.headers)


def test_view_submission_state_has_slacks_shape() -> None:
    payload = BUILDERS["view_submission"](signing_secret=SECRET).payload()
    values = payload["view"]["state"]["values"]
    assert values["value"] == {"value": {"type": "plain_text_input", "value": "42"}}
    assert values["commentary"] == {"commentary": {"type": "plain_text_input", "value": None}}
    assert values["rag"] == {"rag": {"type": "static_select", "selected_option": None}}
    answered = signing.state_values(RETURN_VIEW, {"rag": {"rag": "amber"}})
    assert answered["rag"]["rag"]["selected_option"] == {"text": plain("Amber"), "value": "amber"}
    assert (
        payload["view"]["callback_id"] == "return_form" and payload["user"]["id"] == signing.USER_ID
    )
    assert payload["trigger_id"].count(".") == 2


def test_block_actions_uses_the_ids_the_fake_assigned(
    client: WebClient, fake: FakeSlackAPI
) -> None:
    blocks = [{"type": "actions", "elements": [button("Start", "start_return", value="M1")]}]
    client.chat_postMessage(channel=JO, text="Q3 due", blocks=blocks)
    message = fake.messages(JO_DM)[0]
    payload = signing.block_actions(
        signing_secret=SECRET, action_id="start_return", message=message, channel_id=JO_DM
    ).payload()
    action = payload["actions"][0]
    assert (action["type"], action["value"]) == ("button", "M1")
    assert action["block_id"] == message["blocks"][0]["block_id"]
    assert payload["container"] == {
        "type": "message",
        "message_ts": message["ts"],
        "channel_id": JO_DM,
        "is_ephemeral": False,
    }


def test_event_retries_carry_slacks_retry_headers() -> None:
    request = signing.message_event(signing_secret=SECRET, text="hi", retry_num=1)
    assert request.headers["X-Slack-Retry-Num"] == "1"
    assert request.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert request.payload()["event"]["channel"] == signing.dm_channel_id(signing.USER_ID)


def test_hmac_is_over_the_exact_raw_body() -> None:
    request = signing.slash_command(signing_secret=SECRET, timestamp=1700000000)
    expected = hmac.new(SECRET.encode(), b"v0:1700000000:" + request.body, hashlib.sha256)
    assert request.headers["X-Slack-Signature"] == "v0=" + expected.hexdigest()


# --- bolt accepts what the builders produce -----------------------------------------------------


def bolt_app(fake: FakeSlackAPI, seen: list[str]) -> App:
    """A bolt app on the fake that records which listener ran."""
    app = App(client=fake.client(), signing_secret=SECRET, process_before_response=True)

    def recorder(kind: str) -> Callable[..., None]:
        def listener(ack: Callable[..., None]) -> None:
            seen.append(kind)
            ack()

        return listener

    app.command("/perf")(recorder("command"))
    app.action("start_return")(recorder("action"))
    app.view("return_form")(recorder("view_submission"))
    app.view_closed("return_form")(recorder("view_closed"))
    app.shortcut("open_form")(recorder("shortcut"))
    app.message_shortcut("chase")(recorder("message_action"))
    app.event("app_home_opened")(recorder("app_home_opened"))
    app.event("message")(recorder("message"))
    return app


@pytest.mark.parametrize("kind", BUILDERS)
def test_bolt_routes_every_built_request(fake: FakeSlackAPI, kind: str) -> None:
    seen: list[str] = []
    app = bolt_app(fake, seen)
    request = BUILDERS[kind](signing_secret=SECRET)
    response = app.dispatch(BoltRequest(body=request.body.decode(), headers=request.headers))
    assert response.status == 200
    if kind == "url_verification":
        assert json.loads(response.body) == {"challenge": "c-123"}
    else:
        assert seen == [kind]


def test_bolt_rejects_a_badly_signed_request(fake: FakeSlackAPI) -> None:
    seen: list[str] = []
    request = signing.slash_command(signing_secret="wrong-secret")
    response = bolt_app(fake, seen).dispatch(
        BoltRequest(body=request.body.decode(), headers=request.headers)
    )
    assert (response.status, seen) == (401, [])


def test_bolt_opens_a_modal_on_the_fake(fake: FakeSlackAPI) -> None:
    app = App(client=fake.client(), signing_secret=SECRET)

    @app.command("/perf")
    def open_return(ack: Callable[[], None], body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=RETURN_VIEW)

    request = signing.slash_command(signing_secret=SECRET)
    assert (
        app.dispatch(BoltRequest(body=request.body.decode(), headers=request.headers)).status == 200
    )
    call = fake.wait_for("views.open")[0]
    assert call.body["trigger_id"] == request.payload()["trigger_id"]
    assert fake.views("modal")[0]["callback_id"] == "return_form"
