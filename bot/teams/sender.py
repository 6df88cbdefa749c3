"""Proactive messages through the Teams SDK, for synchronous callers (the outbox dispatcher).

The SDK is asynchronous and its `App` belongs to the event loop it was created in, so the sender
keeps one loop in a daemon thread with one SDK app, and each call waits for its result. Bot
Connector errors become `TransportError`s: throttling and outages are retried by the outbox;
a bot removed from the chat raises `ConversationGone` so the channel can forget the chat.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx

from bot.teams.cards import ADAPTIVE_CARD, Card
from bot.teams.conversations import ConversationRef
from bot.teams.identity import TokenSource
from bot.teams.sdk import RouteKeeper, build_sdk_app
from perfbot.channel import TransportError
from perfbot.settings import M365Settings

T = TypeVar("T")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
TIMEOUT = 60.0
# https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit
_TRANSIENT = {429, 500, 502, 503, 504}


class ConversationGone(TransportError):
    """The bot is no longer in this conversation (uninstalled, or the chat was deleted)."""


def activity(content: Card | str, *, activity_id: str | None = None) -> Any:
    """A message activity holding a card or plain text (`activity_id`: replace that message)."""
    from microsoft_teams.api import Attachment, MessageActivityInput

    content = sendable(content)
    if isinstance(content, str):
        message = MessageActivityInput(text=content)
    else:
        message = MessageActivityInput(attachments=[Attachment(content_type=ADAPTIVE_CARD, content=content)])
    if activity_id:
        message.id = activity_id
    return message


def sendable(content: Any) -> Any:
    """Text fit to send: a lone surrogate (half a UTF-16 pair, which can arrive in an activity's
    JSON and be echoed back on a card) cannot be encoded as UTF-8, so it becomes U+FFFD."""
    if isinstance(content, str):
        return _LONE_SURROGATE.sub("\ufffd", content)
    if isinstance(content, dict):
        return {key: sendable(value) for key, value in content.items()}
    if isinstance(content, list):
        return [sendable(item) for item in content]
    return content


def connector_error(error: httpx.HTTPStatusError) -> TransportError:
    """A Bot Connector refusal as a TransportError that says what to do."""
    status = error.response.status_code
    try:
        code = error.response.json().get("error", {}).get("code", "")
    except ValueError:
        code = ""
    if status in _TRANSIENT:
        after = error.response.headers.get("Retry-After")
        return TransportError(f"Teams is busy (HTTP {status}); will retry",
                              retry_after=float(after) if after and after.isdigit() else None)  # fmt: skip
    if status in (403, 404) and code in ("BotNotInConversationRoster", "ConversationNotFound"):
        return ConversationGone(f"perfbot is no longer in this Teams chat ({code}); the person "
                                "must add the perfbot app again to get messages in Teams")  # fmt: skip
    if status == 401:
        return TransportError("the Bot Connector refused perfbot's token (HTTP 401): check "
                              "M365_CLIENT_ID is the bot's app id", permanent=True)  # fmt: skip
    return TransportError(f"Teams refused the message (HTTP {status} {code}).", permanent=True)


class BotSender:
    """Sends and updates Teams messages from synchronous code."""

    def __init__(self, settings: M365Settings, tokens: TokenSource, *, timeout: float = TIMEOUT) -> None:
        self._settings = settings
        self._tokens = tokens
        self._timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sdk: Any = None
        self._lock = threading.Lock()

    def send(self, ref: ConversationRef, content: Card | str, *, replace_id: str | None = None) -> str:
        """Post (or, with `replace_id`, replace) a message; returns the Teams activity id."""

        async def post() -> str:
            sdk = await self._app()
            sent = await sdk.send(ref.conversation_id, activity(content, activity_id=replace_id),
                                  service_url=ref.service_url)  # fmt: skip
            return str(sent.id or replace_id or "")

        return self._run(post)

    def _run(self, make: Callable[[], Awaitable[T]]) -> T:
        future = asyncio.run_coroutine_threadsafe(make(), self._event_loop())  # type: ignore[arg-type]
        try:
            return future.result(self._timeout)
        except httpx.HTTPStatusError as error:
            raise connector_error(error) from None
        except (httpx.HTTPError, TimeoutError) as error:
            raise TransportError(f"could not reach Teams ({type(error).__name__}); will retry") from None

    def _event_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="perfbot-teams-sender",
                                 daemon=True).start()  # fmt: skip
            return self._loop

    async def _app(self) -> Any:
        if self._sdk is None:
            sdk = build_sdk_app(self._settings, self._tokens, RouteKeeper())
            await sdk.initialize()
            self._sdk = sdk
        return self._sdk

    def close(self) -> None:
        """Stop the sender's loop (tests; in `perfbot serve` it lives as long as the process)."""
        with self._lock:
            if self._loop is not None:
                self._loop.call_soon_threadsafe(self._loop.stop)
                self._loop = None
                self._sdk = None
