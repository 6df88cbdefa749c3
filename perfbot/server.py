"""`perfbot serve`: one ASGI app for the web forms, /slack/events and /api/messages.

Domain and store code is synchronous; async handlers call it through a thread pool. The process
that serves also owns the scheduler (started in the lifespan, after the open rounds' data is
loaded: `perfbot.warmup`). It starts only on data that loads
(`damaged_data`): a damaged file stops it before anything is read or written.
"""

from __future__ import annotations

import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from perfbot.app import App
from perfbot.metrics import Metrics, RequestCounting
from perfbot.settings import Settings
from perfbot.store import StoreCorruptError, StoreUnavailableError
from perfbot.store.restore import check
from perfbot.warmup import warm_up

log = logging.getLogger("perfbot.server")


def create_asgi(app: App, settings: Settings, *, run_scheduler: bool = True) -> FastAPI:
    """The ASGI application for one perfbot data directory."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(warm_up, app.store)
        # What is loaded now lives as long as the server: keep it out of the cyclic collector's
        # full passes, each of which would walk the whole store while requests wait.
        gc.freeze()
        runner = _start_scheduler(app) if run_scheduler else None
        asgi.state.runner = runner
        try:
            yield
        finally:
            gc.unfreeze()
            if runner is not None:
                runner.stop()
            for finish in asgi.state.on_shutdown:  # e.g. Slack redraws still queued
                await run_in_threadpool(finish)

    asgi = FastAPI(title="perfbot", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    asgi.state.on_shutdown = []
    asgi.state.runner = None

    @asgi.get("/healthz")
    def health() -> dict[str, Any]:
        """Up, and its data reads (a damaged store answers 503, below)."""
        rounds = app.store.rounds.all()
        runner = asgi.state.runner
        scheduler = "off" if runner is None else "leading" if runner.leading else "standby"
        return {"status": "ok", "council": app.config.council_name,
                "latest_round": str(rounds[-1].period) if rounds else None, "scheduler": scheduler}  # fmt: skip

    @asgi.get("/readyz")
    def ready() -> JSONResponse:
        """Ready to serve: the store answers a read now (the database, on PostgreSQL). A proxy or
        load balancer sends requests only to replicas that answer 200."""
        try:
            store = app.store.ready()
        except StoreCorruptError as error:
            log.warning("not ready: %s", error)
            unreachable = isinstance(error, StoreUnavailableError)
            return JSONResponse({"ready": False, "store": "unreachable" if unreachable else "damaged"},
                                status_code=503, headers={"Retry-After": "30"})  # fmt: skip
        return JSONResponse({"ready": True, "store": store})

    metrics = Metrics(app.store)
    asgi.add_middleware(RequestCounting, counter=metrics.requests)

    @asgi.get("/metrics")
    def prometheus() -> Response:
        """Prometheus's text format (see perfbot.metrics); keep it inside the council's network."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @asgi.exception_handler(StoreCorruptError)
    async def damaged_store(_request: Any, error: Exception) -> JSONResponse:
        log.error("refused a request: %s", error)  # names the file and how to restore it
        if isinstance(error, StoreUnavailableError):
            return JSONResponse({"error": "perfbot cannot reach its database and changed nothing; "
                                 "try again shortly"}, status_code=503, headers={"Retry-After": "30"})  # fmt: skip
        return JSONResponse({"error": "perfbot cannot read its data and changed nothing; an officer "
                             "must run 'perfbot store check'"}, status_code=503)  # fmt: skip

    @asgi.exception_handler(Exception)
    async def internal_error(_request: Any, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse({"error": "internal error; see the server log"}, status_code=500)

    for platform in app.platforms.of(settings):  # each channel's routes, sharing its clients
        if platform.mount is not None:
            platform.mount(app, asgi)
    return asgi


def damaged_data(data_dir: Path) -> list[str]:
    """Each data file that would not load as written: its name, what is wrong, what to do.

    `perfbot serve` refuses to start on any (it would run the cycle on part of the data). The check
    is `perfbot store check`'s: snapshots must parse, and a journal may end in a torn line (a crash
    mid-append: never acknowledged, and without its newline), but a complete line that does not
    read means the file was damaged from outside.
    """
    if not data_dir.exists():
        return []
    return [f"{r.file} is {r.problem}: {r.advice}" for r in check(data_dir) if r.problem]


def _start_scheduler(app: App) -> Any:
    from schedules.runner import start  # the cycle's APScheduler runner

    return start(app)
