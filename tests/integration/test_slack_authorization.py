"""bolt's authorization: one `auth.test` however many requests arrive before its answer."""

from __future__ import annotations

import threading

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.authorization import authorize_once
from tests.fakes.slack_api import FakeSlackAPI


@pytest.fixture
def fake():
    fake = FakeSlackAPI().start()
    yield fake
    fake.stop()


def test_a_burst_of_first_requests_asks_slack_once(fake: FakeSlackAPI) -> None:
    authorize = authorize_once(WebClient(token=fake.token, base_url=fake.base_url))
    results, start = [], threading.Barrier(20)

    def request() -> None:
        start.wait()
        results.append(authorize())

    threads = [threading.Thread(target=request) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert fake.count("auth.test") == 1
    assert len(results) == 20 and all(r is results[0] for r in results)
    assert results[0].bot_token == fake.token and results[0].bot_user_id  # as bolt's own would set
    assert results[0].user_id is None  # the requester stays the one bolt read from the request


def test_a_failed_answer_is_not_kept(fake: FakeSlackAPI) -> None:
    authorize = authorize_once(WebClient(token=fake.token, base_url=fake.base_url))
    fake.fail_next("auth.test", status=200, error="invalid_auth")
    with pytest.raises(SlackApiError):
        authorize()
    assert authorize().bot_token == fake.token
    assert fake.count("auth.test") == 2
