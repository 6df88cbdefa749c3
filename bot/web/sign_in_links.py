"""Issue a person's sign-in link (used by `perfbot web link`, the admin page and chat channels)."""

from __future__ import annotations

from datetime import timedelta

from bot.web.auth import SignInLinks
from bot.web.roles import WebSettings, roles_for
from perfbot.secret_key import secret_for
from perfbot.services import Services


class NoAccess(ValueError):
    """The person has no role, so a link would be useless (message is user-facing)."""


def issue_link(app: Services, email: str) -> tuple[str, int]:
    """The sign-in URL for `email` and how many hours it lasts; NoAccess if they have no role."""
    person = email.strip().lower()
    web = WebSettings.from_config(app.config)
    if not roles_for(person, config=app.config, web=web, store=app.store):
        raise NoAccess(f"{email} has no role in perfbot: add them to council.performance_officers "
                       "or [web] cmt, members or admins in perfbot.toml, or to the register")  # fmt: skip
    links = SignInLinks(secret=secret_for(app.data_dir), base_url=app.config.public_url)
    expires = app.store.clock.now() + timedelta(hours=web.sign_in_hours)
    return links.url(email=person, expires=expires), web.sign_in_hours
