"""The `perfbot` command: the scripting contract in DESIGN.md.

Exit 0 on success, 2 on bad input (one line naming the row/field), 1 on an internal fault; a
traceback never reaches the user (it goes to perfbot.log in the data directory).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from perfbot import config as config_module
from perfbot.cli.errors import USER_ERRORS, UserError
from perfbot.periods import Period, PeriodError
from perfbot.tables import FORMATS

Handler = Callable[[argparse.Namespace], int]
log = logging.getLogger("perfbot")


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
    if not data_dir.exists():
        return
    handler = logging.FileHandler(data_dir / "perfbot.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.data = args.data or config_module.data_dir()
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
