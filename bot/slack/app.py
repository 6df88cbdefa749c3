"""The slack-bolt app: signature checks, each event handled once, and perfbot's listeners.

The sync `App` with `process_before_response=False`: every listener runs in bolt's thread pool and
the HTTP answer goes back as soon as it calls `ack()` (events are acked at once), so Slack hears
back within its 3 seconds while slow work (sending chases) carries on after; refreshing DMs and
Home tabs after a submission is queued for `bot.slack.followups`.

Returns-form submissions go to a second bolt app with `process_before_response=True`: their
listener stores the figures and then acks, with nothing after the ack, so it runs in the
request's own thread. Under a burst of submissions that spares a hand-over to bolt's pool, and
bolt's wait for the ack (it polls every 10 ms), on every request.

Slack retries an event it thinks was not delivered (`X-Slack-Retry-Num`); bolt does not notice.
Each event id is claimed in the store before it is handled, so a retry, or a second process
behind the same app, never handles it twice.
"""

from __future__ import annotations

import http.client
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
from bot.slack.authorization import SharedAuthorization
from bot.slack.client import SlackApi, shared_api
from bot.slack.modals import RETURNS_MODAL
from bot.slack.runtime import Slack
from perfbot.services import Services
from perfbot.settings import SlackSettings
from perfbot.store.interfaces import ChatDirectory

log = logging.getLogger("perfbot.slack")
LISTENERS = (on_returns, on_replies, on_commands, on_casestudy, on_home, on_signoff, on_actions)
# bolt's default is 5 threads: a burst of submissions then queues behind them past Slack's 3 s.
# Each request waits for its listener's ack on one of as many ASGI worker threads (`bot.slack.http`,
# its own pool: a burst from Slack never starves the web forms), so none waits for a listener.
LISTENER_THREADS = 40
UNREACHABLE = (OSError, http.client.HTTPException)  # urllib's URLError and timeouts are OSErrors
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
class BoltApps:
    """perfbot's bolt apps over one Slack runtime: which one handles a payload is `for_payload`."""

    main: BoltApp  # acks at once; listeners carry on in bolt's thread pool
    stores_first: BoltApp  # returns-form submissions: stored, then acked, in the request's thread
    slack: Slack

    def for_payload(self, payload: dict[str, Any]) -> BoltApp:
        if payload.get("type") == "view_submission" and (payload.get("view") or {}).get("callback_id") == RETURNS_MODAL:
            return self.stores_first
        return self.main


def build_bolt(perf: Services, settings: SlackSettings, *, api: SlackApi | None = None) -> BoltApp:
    """The bolt app for perfbot on one data directory (every listener, e.g. for Socket Mode)."""
    return build(perf, settings, api=api).main


def build(perf: Services, settings: SlackSettings, *, api: SlackApi | None = None) -> BoltApps:
    """The bolt apps, and the Slack runtime their listeners share (to drain on shutdown)."""
    api = api or shared_api(settings)
    slack = Slack.build(perf, api)
    authorize = SharedAuthorization(api.client)  # auth.test on the first request, not at start-up
    main = BoltApp(
        name="perfbot", client=_tokenless(api.client), signing_secret=settings.signing_secret, authorize=authorize,
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack-listener"),
    )  # fmt: skip
    main.middleware(once_per_event(slack.people.directory))
    stores_first = BoltApp(
        name="perfbot-returns", client=_tokenless(api.client), signing_secret=settings.signing_secret,
        authorize=authorize, process_before_response=True,
    )  # fmt: skip
    for bolt in (main, stores_first):
        bolt.error(_log_error)
    for module in LISTENERS:
        module.register(main, slack)
    on_returns.register_submission(stores_first, slack)
    return BoltApps(main, stores_first, slack)


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
