"""Commands of the Microsoft 365 channel: `perfbot sharepoint …` and `perfbot teams manifest`.

    perfbot sharepoint provision          create the lists and columns (safe to run again)
    perfbot sharepoint poll               make new rounds' rows, take edited rows, write statuses
    perfbot sharepoint rows PERIOD        add any missing rows for a round
    perfbot sharepoint upload DIR         upload report files to the document library
    perfbot teams manifest --out FILE     the Teams app package (manifest + icons) to upload
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from perfbot.cli.errors import UserError


def _settings():  # noqa: ANN202 - perfbot.settings.M365Settings
    from perfbot.settings import Settings

    return Settings.from_env().m365


def _app(args: argparse.Namespace):  # noqa: ANN202 - perfbot.app.App
    """The app with its Microsoft 365 settings (so rows and statuses use the real channels)."""
    from perfbot import app as app_module
    from perfbot.config import CONFIG_NAME
    from perfbot.settings import Settings

    if not (args.data / "core.json").exists() and not (args.data / CONFIG_NAME).exists():
        raise UserError(f"no perfbot data in {args.data}: run 'perfbot init' first")
    return app_module.build(args.data, settings=Settings.from_env())


def _client():  # noqa: ANN202 - bot.sharepoint.client.SharePointClient
    from bot.sharepoint.poller import client_for

    settings = _settings()
    if settings is None or not settings.sharepoint_site_url:
        raise UserError("SharePoint is not configured: set SHAREPOINT_SITE_URL, M365_TENANT_ID, "
                        "M365_CLIENT_ID, M365_CERT_PATH and M365_CERT_THUMBPRINT (see README)")  # fmt: skip
    return client_for(settings)


def _failed(error: Exception) -> int:
    permanent = getattr(error, "permanent", False)
    print(f"perfbot: error: {error}", file=sys.stderr)
    return 2 if permanent else 1


def cmd_provision(args: argparse.Namespace) -> int:
    from bot.sharepoint.provision import provision
    from perfbot.channel import TransportError

    try:
        created = provision(_client(), _app(args).store)
    except TransportError as error:
        return _failed(error)
    print("Created " + "; ".join(created) + "." if created else "The SharePoint lists are already set up.")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    from bot.sharepoint.poller import poll

    report = poll(_app(args), client=_client())
    print(f"Accepted {len(report.accepted)} returns; {len(report.needs_fixing)} rows need fixing; "
          f"{len(report.case_studies)} case studies received.")  # fmt: skip
    if report.error:
        print(f"perfbot: error: {report.error}", file=sys.stderr)
        return 1
    return 0


def cmd_rows(args: argparse.Namespace) -> int:
    from bot.sharepoint.rows import open_rows
    from perfbot.channel import TransportError

    try:
        added = open_rows(_app(args), _client(), args.period)
    except ValueError as error:
        raise UserError(str(error)) from None
    except TransportError as error:
        return _failed(error)
    print(f"Added {added} rows for {args.period} to Performance Returns.")
    return 0


def cmd_upload(args: argparse.Namespace) -> int:
    from bot.sharepoint.upload import report_files, upload_reports
    from perfbot.channel import TransportError

    if not args.directory.is_dir():
        raise UserError(f"{args.directory}: not a directory")
    files = report_files(args.directory)
    if not files:
        raise UserError(f"{args.directory}: no files to upload")
    try:
        urls = upload_reports(_client(), files, folder=args.folder)
    except TransportError as error:
        return _failed(error)
    print(f"Uploaded {len(urls)} files:")
    print("\n".join(f"  {url}" for url in urls))
    return 0


def cmd_teams_manifest(args: argparse.Namespace) -> int:
    from bot.teams.package import app_package
    from perfbot import config as config_module

    settings = _settings()
    if settings is None or not settings.bot_enabled:
        raise UserError("set M365_TENANT_ID, M365_CLIENT_ID and the credentials first: the package "
                        "names the app registration's client id")  # fmt: skip
    config = config_module.load(args.data)
    args.out.write_bytes(app_package(settings.client_id, council=config.council_name,
                                     website=config.public_url))  # fmt: skip
    print(f"Teams app package written to {args.out}: upload it in Teams (Apps → Manage your apps).")
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
    group = add("sharepoint", None, "SharePoint lists as forms").add_subparsers(dest="action", required=True)
    add("provision", cmd_provision, "create the Performance Returns and Case Studies lists", group)
    add("poll", cmd_poll, "take edited rows now (the scheduler does this every tick)", group)
    p = add("rows", cmd_rows, "add any missing rows for a round", group)
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p = add("upload", cmd_upload, "upload report files to a SharePoint document library", group)
    p.add_argument("directory", type=Path, metavar="DIR", help="the report files to upload")
    p.add_argument("--folder", default="Shared Documents",
                   help="the library folder, server-relative or from the site (default: Shared Documents)")  # fmt: skip

    group = add("teams", None, "Microsoft Teams").add_subparsers(dest="action", required=True)
    p = add("manifest", cmd_teams_manifest, "write the Teams app package to upload", group)
    p.add_argument("--out", type=Path, default=Path("perfbot-teams.zip"), metavar="FILE",
                   help="the app package to write (default perfbot-teams.zip)")
