"""`/slack/events` on perfbot's ASGI app: pure translation at the edge.

The body is read with a limit (413 while reading, `bot.http_body`), must be UTF-8 (400) and its
signature is checked with slack_sdk's `SignatureVerifier` (401); then, in a worker thread so the event loop never blocks on
domain or store code, it is parsed and checked to be a payload perfbot handles, in the shape bolt
and the listeners expect (400, `bot.slack.inbound`). bolt is handed that payload as a `BoltRequest`
(decoding a returns form is a good part of a submission's cost, so it is done once), dispatches it,
and its `BoltResponse` goes back through bolt's Starlette adapter. bolt does not check the
signature again (`bot.slack.app`). When Slack's API cannot be reached while handling a request,
the answer is 503 with one warning.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt import BoltRequest
from slack_bolt.adapter.starlette.handler import to_starlette_response
from slack_sdk.signature import SignatureVerifier

from bot.http_body import BodyRefused, read_bounded
from bot.slack import inbound
from bot.slack.app import LISTENER_THREADS, build
from bot.slack.client import SlackApi
from perfbot.services import Services
from perfbot.settings import SlackSettings

log = logging.getLogger("perfbot.slack")
PATH = "/slack/events"
DRAIN_SECONDS = 10.0  # at shutdown, for DMs and Home tabs still to be redrawn


def mount(perf: Services, settings: SlackSettings, asgi: FastAPI, *, api: SlackApi) -> None:
    """Add `/slack/events`, answered by perfbot's bolt app on the running app's `api`."""
    built = build(perf, signing_secret=settings.signing_secret, api=api)
    limiter = anyio.CapacityLimiter(LISTENER_THREADS)
    asgi.state.on_shutdown.append(lambda: built.slack.drain(DRAIN_SECONDS))
    verifier = SignatureVerifier(settings.signing_secret)

    def handle(request: Request, body: bytes) -> Response:
        # In a worker thread, decoding included: the event loop only moves bytes.
        payload = inbound.accepted(body, request.headers.get("content-type"))
        if isinstance(payload, inbound.Refused):
            log.warning("Slack: refused a request: %s", payload.reason)
            return JSONResponse({"error": payload.reason}, status_code=payload.status)
        return to_starlette_response(built.bolt.dispatch(bolt_request(request, payload)))

    @asgi.post(PATH, include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        try:  # bounded before authenticated: never more than the limit held, refused while reading
            body = await read_bounded(request, limit=inbound.MAX_BODY_BYTES)
        except BodyRefused as refused:
            log.warning("Slack: refused a request: %s", refused.reason)
            return JSONResponse({"error": refused.reason}, status_code=refused.status)
        try:  # Slack signs text; bytes that are not UTF-8 are nobody's request (and cannot be checked)
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            log.warning("Slack: refused a request: %s", inbound.NOT_TEXT)
            return JSONResponse({"error": inbound.NOT_TEXT}, status_code=400)
        if not signed_by_slack(verifier, text, request.headers):
            return JSONResponse({"error": "invalid request"}, status_code=401)
        return await anyio.to_thread.run_sync(handle, request, body, limiter=limiter)

    log.info("Slack: listening at %s", PATH)


def bolt_request(request: Request, payload: dict[str, Any]) -> BoltRequest:
    """The request as bolt sees it, its body the payload already parsed and checked. bolt takes a
    parsed body only as a Socket Mode request (whose raw body it never reads); the one difference
    that makes, its signature check, is already done."""
    return BoltRequest(body=payload, query=request.query_params, headers=request.headers,  # type: ignore[arg-type]
                       mode="socket_mode")  # fmt: skip


def signed_by_slack(verifier: SignatureVerifier, body: str, headers: Mapping[str, str]) -> bool:
    """Signed with the app's secret within the last 5 minutes (`SignatureVerifier`'s rule)."""
    try:
        return verifier.is_valid_request(body, headers)
    except (ValueError, TypeError):  # a timestamp that is not a number, a signature that is not ASCII
        return False
