"""How every sub-command opens perfbot on its data directory (shared by the command modules)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from perfbot import config as config_module
from perfbot.cli.errors import UserError
from perfbot.config import CONFIG_NAME, Config
from perfbot.store import Store, open_store

if TYPE_CHECKING:
    from perfbot.app import App


def show_locally(recipient: str, text: str) -> None:
    """The local channel on a terminal: print what would be sent."""
    print(f"\n── to {recipient} (local channel) ──\n{text}")


def open_app(args: argparse.Namespace) -> App:
    """perfbot on `args.data`, with the channels the environment configures; UserError if the
    directory holds no perfbot data yet."""
    _check_data(args)
    from perfbot import app as app_module  # the whole house: not for a command that only reads
    from perfbot.settings import Settings  # read the environment only when a command runs

    return app_module.build(args.data, show=show_locally, settings=Settings.from_env())


def open_for_reading(args: argparse.Namespace) -> tuple[Config, Store]:
    """The store and the config on `args.data`, as `open_app` opens them, for a command that only
    reads (analyse, digest, report): no channels, services or working-day calendar to build."""
    _check_data(args)
    from perfbot.settings import Settings

    settings = Settings.from_env()
    return config_module.load(args.data), open_store(args.data, database_url=settings.database_url)


def _check_data(args: argparse.Namespace) -> None:
    if not (args.data / "core.json").exists() and not (args.data / CONFIG_NAME).exists():
        raise UserError(f"no perfbot data in {args.data}: run 'perfbot init' first")
