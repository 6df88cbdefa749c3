"""The `perfbot` command: the scripting contract in DESIGN.md.

Exit 0 on success, 2 on bad input (one line naming the row/field), 1 on an internal fault; a
traceback never reaches the user (it goes to perfbot.log in the data directory).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from perfbot import config as config_module
from perfbot import redaction
from perfbot.cli.errors import USER_ERRORS, UserError
from perfbot.logfile import log_handler
from perfbot.periods import Period, PeriodError
from perfbot.store.private import make_private
from perfbot.tables import FORMATS

Handler = Callable[[argparse.Namespace], int]
log = logging.getLogger("perfbot")
PRIVATE = 0o077  # umask: whatever perfbot creates in the data directory, only its owner may read


def _period(text: str) -> Period:
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with one line, as argparse does, no usage dump
        self.exit(2, f"perfbot: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    from perfbot.cli import commands

    parser = _Parser(prog="perfbot", description="Run a council's quarterly performance cycle.")
    parser.add_argument("--data", type=Path, help="data directory (default $PERFBOT_DATA or ./perfbot-data)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    commands.register(sub, period_type=_period, formats=FORMATS)
    return parser


def _setup_logging(data_dir: Path) -> None:
    """perfbot.log in the data directory (`perfbot.logfile`); link tokens are redacted there and in
    uvicorn's access log, which `perfbot serve` writes to standard output."""
    redaction.install()
    if not data_dir.exists():
        return
    root = logging.getLogger()
    for earlier in [h for h in root.handlers if getattr(h, "perfbot_cli", False)]:
        root.removeHandler(earlier)  # one perfbot.log at a time, however often main() runs
        earlier.close()
    handler = log_handler(data_dir / "perfbot.log")
    handler.perfbot_cli = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    previous = os.umask(PRIVATE)
    try:
        return _run(args)
    finally:
        os.umask(previous)  # for callers in the same process (tests)


def _run(args: argparse.Namespace) -> int:
    args.data = args.data or config_module.data_dir()
    if args.data.is_dir():
        make_private(args.data)  # a data directory made before this rule, or copied in
    _setup_logging(args.data)
    try:
        return int(args.handler(args) or 0)
    except USER_ERRORS as error:
        message = error.errors if hasattr(error, "errors") else [str(error)]
        for line in message[:50]:
            print(f"perfbot: error: {line}", file=sys.stderr)
        if len(message) > 50:
            print(f"perfbot: … and {len(message) - 50} more errors", file=sys.stderr)
        return 2
    except UserError as error:
        print(f"perfbot: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # the last line of defence: no traceback for the user
        log.exception("internal error")
        print(f"perfbot: internal error: {type(error).__name__}: {error} "
              f"(details in {args.data / 'perfbot.log'})", file=sys.stderr)  # fmt: skip
        return 1


if __name__ == "__main__":
    sys.exit(main())
