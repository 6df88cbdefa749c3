"""A store write that fails (a full disk, a read-only file system) as a page, not raw JSON.

The store guarantees nothing half-written and nothing earlier lost (`perfbot.store.storage`), but
what the person just typed was not saved. The page says so with 503 (try again later) and shows
every text field they sent, so nothing they typed is lost with the request.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.web.pages import anonymous_page, page

log = logging.getLogger("perfbot.web")
NOT_TYPED = frozenset({"csrf_token", "form_key", "intent", "decision", "include"})
LABELS = {"value": "Figure", "commentary": "Commentary", "action": "Action", "title": "Title",
          "what_happened": "What happened", "impact": "The difference it made"}  # fmt: skip


def typed_fields(request: Request) -> list[tuple[str, str]]:
    """The text the person sent with this request (kept by `bot.web.forms` as it read the form)."""
    posted = getattr(request.state, "posted", None)
    if posted is None:
        return []
    return [(LABELS.get(name, name.replace("_", " ").capitalize()), value)
            for name, value in posted.fields.items() if name not in NOT_TYPED and value.strip()]  # fmt: skip


async def store_write_failed(request: Request, error: Exception) -> Response:
    log.error("could not save %s %s: %s", request.method, request.url.path, error)
    back = request.url.path if request.method == "POST" else None
    return await run_in_threadpool(page, request, "store_error.html", status=503,
                                   title="perfbot could not save that", typed=typed_fields(request),
                                   back_to=back)  # fmt: skip


RETRY_AFTER = "30"  # seconds: a proxy, Slack and the Bot Framework try again


async def store_unavailable(request: Request, error: Exception) -> Response:
    """The database does not answer: nothing was changed. A browser gets a page (read without the
    session, which lives in the database too) with what the person typed; Slack, Teams and other
    clients get JSON 503 with Retry-After, so the platform delivers again later."""
    log.error("refused %s %s: %s", request.method, request.url.path, error)
    if "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"error": "perfbot cannot reach its database and changed nothing; try again shortly"},
                            status_code=503, headers={"Retry-After": RETRY_AFTER})  # fmt: skip
    back = request.url.path if request.method == "POST" else None
    response = await run_in_threadpool(anonymous_page, request, "store_unavailable.html", status=503,
                                       title="perfbot is briefly unavailable", typed=typed_fields(request),
                                       back_to=back)  # fmt: skip
    response.headers["Retry-After"] = RETRY_AFTER
    return response
