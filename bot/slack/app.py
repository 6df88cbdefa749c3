"""The slack-bolt app: signature checks, each event handled once, and perfbot's listeners.

The sync `App` with `process_before_response=False`: every listener runs in bolt's thread pool and
the HTTP answer goes back as soon as it calls `ack()` (events are acked at once), so Slack hears
back within its 3 seconds while slow work (sending chases) carries on after; refreshing DMs and
Home tabs after a submission is queued for `bot.slack.followups`.

Slack retries an event it thinks was not delivered (`X-Slack-Retry-Num`); bolt does not notice.
Each event id is claimed in the store before it is handled, so a retry, or a second process
behind the same app, never handles it twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App as BoltApp
from slack_bolt import BoltResponse

from bot.slack import on_casestudy, on_commands, on_home, on_replies, on_returns
from bot.slack.client import SlackApi, shared_api
from bot.slack.runtime import Slack
from perfbot.app import App
from perfbot.settings import SlackSettings
from perfbot.store.directory_repo import ChatDirectory

log = logging.getLogger("perfbot.slack")
LISTENERS = (on_returns, on_replies, on_commands, on_casestudy, on_home)
# bolt's default is 5 threads: a burst of submissions then queues behind them past Slack's 3 s.
# Each request waits for its listener's ack on one of as many ASGI worker threads (`bot.slack.http`,
# its own pool: a burst from Slack never starves the web forms), so none waits for a listener.
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


def build_bolt(perf: App, settings: SlackSettings, *, api: SlackApi | None = None) -> BoltApp:
    """The bolt app for perfbot on one data directory."""
    return build(perf, settings, api=api)[0]


def build(perf: App, settings: SlackSettings, *, api: SlackApi | None = None) -> tuple[BoltApp, Slack]:
    """The bolt app, and the Slack runtime its listeners share (to drain on shutdown)."""
    api = api or shared_api(settings)
    slack = Slack.build(perf, api)
    bolt = BoltApp(
        name="perfbot", client=api.client, signing_secret=settings.signing_secret,
        token_verification_enabled=False,  # auth.test on the first request, not at start-up
        process_before_response=False,
        listener_executor=ThreadPoolExecutor(LISTENER_THREADS, thread_name_prefix="slack-listener"),
    )  # fmt: skip
    bolt.middleware(once_per_event(slack.people.directory))

    @bolt.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("Slack: handling a %s failed: %s", body.get("type", "request"), error, exc_info=error)

    for module in LISTENERS:
        module.register(bolt, slack)
    return bolt, slack
