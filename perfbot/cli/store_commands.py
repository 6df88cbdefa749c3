"""`perfbot store backup DIR`: a consistent copy of the data directory while perfbot runs."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def cmd_store_backup(args: argparse.Namespace) -> int:
    from perfbot.cli.errors import UserError
    from perfbot.store.backup import BackupError, backup

    try:
        result = backup(args.data, args.dir)
    except BackupError as error:
        raise UserError(str(error)) from None
    print(f"Backed up {args.data} to {result.target}: {result.files} files, {result.size:,} bytes, checked.")
    return 0


def register(store_group: Any, *, add: Callable[..., Any]) -> None:
    """Add `backup` to the `perfbot store` commands."""
    p = add("backup", cmd_store_backup, "copy the data directory, consistently, while perfbot runs", store_group)
    p.add_argument("dir", type=Path, metavar="DIR", help="a new or empty directory for the copy (outside the data directory)")
