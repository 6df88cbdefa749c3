"""`perfbot signoff status|approve|send-back`: heads of service approve their service's figures."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from bot.sign_off_messages import decided
from perfbot.cli.app_access import open_app as _app
from perfbot.cli.errors import UserError
from perfbot.services.sign_off import ServiceProgress
from perfbot.sign_off import SignOffError
from perfbot.tables import render

COLUMNS = ["service", "returned", "expected", "state", "approvers", "last_decision"]


def _row(progress: ServiceProgress) -> dict[str, Any]:
    kept = progress.sign_off
    last = kept.last_decision if kept else None
    said = ""
    if last is not None:
        said = f"{last.at:%d %b %Y %H:%M} {last.by}: {last.state.value}"
        said += f" for {last.on_behalf_of}" if last.on_behalf_of else ""
        said += f" — {last.reason}" if last.reason else ""
    return {"service": progress.service, "returned": progress.returned, "expected": progress.expected,
            "state": progress.state, "approvers": ", ".join(kept.approvers) if kept else "",
            "last_decision": said}  # fmt: skip


def cmd_status(args: argparse.Namespace) -> int:
    app = _app(args)
    if not app.sign_off.enabled:
        raise UserError("sign-off is not switched on: set [cycle] sign_off = true in perfbot.toml")
    rows = [_row(p) for p in app.sign_off.progress(args.period)]
    print(render(rows, COLUMNS, args.format))
    return 0


def _decide(args: argparse.Namespace, *, approve: bool) -> int:
    app = _app(args)
    try:
        kept = app.sign_off.decide(args.period, args.service, by=args.actor, approve=approve, reason=args.reason)
    except SignOffError as error:
        raise UserError(str(error)) from None
    last = kept.last_decision
    print(decided(service=kept.service, period=str(kept.period), by=last.by, approved=approve,
                  on_behalf_of=last.on_behalf_of, reason=last.reason))  # fmt: skip
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    return _decide(args, approve=True)


def cmd_send_back(args: argparse.Namespace) -> int:
    return _decide(args, approve=False)


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:  # fmt: skip
    """Add this module's sub-commands to the parser."""
    group = add("signoff", None, "heads of service approve or send back their service's figures").add_subparsers(
        dest="action", required=True)  # fmt: skip
    p = add("status", cmd_status, "each service's sign-off in a round", group)
    p.add_argument("period", type=period_type, help='e.g. "2025/26 Q3"')
    p.add_argument("--format", choices=formats, default="table", help="how to print it")
    for name, handler, text in (("approve", cmd_approve, "approve a service's figures"),
                                ("send-back", cmd_send_back, "send a service's figures back to its owners")):  # fmt: skip
        p = add(name, handler, text, group)
        p.add_argument("period", type=period_type, help='e.g. "2025/26 Q3"')
        p.add_argument("service", help="the service, as in the register")
        p.add_argument("--as", dest="actor", required=True,
                       help="who decides: the head of service, their deputy, or a performance officer")
        p.add_argument("--reason", default="", help="why (required to send back, or to decide on the head's behalf)")
