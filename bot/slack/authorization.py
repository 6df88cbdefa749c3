"""Which workspace and bot perfbot's bolt app acts as: one `auth.test`, shared, asked once.

bolt's own single-workspace authorization calls `auth.test` on the first request, and every
request that arrives before the answer calls it too: a burst of replies to a round's requests
would make dozens of calls, each holding its request's ack. perfbot gives bolt this `authorize`
function instead. The first request asks and the others wait for that answer. A failure is not
kept, so the next request asks again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient


def authorize_once(client: WebClient) -> Callable[[], AuthorizeResult]:
    """bolt's `authorize` function for one workspace and the bot token of `client`."""
    asking = threading.Lock()
    found: list[AuthorizeResult] = []

    def authorize() -> AuthorizeResult:  # no arguments: bolt passes those a function names
        if found:
            return found[0]
        with asking:
            if not found:
                response = client.auth_test()  # raises SlackApiError: bolt answers with its error
                found.append(AuthorizeResult.from_auth_test_response(auth_test_response=response,
                                                                     bot_token=client.token))  # fmt: skip
            return found[0]

    return authorize
