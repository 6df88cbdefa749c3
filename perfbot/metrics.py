"""`/metrics` in Prometheus's text format, for the council's monitoring: the outbox backlog,
undelivered messages and returns by round, read from the store at each scrape, and HTTP
requests counted by route and status (route templates, never URLs: a returns link is a secret)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client import Counter as RequestCounter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from perfbot.store import Store

ROUNDS_SHOWN = 4  # the latest rounds: what is still being sent and returned
BACKLOG = ("pending", "sending")


class StoreCollector(Collector):
    """Gauges worked out from the store when Prometheus asks (nothing is kept between scrapes)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        rounds = self._store.rounds.all()[-ROUNDS_SHOWN:]
        by_status: Counter[tuple[str, str]] = Counter()
        returns = GaugeMetricFamily("perfbot_returns", "Returns received in the round", labels=["round", "state"])
        for one in rounds:
            for message in self._store.outbox.for_period(one.period):
                by_status[(str(one.period), message.status.value)] += 1
            returns.add_metric([str(one.period), one.state.value], len(self._store.returns.for_period(one.period)))
        outbox = GaugeMetricFamily("perfbot_outbox_messages", "Outbox messages by round and status",
                                   labels=["round", "status"])  # fmt: skip
        for (period, status), count in sorted(by_status.items()):
            outbox.add_metric([period, status], count)
        yield outbox
        yield GaugeMetricFamily("perfbot_outbox_backlog", "Messages waiting to be sent (pending or sending)",
                                value=sum(c for (_, s), c in by_status.items() if s in BACKLOG))  # fmt: skip
        yield GaugeMetricFamily("perfbot_undelivered_messages", "Messages no channel could deliver (failed)",
                                value=sum(c for (_, s), c in by_status.items() if s == "failed"))  # fmt: skip
        yield returns


class Metrics:
    """One registry per app (not the process-wide default), with the request counter."""

    def __init__(self, store: Store) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(StoreCollector(store))
        self.requests = RequestCounter("perfbot_http_requests", "HTTP requests answered",
                                       ["method", "route", "status"], registry=self.registry)  # fmt: skip


class RequestCounting:
    """Pure ASGI middleware (no per-request task or body buffering, unlike BaseHTTPMiddleware):
    counts each HTTP request under its route's template and the status it was answered with."""

    def __init__(self, app: Any, *, counter: Any) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:  # fmt: skip
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.counter.labels(scope["method"], route, str(status)).inc()
