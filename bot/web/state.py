"""What every web request needs: perfbot's services, the web settings, templates and signers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from bot.web.entra_flow import EntraSignIn
from bot.web.page_env import Pages
from bot.web.roles import WebSettings
from bot.web.tokens import SessionCodec, SignInLinks
from perfbot.services import Services


@dataclass(frozen=True)
class WebState:
    app: Services
    web: WebSettings
    pages: Pages
    sign_in: SignInLinks
    sessions: SessionCodec
    upload_dir: Path  # case-study files, under the data directory
    entra: EntraSignIn | None = None  # sign-in with Microsoft, when [entra] is configured

    @property
    def secure(self) -> bool:
        """Cookies are marked Secure when the public URL is https."""
        return self.app.config.public_url.startswith("https://")


def state_of(request: Request) -> WebState:
    return request.app.state.perfbot_web
