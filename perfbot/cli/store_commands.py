"""`perfbot store backup DIR`: a consistent copy of the data directory while perfbot runs;
`perfbot store migrate`: the PostgreSQL store's schema brought up to date; `perfbot store copy`:
the whole store from TinyDB into PostgreSQL, or back."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def files_only(command: str) -> None:
    """UserError when the store is PostgreSQL: `command` works on the TinyDB data files."""
    import os

    from perfbot.cli.errors import UserError
    from perfbot.settings import database_url

    if database_url(os.environ):
        raise UserError(f"'perfbot store {command}' is for the TinyDB data files; the store is on PostgreSQL "
                        "(PERFBOT_DATABASE_URL): use the database's own backups (pg_dump, point-in-time "
                        "recovery), or 'perfbot store copy --to DIR' for a copy as a data directory")  # fmt: skip


def cmd_store_backup(args: argparse.Namespace) -> int:
    from perfbot.cli.errors import UserError
    from perfbot.store.backup import BackupError, backup

    files_only("backup")
    try:
        result = backup(args.data, args.dir)
    except BackupError as error:
        raise UserError(str(error)) from None
    print(f"Backed up {args.data} to {result.target}: {result.files} files, {result.size:,} bytes, checked.")
    return 0


def cmd_store_migrate(args: argparse.Namespace) -> int:
    from perfbot.cli.errors import UserError
    from perfbot.settings import Settings

    url = Settings.from_env().database_url
    if url is None:
        raise UserError("PERFBOT_DATABASE_URL is not set: the TinyDB store in the data directory has no migrations")
    from perfbot.store.pg import PgStore, migrations

    store = PgStore.open(url, migrate=True)
    try:
        done = sorted(migrations.applied(store.db))
    finally:
        store.close()
    print(f"Database schema at version {done[-1]} ({len(done)} migrations applied).")
    return 0


def cmd_store_copy(args: argparse.Namespace) -> int:
    from perfbot.cli.errors import UserError
    from perfbot.settings import Settings
    from perfbot.store.copy import CopyError, to_directory, to_postgres
    from perfbot.store.pg.connect import is_database_url

    try:
        if is_database_url(args.to):
            done, what = to_postgres(args.data, args.to), f"{args.data} to the database"
        else:
            url = Settings.from_env().database_url
            if url is None:
                raise UserError("PERFBOT_DATABASE_URL is not set: name the database to copy from there, "
                                "or give --to postgresql://… to copy this data directory into one")  # fmt: skip
            done, what = to_directory(url, Path(args.to)), f"the database to {args.to}"
    except CopyError as error:
        raise UserError(str(error)) from None
    print(f"Copied {what}: " + ", ".join(f"{t} {n}" for t, n in done.counts.items() if n)
          + f". Checked: every table's count, the versions of {done.returns_checked} returns.")  # fmt: skip
    return 0


def register(store_group: Any, *, add: Callable[..., Any]) -> None:
    """Add `backup`, `migrate` and `copy` to the `perfbot store` commands."""
    p = add("backup", cmd_store_backup, "copy the data directory, consistently, while perfbot runs", store_group)
    p.add_argument("dir", type=Path, metavar="DIR", help="a new or empty directory for the copy (outside the data directory)")
    add("migrate", cmd_store_migrate, "create or upgrade the PostgreSQL store's tables (PERFBOT_DATABASE_URL)", store_group)
    p = add("copy", cmd_store_copy, "copy the whole store into an empty PostgreSQL database, or back into a directory",
            store_group)  # fmt: skip
    p.add_argument("--to", required=True, metavar="URL|DIR",
                   help="postgresql://… (from the data directory) or a new directory (from PERFBOT_DATABASE_URL)")
