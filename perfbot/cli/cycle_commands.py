"""Commands of the running cycle: `chase`, and `people` (deputies and absences)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from typing import Any

from perfbot.cli.app_access import open_app as _app
from perfbot.cli.errors import UserError
from perfbot.people import Absence, PersonError
from perfbot.services.ports import ChaseOutcome
from perfbot.tables import render

PEOPLE_COLUMNS = ["email", "deputy", "away", "away_today"]




def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it like 2026-02-13") from None


def cmd_chase(args: argparse.Namespace) -> int:
    app = _app(args)
    report = app.cycle.chase(args.period, service=args.service, owner=args.owner,
                             force=args.force, actor=args.actor)  # fmt: skip
    print("\n".join(chase_lines(report, quiet_hours=app.config.cycle.chase_quiet_hours)))
    for key, error in report.delivery.failed:
        print(f"  not delivered: {key}: {error}", file=sys.stderr)
    return 0


def chase_lines(report: ChaseOutcome, *, quiet_hours: int) -> list[str]:
    """What a chase did, for the officer."""
    if not report.chased and not report.quiet:
        return [f"Nothing outstanding to chase in {report.period}."]
    lines = [f"Chased {len(report.chased)} owner(s) for {report.period}:"] if report.chased else []
    for action in report.chased:
        via = f" (to their deputy {action.recipient})" if action.on_behalf_of else ""
        lines.append(f"  {action.addressee}{via}: {', '.join(action.measure_ids)}")
    if report.quiet:
        lines.append(f"Not chased (chased within the last {quiet_hours} hours; --force to chase anyway):")
        lines += [f"  {q.owner}: chased {q.last_at:%-d %b %H:%M}, quiet until {q.until:%-d %b %H:%M}"
                  for q in report.quiet]  # fmt: skip
    lines.append(f"Sent {len(report.delivery.sent)} messages, {len(report.delivery.failed)} failed.")
    return lines


def cmd_people_set(args: argparse.Namespace) -> int:
    app = _app(args)
    changes: dict[str, Any] = {}
    if args.no_deputy:
        changes["deputy"] = None
    elif args.deputy is not None:
        changes["deputy"] = args.deputy
    try:
        absences = tuple(Absence(start, end) for start, end in args.away or ())
        person = app.store.people.set(args.email, actor=args.actor, add_absences=absences,
                                      clear_absences=args.clear_away, **changes)  # fmt: skip
    except PersonError as error:
        raise UserError(str(error)) from None
    away = "; ".join(str(a) for a in person.absences) or "no absences"
    print(f"{person.email}: deputy {person.deputy or 'none'}; {away}.")
    for warning in _unknown_people(app, person.email, person.deputy):
        print(f"perfbot: warning: {warning}", file=sys.stderr)
    return 0


def _unknown_people(app, *emails: str | None) -> list[str]:  # noqa: ANN001 - perfbot.app.App
    """Addresses that are nobody in the register (a typo sends deputies' messages nowhere)."""
    known = {e.lower() for m in app.store.register.measures() for e in (m.owner_email, m.head_of_service_email)}
    known |= {e.lower() for e in app.config.performance_officers}
    return [f"{email} is not an owner, head of service or officer in the register (a typo?)"
            for email in emails if email and email.lower() not in known]


def cmd_people_show(args: argparse.Namespace) -> int:
    app = _app(args)
    today = app.store.clock.now().date()
    rows = [
        {"email": p.email, "deputy": p.deputy or "", "away": [str(a) for a in p.absences],
         "away_today": "yes" if p.away_on(today) else ""}
        for p in app.store.people.all().values()
    ]  # fmt: skip
    print(render(rows, PEOPLE_COLUMNS, args.format))
    return 0


def register(sub: Any, *, add: Callable[..., Any], period_type: Callable[[str], Any],
             formats: tuple[str, ...]) -> None:
    """Add this module's sub-commands to the parser."""
    p = add("chase", cmd_chase, "chase owners with returns still outstanding (sends at once)")
    p.add_argument("period", type=period_type, nargs="?", help="the round (default: the latest open one)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--service", metavar="NAME", help="only this service area's owners")
    who.add_argument("--owner", metavar="EMAIL", help="only this owner")
    p.add_argument("--force", action="store_true", help="chase even those chased within the quiet period")
    _actor(p)

    group = add("people", None, "deputies and absences").add_subparsers(dest="action", required=True)
    p = add("set", cmd_people_set, "set a person's deputy and add absences", group)
    p.add_argument("email", help="the person's e-mail address, as in the register")
    deputy = p.add_mutually_exclusive_group()
    deputy.add_argument("--deputy", metavar="EMAIL", help="who receives their messages while they are away")
    deputy.add_argument("--no-deputy", action="store_true", help="remove their deputy")
    p.add_argument("--away", nargs=2, type=_day, action="append", metavar=("FROM", "TO"),
                   help="away from FROM to TO inclusive (YYYY-MM-DD); repeat for more")  # fmt: skip
    p.add_argument("--clear-away", action="store_true", help="forget their earlier absences first")
    _actor(p)
    p = add("show", cmd_people_show, "list deputies and absences", group)
    p.add_argument("--format", choices=formats, default="table", help="how to print it")


def _actor(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--actor", default="performance officer", help="who is doing this (for the audit trail)")
