"""Commands of the Slack channel: the app manifest, and Socket Mode."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from perfbot.cli.errors import UserError


def cmd_slack_manifest(args: argparse.Namespace) -> int:
    from bot.slack.manifest import manifest_for, render

    if not args.socket_mode and not args.url:
        raise UserError("give --url https://YOUR-HOST (where perfbot serve is reachable) or --socket-mode")
    print(render(manifest_for(args.url, socket_mode=args.socket_mode)), end="")
    return 0


def cmd_slack_socket(args: argparse.Namespace) -> int:
    from perfbot import app as app_module
    from perfbot.settings import Settings

    settings = Settings.from_env()
    if settings.slack is None:
        raise UserError("Slack is not configured: set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN")
    app = app_module.build(args.data, settings=settings)
    slack = next(p for p in app.platforms.of(settings) if p.name == "slack" and p.connect is not None)
    run = slack.connect(app)  # the app's own Slack parts: one pacer for its DMs and its answers
    print("perfbot: connected to Slack over Socket Mode (Ctrl-C to stop)")
    run()
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:  # fmt: skip
    """Add `perfbot slack manifest` and `perfbot slack socket`."""
    group = add("slack", None, "the Slack app").add_subparsers(dest="action", required=True)
    p = add("manifest", cmd_slack_manifest, "print the Slack app manifest for this server", group)
    p.add_argument("--url", help="the public base URL of 'perfbot serve', e.g. https://perfbot.example.gov.uk")
    p.add_argument("--socket-mode", action="store_true", help="for Socket Mode (no public URL)")
    add("socket", cmd_slack_socket, "answer Slack over Socket Mode (needs SLACK_APP_TOKEN)", group)
