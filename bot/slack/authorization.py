"""Which workspace and bot perfbot's bolt apps act as: one `auth.test`, shared, asked once.

bolt's own single-workspace authorization calls `auth.test` on the first request, and every
request that arrives before the answer calls it too: a burst of replies to a round's requests
would make dozens of calls, each holding its request's ack. perfbot's bolt apps share this one
instead. The first request asks and the others wait for that answer. A failure is not kept, so
the next request asks again.
"""

from __future__ import annotations

import threading
from typing import Any

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient


class SharedAuthorization(Authorize):
    """bolt's `authorize` for one workspace and its bot token."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._asking = threading.Lock()
        self._result: AuthorizeResult | None = None

    def __call__(self, **_: Any) -> AuthorizeResult:  # bolt passes context, team and user ids
        found = self._result
        if found is not None:
            return found
        with self._asking:
            if self._result is None:
                response = self._client.auth_test()  # raises SlackApiError: bolt answers with its error
                self._result = AuthorizeResult.from_auth_test_response(
                    auth_test_response=response, bot_token=self._client.token
                )
            return self._result
