"""Opening a round through Slack: 1,000 measures, 200 owners, one request DM each.

perfbot's real `SlackChannel`, dispatcher and outbox, on the ten-year store, talk to the strict
fake Slack Web API on 127.0.0.1, which enforces Slack's rate tiers and answers 10% of calls 429
(`Retry-After: 1`) and 1% 500. Time is scaled: a Slack minute lasts `SCALE` real minutes, for the
fake's tiers, perfbot's pacer and its retry waits alike (Python and HTTP are not scaled, so
perfbot's own work weighs 1/SCALE times more against the floor than it would against Slack).
Goal (issue 8): wall time within 1.2× the rate-limit floor — the least time the tiers allow for
the calls that had to be made — with no request DM'd twice or lost. Messages whose retries ran
out are retried as the outbox does it (on a later pass), and that time counts.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from bench.data import OWNERS, history_store
from bench.results import Result, compared
from bench.slack_side import (
    OPENED_AT,
    ROUND,
    owner_dms,
    rate_limit_floor,
    refused,
    scaled_api,
    slack_cycle,
    start_fake,
)
from perfbot.clock import ManualClock
from perfbot.notices import NoticeKind
from perfbot.store import OutboxMessage, OutboxStatus, Store
from tests.fakes.slack_api import FakeSlackAPI

SCALE = float(os.environ.get("BENCH_SLACK_SCALE", "0.05"))  # a Slack minute = 3 s
PERIOD = ROUND
RETRY_PASSES = 5


class _FirstCall:
    """The pacer's clock, noting when perfbot first called Slack."""

    def __init__(self) -> None:
        self.at: float | None = None

    def __call__(self) -> float:
        now = time.monotonic()
        if self.at is None:
            self.at = now
        return now


def run(workdir: Path) -> list[Result]:
    return fan_out(history_store(workdir).data_dir)


def fan_out(data: Path, *, database_url: str | None = None, label: str = "fan-out") -> list[Result]:
    """Open the round on `data` (its store on PostgreSQL when `database_url` is given); the results
    named `label: …`."""
    clock = ManualClock(OPENED_AT)
    fake = start_fake(OWNERS)
    try:
        fake.enforce_tiers(time_scale=SCALE)
        fake.chaos(rate_429=0.10, rate_500=0.01, seed=8, retry_after=1)
        first = _FirstCall()
        api = scaled_api(fake, SCALE, clock=first)
        app, dispatcher, cycle = slack_cycle(data, clock=clock, api=api, database_url=database_url)

        start, started = time.perf_counter(), time.monotonic()
        _, report = cycle.open_round(PERIOD, actor="bench")
        passes = 0
        while _pending(app.store) and passes < RETRY_PASSES:  # the outbox's own retries
            passes += 1
            clock.set(clock.now() + timedelta(minutes=2))
            dispatcher.deliver_pending([PERIOD])
        wall = time.perf_counter() - start
        recording = (first.at or time.monotonic()) - started
        floor, binding = rate_limit_floor(fake, SCALE)
        results = _results(fake, app.store, wall, recording, floor, binding, passes,
                           len(report.delivery.failed))  # fmt: skip
        if database_url is not None:
            app.store.close()  # type: ignore[attr-defined]  # PgStore's pool; TinyDB has none
        return [_labelled(r, label) for r in results]
    finally:
        fake.stop()


def _labelled(result: Result, label: str) -> Result:
    baseline = result.baseline.replace("fan-out", label, 1) if result.baseline else None
    return replace(result, name=result.name.replace("fan-out", label, 1), baseline=baseline)


def _requests(store: Store) -> list[OutboxMessage]:
    return [m for m in store.outbox.for_period(PERIOD) if m.kind == NoticeKind.REQUEST.value]


def _pending(store: Store) -> bool:
    return any(m.status is not OutboxStatus.SENT for m in _requests(store))


def _results(fake: FakeSlackAPI, store: Store, wall: float, recording: float, floor: float,
             binding: str, passes: int, failed_first: int) -> list[Result]:  # fmt: skip
    requests = _requests(store)
    dms = Counter({dm: len(fake.messages(dm)) for dm in owner_dms(OWNERS)})
    duplicates = sum(n - 1 for n in dms.values() if n > 1)
    lost = sum(1 for n in dms.values() if n == 0) + sum(
        1 for m in requests if m.status is not OutboxStatus.SENT or m.channel != "slack")
    statuses = refused(fake)
    calls = sum(fake.counts().values())
    base = Result("fan-out: rate-limit floor", floor, 1,
                  note=f"{binding}; Slack minute = {60 * SCALE:g} s (scale {SCALE:g})")  # fmt: skip
    note = (f"{len(requests)} requests, {calls} calls: {statuses[429]} × 429, {statuses[500]} × 500; "
            f"{failed_first} retried by the outbox ({passes} later passes)")  # fmt: skip
    return [
        base,
        compared(f"fan-out: open round, {OWNERS} owners", wall, 1, baseline=base, max_ratio=1.2,
                 note=note),  # fmt: skip
        Result("fan-out:   recording, before any Slack call", recording, 1,
               note="planner, notices and outbox for 200 requests"),  # fmt: skip
        compared("fan-out:   first Slack call → all sent", wall - recording, 1, baseline=base,
                 note="pacing, 429/500 retries, store writes per DM"),  # fmt: skip
        Result("fan-out: request DMs sent twice", duplicates, 1, budget=0, unit="count",
               note=f"{sum(dms.values())} DMs to {OWNERS} owners"),  # fmt: skip
        Result("fan-out: request DMs lost", lost, 1, budget=0, unit="count",
               note="owner without a DM, or outbox message not sent"),  # fmt: skip
    ]
