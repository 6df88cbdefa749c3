"""The slack-bolt app: each event handled once, and perfbot's listeners.

One sync `App` with `process_before_response=True`: a request is answered when its listener's
ack function returns, in the request's own thread. A returns form is checked and stored, then
acked, with no hand-over to a pool and no wait for an ack (bolt polls every 10 ms for one
otherwise). Work Slack need not wait for (opening a modal, a chase, reading a DM) runs after the
ack in bolt's listener pool, as bolt's lazy listeners (`bot.slack.after_ack`); refreshing DMs and
Home tabs after a submission is queued for `bot.slack.followups`.

The signature is checked before bolt sees a request (`bot.slack.http`, with slack_sdk's
`SignatureVerifier`), so bolt's own check is off (`request_verification_enabled=False`); Socket
Mode needs none.

Slack retries an event it thinks was not delivered (`X-Slack-Retry-Num`); bolt does not notice.
Each event id is claimed in the store before it is handled, so a retry, or a second process
behind the same app, never handles it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App as BoltApp
from slack_bolt import BoltResponse
from slack_sdk import WebClient

from bot.slack import (
    on_actions,
    on_casestudy,
    on_commands,
    on_home,
    on_replies,
    on_returns,
    on_signoff,
)
from bot.slack.authorization import authorize_once
from bot.slack.client import UNREACHABLE, SlackApi
from bot.slack.runtime import Slack
from perfbot.services import Services
from perfbot.store.interfaces import ChatDirectory

log = logging.getLogger("perfbot.slack")
LISTENERS = (on_returns, on_replies, on_commands, on_casestudy, on_home, on_signoff, on_actions)
# Work after the ack (bolt's default pool is 5 threads): a chase or a modal waiting for a rate
# tier's slot must not hold up the next request's.
LISTENER_THREADS = 40
HARMLESS_TO_REPEAT = frozenset({"app_home_opened"})  # re-publishing a Home tab changes nothing


def once_per_event(directory: ChatDirectory) -> Callable[..., Any]:
    """Global middleware: an event already handled (a Slack retry) is acked and dropped."""

    def middleware(body: dict[str, Any], next: Callable[[], Any]) -> Any:  # noqa: A002 - bolt's name
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        kind = (body.get("event") or {}).get("type")
        if event_id and kind not in HARMLESS_TO_REPEAT and not directory.claim(f"slack-event:{event_id}"):
            log.info("Slack: event %s (%s) was already handled; ignoring the retry", event_id, kind)
            return BoltResponse(status=200, body="")
        return next()

    return middleware


@dataclass(frozen=True)
class SlackApp:
    """perfbot's bolt app, and the Slack runtime its listeners share (to drain on shutdown)."""

    bolt: BoltApp
    slack: Slack


def build(perf: Services, *, signing_secret: str, api: SlackApi) -> SlackApp:
    """The bolt app for perfbot on one data directory, on the running app's `api`."""
    slack = Slack.build(perf, api)
    bolt = BoltApp(
        name="perfbot", client=_tokenless(api.client), signing_secret=signing_secret,
        authorize=authorize_once(api.client),  # auth.test on the first request, not at start-up
        process_before_response=True, request_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack-listener"),
    )  # fmt: skip
    bolt.middleware(once_per_event(slack.people.directory))
    bolt.error(_log_error)
    for module in LISTENERS:
        module.register(bolt, slack)
    return SlackApp(bolt, slack)


def _tokenless(client: WebClient) -> WebClient:
    """The client bolt copies for each request: `authorize` gives the copy its token (and bolt
    warns that a token of its own would be ignored)."""
    return WebClient(base_url=client.base_url, timeout=client.timeout, ssl=client.ssl, proxy=client.proxy,
                     headers=client.headers, logger=client.logger, retry_handlers=client.retry_handlers)  # fmt: skip


def _log_error(error: Exception, body: dict[str, Any], response: BoltResponse | None) -> BoltResponse | None:
    """bolt's error handler: Slack unreachable is one warning and a 503 (Slack retries); anything
    else is logged with its traceback and answered as bolt does (500)."""
    if isinstance(error, UNREACHABLE):
        log.warning("Slack: could not handle a %s: Slack's API is unreachable (%s)",
                    body.get("type") or "command", error)  # fmt: skip
        return BoltResponse(status=503, body="") if response is not None else None
    log.error("Slack: handling a %s failed: %s", body.get("type", "request"), error, exc_info=error)
    return None
