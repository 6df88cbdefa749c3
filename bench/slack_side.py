"""Slack's side of the Slack benchmarks: the strict fake Web API with the county's owners in it,
and perfbot's production client on it with every wait scaled to the fake's Slack time."""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import BackoffRetryIntervalCalculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator

from bench.data import LAST, owner_email
from bot.local import LocalChannel
from bot.slack.channel import SlackChannel
from bot.slack.client import RETRIES, SlackApi
from bot.slack.pacing import Pacer
from perfbot import app as app_module
from perfbot.app import App
from perfbot.clock import LONDON, Clock
from perfbot.dispatch import Dispatcher
from perfbot.settings import Settings
from schedules.cycle import Cycle
from tests.fakes.slack_api import TIERS, FakeSlackAPI
from tests.fakes.slack_signing import dm_channel_id

ROUND = LAST.next()  # the round the Slack benchmarks open: the quarter after the history
OPENED_AT = datetime(2026, 4, 14, 10, 0, tzinfo=LONDON)  # a Tuesday after that quarter ended


def user_id(owner: int) -> str:
    return f"U{owner:08d}"


def start_fake(owners: int) -> FakeSlackAPI:
    """The fake Slack on 127.0.0.1 with every owner in it, found by e-mail."""
    fake = FakeSlackAPI().start()
    for n in range(owners):
        fake.add_user(owner_email(n), user_id(n), f"Owner {n}")
    return fake


def owner_dms(owners: int) -> list[str]:
    return [dm_channel_id(user_id(n)) for n in range(owners)]


class _ScaledInterval(RetryIntervalCalculator):
    def __init__(self, inner: RetryIntervalCalculator, scale: float) -> None:
        self._inner, self._scale = inner, scale

    def calculate_sleep_duration(self, current_attempt: int) -> float:
        return self._inner.calculate_sleep_duration(current_attempt) * self._scale


class _ScaledRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's handler (sleep `Retry-After` + up to 1 s), in Slack time."""

    def __init__(self, max_retry_count: int, scale: float) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._scale = scale

    def prepare_for_next_attempt(self, *, state: Any, request: Any, response: Any = None,
                                 error: Any = None) -> None:  # fmt: skip
        if response is None:
            raise error
        state.next_attempt_requested = True
        retry_after = next((v[0] for k, v in response.headers.items() if k.lower() == "retry-after"), "1")
        time.sleep((int(retry_after) + random.random()) * self._scale)
        state.increment_current_attempt()


def scaled_api(fake: FakeSlackAPI, scale: float, *, clock: Callable[[], float] = time.monotonic) -> SlackApi:
    """perfbot's `SlackApi` as `make_client` builds it, with pacing and retry waits × `scale`."""
    client = WebClient(token=fake.token, base_url=fake.base_url, retry_handlers=[
        ConnectionErrorRetryHandler(max_retry_count=RETRIES),
        _ScaledRateLimitRetryHandler(RETRIES, scale),
        ServerErrorRetryHandler(max_retry_count=RETRIES,
                                interval_calculator=_ScaledInterval(BackoffRetryIntervalCalculator(), scale)),
    ])  # fmt: skip
    return SlackApi(client, pacer=Pacer(time_scale=scale, clock=clock))


def _quiet(to: str, text: str) -> None:
    """The local channel's terminal output, not wanted here."""


def slack_cycle(data: Path, *, clock: Clock, api: SlackApi,
                database_url: str | None = None) -> tuple[App, Dispatcher, Cycle]:  # fmt: skip
    """perfbot on `data` as `perfbot serve` wires it (its store on PostgreSQL when `database_url`
    is given), with `SlackChannel` on `api` first in line."""
    app = app_module.build(data, clock=clock, channels=[], show=_quiet,
                           settings=Settings(database_url=database_url))  # fmt: skip
    slack = SlackChannel(api, store=app.store, config=app.config, channels={})
    dispatcher = Dispatcher(app.store, [slack, LocalChannel(_quiet)], digest_for=app.digest)
    return app, dispatcher, Cycle(app.store, app.config, dispatcher, app.links)


def rate_limit_floor(fake: FakeSlackAPI, scale: float) -> tuple[float, str]:
    """The least time Slack's tiers allow for the calls that were accepted, and the binding tier.

    A method (per channel for `chat.postMessage`) with `n` calls and `limit` per window needs
    `ceil(n / limit) - 1` full windows; calls of different methods do not wait for each other.
    """
    floor, binding = 0.0, "none"
    for method, tier in TIERS.items():
        counted: Counter[str] = Counter()
        for call, response in zip(fake.calls(method), fake.responses(method), strict=True):
            if response.status == 200:  # refused calls (429, 5xx) do not use up the tier
                counted[str(call.body.get("channel", "")) if tier.per_channel else ""] += 1
        for _, n in counted.items():
            needed = (math.ceil(n / tier.limit) - 1) * tier.seconds * scale
            if needed > floor:
                floor, binding = needed, f"{n} × {method} at {tier.limit} per {tier.seconds:g} s"
    return floor, binding


def refused(fake: FakeSlackAPI) -> Counter[int]:
    """HTTP statuses other than 200 the fake answered, by status."""
    found: Counter[int] = Counter()
    for method in fake.counts():
        found.update(r.status for r in fake.responses(method) if r.status != 200)
    return found
