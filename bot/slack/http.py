"""`/slack/events` on perfbot's ASGI app: pure translation at the edge.

Slack's request becomes a `BoltRequest` (bolt's Starlette adapter), is dispatched by the sync
bolt app in a worker thread (so the event loop never blocks on domain or store code), and the
`BoltResponse` goes back as a Starlette response. Signatures are checked by bolt.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request, Response
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from bot.slack.app import build_bolt
from perfbot.app import App
from perfbot.settings import Settings

log = logging.getLogger("perfbot.slack")
PATH = "/slack/events"


def mount(app: App, settings: Settings, asgi: FastAPI) -> None:
    """Add `/slack/events` when Slack is configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)."""
    if settings.slack is None:
        return
    bolt = build_bolt(app, settings.slack)

    @asgi.post(PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(response)

    log.info("Slack: listening at %s", PATH)
