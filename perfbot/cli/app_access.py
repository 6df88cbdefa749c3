"""How every sub-command opens perfbot on its data directory (shared by the command modules)."""

from __future__ import annotations

import argparse

from perfbot import app as app_module
from perfbot.cli.errors import UserError
from perfbot.config import CONFIG_NAME


def show_locally(recipient: str, text: str) -> None:
    """The local channel on a terminal: print what would be sent."""
    print(f"\n── to {recipient} (local channel) ──\n{text}")


def open_app(args: argparse.Namespace) -> app_module.App:
    """perfbot on `args.data`, with the channels the environment configures; UserError if the
    directory holds no perfbot data yet."""
    if not (args.data / "core.json").exists() and not (args.data / CONFIG_NAME).exists():
        raise UserError(f"no perfbot data in {args.data}: run 'perfbot init' first")
    from perfbot.settings import Settings  # read the environment only when a command runs

    return app_module.build(args.data, show=show_locally, settings=Settings.from_env())
