"""`perfbot actions list|update`: remedial actions tracked to done."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from perfbot.actions import ActionStatus, TrackedAction
from perfbot.cli.app_access import open_app as _app
from perfbot.cli.errors import UserError
from perfbot.services.actions import ActionUpdate
from perfbot.tables import render

COLUMNS = ["action", "status", "due", "overdue", "owner", "raised_in", "text", "last_change"]
SHOWN = ("open", "done", "dropped", "all")


def action_row(action: TrackedAction, today) -> dict[str, Any]:  # noqa: ANN001 - a date
    """One action as `actions list` prints it."""
    last = action.changes[-1] if action.changes else None
    return {
        "action": action.action_id, "status": action.status.value, "due": str(action.due),
        "overdue": "yes" if action.overdue_on(today) else "", "owner": action.owner,
        "raised_in": str(action.raised_in), "text": action.text,
        "last_change": f"{last.at:%d %b %Y} {last.by}: {last.status.value}"
                       + (f" — {last.note}" if last.note else "") if last else "",
    }  # fmt: skip


def cmd_list(args: argparse.Namespace) -> int:
    app = _app(args)
    today = app.store.clock.now().date()
    actions = [
        a for a in app.store.actions.all()
        if (args.status == "all" or a.status.value == args.status)
        and (not args.overdue or a.overdue_on(today))
        and (args.measure is None or a.measure_id.lower() == args.measure.lower())
        and (args.owner is None or a.owner == args.owner.strip().lower())
    ]  # fmt: skip
    if not actions and args.format == "table":
        print(f"No {'overdue' if args.overdue else args.status if args.status != 'all' else ''} "
              "actions.".replace("  ", " "))  # fmt: skip
        return 0
    print(render([action_row(a, today) for a in actions], COLUMNS, args.format))
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    app = _app(args)
    result = app.actions.update(ActionUpdate(
        args.action_id, by=args.actor, via="cli", status=ActionStatus(args.status) if args.status else None,
        note=args.note, due=args.due, owner=args.owner, officer=True))  # fmt: skip
    if not result.accepted:
        problem = next(iter(result.errors.values()))
        hint = " (see perfbot actions list --status all)" if "there is no action" in problem else ""
        raise UserError(problem + hint)
    after = result.action
    assert after is not None
    print(f"{after.action_id}: {after.status.value}, due {after.due}, owner {after.owner}.")
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:  # fmt: skip
    """Add this module's sub-commands to the parser."""
    group = add("actions", None, "remedial actions raised by red returns").add_subparsers(
        dest="action", required=True)  # fmt: skip
    p = add("list", cmd_list, "list tracked actions (open ones unless --status says otherwise)", group)
    p.add_argument("--status", choices=SHOWN, default="open", help="which actions (default open)")
    p.add_argument("--overdue", action="store_true", help="only open actions past their due date")
    p.add_argument("--measure", help="only this measure's actions, e.g. HO02")
    p.add_argument("--owner", help="only the actions of this e-mail address")
    p.add_argument("--format", choices=formats, default="table", help="how to print them")
    p = add("update", cmd_update, "mark an action done or dropped, move its due date or owner", group)
    p.add_argument("action_id", help="the action's id, e.g. HO02-2025-26-Q3 (see actions list)")
    p.add_argument("--status", choices=[s.value for s in ActionStatus], help="its new status")
    p.add_argument("--note", default="", help="what was done, or why it is dropped (required to drop)")
    p.add_argument("--due", help="a new due quarter (2026/27 Q1) or date (2027-03-31)")
    p.add_argument("--owner", help="hand it to someone else (an e-mail address)")
    p.add_argument("--actor", default="performance officer", help="who is doing this (for the audit trail)")
