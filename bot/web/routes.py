"""Mount the web channel on perfbot's ASGI app: pages, static files and error pages."""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from bot.web import (
    views_actions,
    views_admin,
    views_casestudies,
    views_console,
    views_dashboard,
    views_email_link,
    views_entra,
    views_home,
    views_inbox,
    views_moderation,
    views_public,
    views_register,
    views_returns,
    views_signoff,
)  # fmt: skip
from bot.web.auth import SessionCodec, SignInLinks
from bot.web.entra_flow import EntraSignIn
from bot.web.entra_settings import EntraSettings
from bot.web.errors import WebError
from bot.web.link_mailer import LinkMailer
from bot.web.pages import Pages, anonymous_page, page
from bot.web.roles import WebSettings
from bot.web.state import WebState
from bot.web.store_errors import store_unavailable, store_write_failed
from perfbot.secret_key import secret_for
from perfbot.services import Services
from perfbot.settings import Settings
from perfbot.store import StoreUnavailableError, StoreWriteError

log = logging.getLogger("perfbot.web")
STATIC = Path(__file__).parent / "static"
ROUTERS = (views_home, views_returns, views_actions, views_casestudies, views_moderation, views_console,
           views_register, views_dashboard, views_admin, views_email_link, views_inbox, views_entra,
           views_public, views_signoff)  # fmt: skip


def web_state(app: Services) -> WebState:
    """The web channel's settings and signers for one data directory's services."""
    secret = secret_for(app.data_dir)
    entra = EntraSettings.from_config(app.config)
    return WebState(
        app=app,
        web=WebSettings.from_config(app.config),
        pages=Pages(council=app.config.council_name),
        sign_in=SignInLinks(secret=secret, base_url=app.config.public_url),
        sessions=SessionCodec(secret=secret),
        upload_dir=app.data_dir / "uploads",
        entra=EntraSignIn(entra, secret=secret) if entra is not None else None,
    )


def mount(app: Services, settings: Settings, asgi: FastAPI) -> None:
    """Add the web forms and dashboard to `asgi` (called by perfbot.server.create_asgi)."""
    asgi.state.perfbot_web = web_state(app)
    asgi.state.perfbot_link_mailer = LinkMailer.for_settings(app, settings)  # sign-in links by e-mail
    asgi.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in ROUTERS:
        asgi.include_router(module.router)
    asgi.add_exception_handler(WebError, _web_error)
    asgi.add_exception_handler(HTTPException, _http_error)
    asgi.add_exception_handler(RequestValidationError, _validation_error)
    asgi.add_exception_handler(StoreWriteError, store_write_failed)
    asgi.add_exception_handler(StoreUnavailableError, store_unavailable)


async def _error_page(request: Request, status: int, heading: str, message: str,
                      back_to: str | None = None, action: tuple[str, str] | None = None) -> Response:  # fmt: skip
    public = request.url.path == "/public" or request.url.path.startswith("/public/")
    return await run_in_threadpool(
        anonymous_page if public else page, request, "error.html", status=status, title=f"{heading} (error {status})", heading=heading,
        message=message, back_to=back_to, action=action,
    )  # fmt: skip


async def _web_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, WebError)
    log.info("refused %s %s: %s", request.method, request.url.path, error)
    return await _error_page(request, error.status, error.title, error.message, error.back, error.action)


def _wants_html(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "")


async def _http_error(request: Request, error: Exception) -> Response:
    """Browsers get a page (404, 405…); API clients (Slack, Teams) get FastAPI's JSON as before."""
    assert isinstance(error, HTTPException)
    if not _wants_html(request) or error.status_code < 400:
        return await http_exception_handler(request, error)
    heading = "Page not found" if error.status_code == 404 else "Request refused"
    return await _error_page(request, error.status_code, heading, str(error.detail))


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    if not _wants_html(request):
        return await request_validation_exception_handler(request, error)
    return await _error_page(request, 400, "Request refused", "Part of this request is not valid.")
