"""Commands of the web channel: `perfbot web link EMAIL` prints a person's sign-in link."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from perfbot.cli.app_access import open_app as _app
from perfbot.cli.errors import UserError


def cmd_web_link(args: argparse.Namespace) -> int:
    from bot.web.sign_in_links import NoAccess, issue_link

    try:
        url, hours = issue_link(_app(args), args.email)
    except NoAccess as error:
        raise UserError(str(error)) from None
    print(url)
    print(f"(valid for {hours} hours; anyone with this link can sign in as {args.email.strip().lower()})")
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
    web_group = add("web", None, "the web forms and dashboard").add_subparsers(dest="action", required=True)
    p = add("link", cmd_web_link, "print a person's signed, expiring sign-in link", web_group)
    p.add_argument("email", help="their e-mail address (they need a role: see README)")
