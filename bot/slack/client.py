"""The Slack Web API as perfbot uses it: paced, retried on 429/5xx, errors made plain.

One `SlackApi` per running app, owned by the package's factory (`bot.slack.platform`) and given
to the channel that sends requests and to the listeners that answer people: Slack's rate limits
are per app and workspace, so they share its pacing.
Redrawing a message (`update`) or a Home tab (`publish_home`) happens in the background: a
listener never waits for those tiers' slots, and a newer view replaces one still queued
(`pacing.BackgroundLane`); their failures are logged, as nobody is waiting for them.
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.web import SlackResponse

from bot.slack.blocks import fallback_text
from bot.slack.errors import transport_error
from bot.slack.pacing import BackgroundLane, Pacer
from perfbot.channel import TransportError
from perfbot.settings import SlackSettings

log = logging.getLogger("perfbot.slack")

# The scopes each Web API method perfbot calls needs (the manifest asks for exactly these, plus
# `commands` for /perf and the shortcuts and `im:history` to hear replies in DMs).
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "users.lookupByEmail": ("users:read", "users:read.email"),
    "users.info": ("users:read", "users:read.email"),
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "views.open": (),
    "views.publish": (),
}
# Retries per call for a 429 (after its Retry-After), a 5xx or a dropped connection. With 10% of
# calls refused, 2 left about one round in four with a look-up given up and sent again by the
# outbox a pass later (bench fanout); 4 makes that about one in 300.
RETRIES = 4
UNREACHABLE = (OSError, http.client.HTTPException)  # urllib's URLError and timeouts are OSErrors


def make_client(settings: SlackSettings) -> WebClient:
    """A WebClient on `SLACK_API_URL` that waits out 429s (`Retry-After`) and retries 5xx."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=RETRIES),
            RateLimitErrorRetryHandler(max_retry_count=RETRIES),
            ServerErrorRetryHandler(max_retry_count=RETRIES),
        ],
    )


class SlackApi:
    """The calls perfbot makes; each raises `TransportError` with a message naming the fix
    (`update` and `publish_home` log it: they happen in the background)."""

    def __init__(self, client: WebClient, *, pacer: Pacer | None = None) -> None:
        self.client = client
        self.pacer = pacer or Pacer()
        self.updates = BackgroundLane("chat.update")
        self.homes = BackgroundLane("views.publish")

    def _call(
        self, method: str, call: Callable[[], SlackResponse], *, channel: str = "", target: str = ""
    ) -> SlackResponse:
        with self.pacer.slot(method, channel):
            try:
                return call()
            except SlackApiError as error:
                raise transport_error(error, method=method, target=target or channel) from None

    def lookup_email(self, email: str) -> str | None:
        """The Slack user id of the person with this e-mail, or None if there is none."""
        with self.pacer.slot("users.lookupByEmail"):
            try:
                found = self.client.users_lookupByEmail(email=email)
            except SlackApiError as error:
                if error.response.get("error") == "users_not_found":
                    return None
                raise transport_error(error, method="users.lookupByEmail", target=email) from None
        user = found["user"]
        return None if user.get("deleted") or user.get("is_bot") else user["id"]

    def email_of(self, user_id: str) -> str | None:
        """The e-mail address on a Slack user's profile (None: no such user, or no e-mail)."""
        with self.pacer.slot("users.info"):
            try:
                found = self.client.users_info(user=user_id)
            except SlackApiError as error:
                if error.response.get("error") == "user_not_found":
                    return None
                raise transport_error(error, method="users.info", target=user_id) from None
        email = found["user"].get("profile", {}).get("email")
        return email.lower() if email else None

    def post(
        self, channel: str, *, text: str, blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None, broadcast: bool = False,
    ) -> tuple[str, str]:  # fmt: skip
        """Post a message (to a channel id, or a user id for their DM); (channel id, ts)."""
        args: dict[str, Any] = {"channel": channel, "text": fallback_text(text), "unfurl_links": False}
        if blocks is not None:
            args["blocks"] = blocks
        if thread_ts:
            args.update(thread_ts=thread_ts, reply_broadcast=broadcast)
        posted = self._call("chat.postMessage", lambda: self.client.chat_postMessage(**args),
                            channel=channel)  # fmt: skip
        return posted["channel"], posted["ts"]

    def _later(self, lane: BackgroundLane, key: tuple[str, ...], what: str,
               call: Callable[[], SlackResponse], **target: str) -> None:  # fmt: skip
        """Make a call in `lane`'s thread; a failure is logged (nobody is waiting for it)."""
        def run() -> None:
            try:
                self._call(lane.name, call, **target)
            except TransportError as error:
                log.warning("Slack: could not %s: %s", what, error)
            except UNREACHABLE as error:
                log.warning("Slack: could not %s: Slack's API is unreachable (%s)", what, error)

        lane.submit(key, run)

    def update(self, channel: str, ts: str, *, text: str, blocks: list[dict[str, Any]]) -> None:
        """Redraw a message perfbot posted, in the background (a newer redraw replaces a queued one)."""
        self._later(self.updates, (channel, ts), f"update the message {ts} in {channel}",
                    lambda: self.client.chat_update(channel=channel, ts=ts, text=fallback_text(text),
                                                    blocks=blocks),
                    channel=channel)  # fmt: skip

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> dict[str, Any]:
        opened = self._call("views.open",
                            lambda: self.client.views_open(trigger_id=trigger_id, view=view))  # fmt: skip
        return opened["view"]

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        """Publish a person's Home tab, in the background (a newer view replaces a queued one)."""
        self._later(self.homes, (user_id,), f"publish the Home tab of {user_id}",
                    lambda: self.client.views_publish(user_id=user_id, view=view), target=user_id)  # fmt: skip
