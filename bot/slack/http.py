"""`/slack/events` on perfbot's ASGI app: pure translation at the edge.

Slack's request becomes a `BoltRequest`, is dispatched by a sync bolt app in a worker thread (so
the event loop never blocks on domain or store code), and the `BoltResponse` goes back as a
Starlette response (bolt's Starlette adapter). The body is read with a limit (413 while reading,
`bot.http_body`); the signature is checked first (401), then that
the body is a payload perfbot handles, in the shape bolt and the listeners expect (400, see
`bot.slack.inbound`). bolt checks the signature again, but is handed the payload already parsed:
a returns form is a URL-encoded modal, and decoding it is a good part of a submission's cost.
When Slack's API cannot be reached while handling a request, the answer is 503 with one warning
(`bot.slack.app`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Mapping
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import BoltContext, BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_bolt.request.internals import build_context

from bot.http_body import BodyRefused, read_bounded
from bot.slack import inbound
from bot.slack.app import LISTENER_THREADS, build
from perfbot.services import Services
from perfbot.settings import Settings

log = logging.getLogger("perfbot.slack")
PATH = "/slack/events"
DRAIN_SECONDS = 10.0  # at shutdown, for DMs and Home tabs still to be redrawn
MAX_CLOCK_SKEW = 5 * 60  # Slack's rule: refuse requests whose timestamp is older than this


def mount(app: Services, settings: Settings, asgi: FastAPI) -> None:
    """Add `/slack/events` when Slack is configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)."""
    if settings.slack is None:
        return
    apps = build(app, settings.slack)
    limiter = anyio.CapacityLimiter(LISTENER_THREADS)
    asgi.state.on_shutdown.append(lambda: apps.slack.drain(DRAIN_SECONDS))
    secret = settings.slack.signing_secret

    def handle(request: Request, body: bytes) -> Response:
        # In a worker thread, decoding included: the event loop only moves bytes.
        payload = inbound.accepted(body, request.headers.get("content-type"))
        if isinstance(payload, inbound.Refused):
            log.warning("Slack: refused a request: %s", payload.reason)
            return JSONResponse({"error": payload.reason}, status_code=payload.status)
        bolt = apps.for_payload(payload)
        return to_starlette_response(bolt.dispatch(parsed_request(request, body, payload)))

    @asgi.post(PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        try:  # bounded before authenticated: never more than the limit held, refused while reading
            body = await read_bounded(request, limit=inbound.MAX_BODY_BYTES)
        except BodyRefused as refused:
            log.warning("Slack: refused a request: %s", refused.reason)
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        if not signed_by_slack(secret, body, request.headers):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        return await anyio.to_thread.run_sync(handle, request, body, limiter=limiter)

    log.info("Slack: listening at %s", PATH)


def parsed_request(request: Request, body: bytes, payload: dict[str, Any]) -> BoltRequest:
    """What bolt's Starlette adapter makes of the request, from the payload parsed already (the raw
    body is kept: bolt verifies its signature)."""
    bolt_request = BoltRequest(body="", query=request.query_params, headers=request.headers)  # type: ignore[arg-type]
    bolt_request.raw_body = body.decode("utf-8")  # parsed already: it is valid UTF-8
    bolt_request.body = payload
    bolt_request.context = build_context(BoltContext(), payload)
    return bolt_request


def signed_by_slack(secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """`X-Slack-Signature` is `v0=` + HMAC-SHA256 of `v0:{timestamp}:{body}`, sent recently."""
    timestamp = headers.get("x-slack-request-timestamp", "")
    signature = headers.get("x-slack-signature", "")
    if not timestamp.isascii() or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > MAX_CLOCK_SKEW:
        return False
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
