"""`perfbot serve`: one ASGI app for the web forms, /slack/events and /api/messages.

Domain and store code is synchronous; async handlers call it through a thread pool. The process
that serves also owns the scheduler (started in the lifespan).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from perfbot.app import App
from perfbot.settings import Settings

log = logging.getLogger("perfbot.server")
# Each channel package contributes routes and start-up work: (app, settings, asgi) -> None.
Mount = Callable[[App, Settings, FastAPI], None]


def _mounts() -> list[Mount]:
    """The channels that have an HTTP side, found by their `mount` function."""
    found: list[Mount] = []
    for module_name in ("bot.web.routes", "bot.slack.http", "bot.teams.http"):
        with contextlib.suppress(ModuleNotFoundError):
            module = __import__(module_name, fromlist=["mount"])
            found.append(module.mount)
    return found


def create_asgi(app: App, settings: Settings, *, run_scheduler: bool = True) -> FastAPI:
    """The ASGI application for one perfbot data directory."""

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        runner = _start_scheduler(app) if run_scheduler else None
        try:
            yield
        finally:
            if runner is not None:
                runner.stop()

    asgi = FastAPI(title="perfbot", lifespan=lifespan, docs_url=None, redoc_url=None)

    @asgi.get("/healthz")
    def health() -> dict[str, Any]:
        return {"status": "ok", "council": app.config.council_name}

    @asgi.exception_handler(Exception)
    async def internal_error(_request: Any, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return JSONResponse({"error": "internal error; see the server log"}, status_code=500)

    for mount in _mounts():
        mount(app, settings, asgi)
    return asgi


def _start_scheduler(app: App) -> Any:
    from schedules.runner import start  # the cycle's APScheduler runner

    return start(app)
