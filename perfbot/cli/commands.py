"""The sub-commands: each parses its arguments, calls the domain, prints the outcome."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from collectors.bulk import import_returns
from perfbot.cli.app_access import open_app as _app
from perfbot.cli.app_access import open_for_reading
from perfbot.cli.errors import UserError
from perfbot.config import CONFIG_NAME, DEFAULT_TOML
from perfbot.formatting import format_value, rag_label
from perfbot.services.case_study_forms import CaseStudySubmission, consent_of
from perfbot.services.corrections import Correction, Withdrawal
from perfbot.submission import Submission
from perfbot.tables import render
from reports.analysis import analyse
from reports.digest import digest_for

if TYPE_CHECKING:
    from perfbot.app import App
    from perfbot.rag import RagResult
    from perfbot.store import SaveOutcome
    from perfbot.store.restore import Restored

OWNER_COLUMNS = ["owner", "service", "measures", "returned", "on_time", "late", "requested",
                 "reminders", "escalated", "chases", "last_chased", "deputy"]  # fmt: skip
SERVICE_COLUMNS = ["service", "expected", "returned", "on_time", "completion_pct"]
SIGN_OFF_COLUMNS = [*SERVICE_COLUMNS, "sign_off"]  # when [cycle] sign_off is on
UNDELIVERED_COLUMNS = ["recipient", "kind", "for", "attempts", "reason"]
ANALYSE_COLUMNS = ["measure_id", "period", "value", "target", "rag", "dot_previous",
                   "dot_last_year", "exceptions", "published", "revision"]  # fmt: skip


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; write it like 2026-02-13") from None


def cmd_init(args: argparse.Namespace) -> int:
    args.data.mkdir(parents=True, exist_ok=True)
    config_path = args.data / CONFIG_NAME
    if not config_path.exists():
        config_path.write_text(DEFAULT_TOML, encoding="utf-8")
    from perfbot import app as app_module
    from perfbot.settings import Settings, database_url

    app_module.build(args.data, settings=Settings(database_url=database_url(os.environ)))
    print(f"perfbot data directory ready: {args.data} (settings in {config_path})")
    return 0


def cmd_round_open(args: argparse.Namespace) -> int:
    app = _app(args)
    if args.dry_run:
        print("\n".join(_plan_lines(app.cycle.plan_open(args.period, deadline=args.deadline))))
        return 0
    opened, report = app.cycle.open_round(args.period, actor=args.actor, deadline=args.deadline)
    verb = "Opened" if report.opened else "Already open:"
    print(f"{verb} {opened.period}; returns due by {opened.deadline:%A %-d %B %Y}. "
          f"Sent {len(report.delivery.sent)} messages, {len(report.delivery.failed)} failed.")  # fmt: skip
    for key, error in report.delivery.failed:
        print(f"  not delivered: {key}: {error}", file=sys.stderr)
    return 0


def _plan_lines(plan: Any) -> list[str]:  # noqa: ANN401 - schedules.cycle.OpenPlan
    verb = "is open already; would send its unsent requests" if plan.already_open else "would open"
    lines = [f"Dry run: {plan.period} {verb}; returns due by {plan.deadline:%A %-d %B %Y}. "
             f"Nothing is sent. {len(plan.requests)} request(s):"]  # fmt: skip
    for item in plan.requests:
        via = f" (deputy, for {item.addressee})" if item.addressee and item.addressee != item.recipient else ""
        channel = item.channel or "NOT DELIVERABLE: no channel can reach them"
        lines.append(f"  {item.recipient}{via} by {channel}: {', '.join(item.measure_ids)}")
    return lines


def cmd_round_close(args: argparse.Namespace) -> int:
    app = _app(args)
    closed = app.cycle.close_round(args.period, actor=args.actor)
    print(f"Closed {closed.period}: its figures, targets and RAG are published as they stand; "
          "later corrections are shown beside them.")  # fmt: skip
    return 0


def cmd_round_reopen(args: argparse.Namespace) -> int:
    app = _app(args)
    opened = app.cycle.reopen_round(args.period, actor=args.actor, reason=args.reason)
    print(f"Reopened {opened.period}: owners can send and revise returns; closing it again "
          "publishes a new edition.")  # fmt: skip
    return 0


def cmd_round_status(args: argparse.Namespace) -> int:
    status = _app(args).status.of(args.period)
    if args.format == "json":
        import json

        print(json.dumps(status.to_json(), indent=2))
        return 0
    if args.format == "table":
        found = status.round
        state = f"{found.state.value}, due {found.deadline:%-d %b %Y}" if found else "not opened"
        print(f"Round {args.period}: {state}\n")
    print(render([o.row() for o in status.owners], OWNER_COLUMNS, args.format))
    print()
    signing_off = any(s.sign_off is not None for s in status.services)
    print(render([s.row() for s in status.services], SIGN_OFF_COLUMNS if signing_off else SERVICE_COLUMNS,
                 args.format))  # fmt: skip
    if status.undelivered and args.format == "table":
        print(f"\nNot delivered ({len(status.undelivered)}): follow these up by hand")
        print(render([u.row() for u in status.undelivered], UNDELIVERED_COLUMNS, args.format))
    return 0


def cmd_returns_import(args: argparse.Namespace) -> int:
    app = _app(args)
    summary = import_returns(app.store, app.collector, args.file, period=args.period, actor=args.actor,
                             reason=args.reason or "")  # fmt: skip
    print(f"Imported {len(summary.outcomes)} returns from {args.file.name}: "
          f"{summary.count('created')} new, {summary.count('revised')} revised, "
          f"{summary.count('unchanged')} unchanged.")  # fmt: skip
    return 0


def cmd_submit(args: argparse.Namespace) -> int:
    app = _app(args)
    if args.reason is not None:  # an officer's correction (closed and history quarters need one)
        return _correct(app, args)
    if args.republish:
        raise UserError("--republish corrects a published quarter: give the reason (--reason)")
    submission = Submission(
        measure_id=args.measure, period=args.period, value=args.value,
        commentary=args.commentary, action=args.action, submitted_by=args.as_,
        channel="cli", confirmed=args.confirm, officer=True,
    )  # fmt: skip
    result = app.collector.submit(submission)
    if not result.accepted:
        return _field_errors(result.errors)
    _print_saved(app, args, result.outcome, result.rag)
    return 0


def _correct(app: App, args: argparse.Namespace) -> int:
    corrected = app.corrections.correct(Correction(
        measure_id=args.measure, period=args.period, value=args.value, reason=args.reason,
        actor=args.as_ or "performance officer", submitted_by=args.as_, commentary=args.commentary,
        action=args.action, confirmed=args.confirm, republish=args.republish,
    ))  # fmt: skip
    if not corrected.accepted:
        return _field_errors(corrected.errors)
    _print_saved(app, args, corrected.outcome, corrected.rag)
    if corrected.edition is not None:
        print(f"Published {args.period} again (edition {corrected.edition}), with the correction.")
    elif corrected.was_published:
        print(f"{args.period} was published: the correction is shown beside its published figure.")
    return 0


def _field_errors(errors: dict[str, str]) -> int:
    for field, message in errors.items():
        print(f"perfbot: error: {field}: {message}", file=sys.stderr)
    return 2


def _print_saved(app: App, args: argparse.Namespace, outcome: SaveOutcome, rag: RagResult | None) -> None:
    measure = app.store.register.measure(args.measure)
    shown = format_value(outcome.current.value, measure.unit.value if measure else "number")
    label = rag_label(rag.rag.value) if rag else ""
    print(f"{outcome.status.value.capitalize()}: {args.measure} {args.period} = {shown} "
          f"[{label}] (revision {outcome.current.revision})")  # fmt: skip


def cmd_returns_withdraw(args: argparse.Namespace) -> int:
    done = _app(args).corrections.withdraw(Withdrawal(args.measure, args.period, args.reason, actor=args.actor))
    if not done.accepted:
        raise UserError("; ".join(done.errors.values()))
    print(f"Withdrew {args.measure} {args.period} (was {done.withdrawn.value!s}, revision "
          f"{done.withdrawn.revision}); every version is kept.")  # fmt: skip
    return 0


def cmd_analyse(args: argparse.Namespace) -> int:
    config, store = open_for_reading(args)
    print(render(analyse(store, config, args.period).records(), ANALYSE_COLUMNS, args.format))
    return 0


def cmd_digest(args: argparse.Namespace) -> int:
    from perfbot.channels import digest_renderers

    renderers = digest_renderers()
    if args.format not in renderers.names:
        raise UserError(f"digest format '{args.format}' is unknown; use one of {', '.join(renderers.names)}")
    if args.post:
        delivery = _app(args).cycle.post_digest(args.period, actor=args.actor)
        for key, error in delivery.failed:
            print(f"perfbot: error: not delivered: {key}: {error}", file=sys.stderr)
        print(f"Posted the {args.period} digest: {len(delivery.sent)} sent, {len(delivery.failed)} failed.")
        return 1 if delivery.failed else 0
    config, store = open_for_reading(args)  # the same digest as `App.digest`, without the channels
    print(renderers.render(digest_for(store, config, args.period), args.format))
    return 0


CASE_COLUMNS = ["case_id", "title", "theme", "service", "period", "status", "consent_to_publish",
                "for_annual_report", "submitted_by", "submitted_at"]  # fmt: skip


def cmd_casestudy_add(args: argparse.Namespace) -> int:
    import hashlib

    app = _app(args)
    texts = (args.title, args.theme, args.service, args.what_happened, args.impact, args.as_)
    submission = CaseStudySubmission(
        title=args.title, theme=args.theme, service=args.service, what_happened=args.what_happened,
        impact=args.impact, consent=consent_of(args.consent), submitted_by=args.as_, channel="cli",
        idempotency_key=hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16],
    )  # fmt: skip
    result = app.case_studies.submit(submission)
    if not result.accepted:
        for field, message in result.errors.items():
            print(f"perfbot: error: {field}: {message}", file=sys.stderr)
        return 2
    verb = "Received" if result.fresh else "Already received"
    print(f"{verb}: case study {result.study.case_id} '{result.study.title}' ({result.study.period}); "
          "it waits for the performance officer's approval.")  # fmt: skip
    return 0


def cmd_casestudy_list(args: argparse.Namespace) -> int:
    from perfbot.model import CaseStudyStatus

    status = CaseStudyStatus(args.status) if args.status else None
    rows = [s.to_doc() for s in _app(args).store.case_studies.list(status=status)]
    print(render(rows, CASE_COLUMNS, args.format))
    return 0


def cmd_casestudy_moderate(args: argparse.Namespace) -> int:
    from perfbot.model import CaseStudyStatus
    from perfbot.services.case_studies import Moderation

    approve = args.action == "approve"
    reason = (getattr(args, "reason", None) or "").strip()
    done = _app(args).case_studies.moderate(Moderation(
        args.case_id, actor=args.actor, status=CaseStudyStatus.APPROVED if approve else CaseStudyStatus.REJECTED,
        for_annual_report=bool(args.annual_report) if approve else None, reason=reason,
    ))  # fmt: skip
    if done.study is None:
        found = done.errors.get("case_id")
        raise UserError(f"{found} (see perfbot casestudy list)" if found else f"{args.case_id}: {done.errors['for_annual_report']}")
    annual = done.study.for_annual_report
    print(f"{args.case_id}: {done.study.status.value}" + (", marked for the annual report" if annual else "")
          + (f" ({reason})" if reason else ""))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from perfbot import serving
    from perfbot.server import create_asgi, damaged_data
    from perfbot.settings import Settings
    from perfbot.store import StoreCorruptError

    settings = Settings.from_env()
    damaged = [] if settings.database_url else damaged_data(args.data)
    if damaged:  # before anything is built, so nothing is written
        more = f" (and {len(damaged) - 1} more)" if len(damaged) > 1 else ""
        raise StoreCorruptError(f"perfbot serve did not start, and changed nothing: data file "
                                f"{damaged[0]}{more} (README, 'Restoring from backup')")  # fmt: skip
    try:
        sock = serving.bind(args.host, args.port)
    except serving.PortError as error:
        raise UserError(str(error)) from None
    from perfbot import app as app_module

    app = app_module.build(args.data, settings=settings, migrate=args.migrate)
    enabled = ", ".join(["web", *(n for n in ("slack", "m365", "email") if getattr(settings, n))])
    ready = f"perfbot serving {app.config.council_name} on http://{args.host}:{args.port} ({enabled})"
    serving.run(create_asgi(app, settings), sock, on_ready=lambda: print(ready, flush=True))
    return 0


def cmd_store_check(args: argparse.Namespace) -> int:
    from perfbot.cli.store_commands import files_only
    from perfbot.store.restore import check

    files_only("check")
    results = check(args.data)
    damaged = [r for r in results if r.problem]
    for result in damaged:
        print(f"{result.file}: {result.problem}", file=sys.stderr)
    print(f"{len(results)} data files checked, {len(damaged)} damaged."
          + (" Run 'perfbot store restore' to rebuild them from what still reads." if damaged else ""))  # fmt: skip
    return 2 if damaged else 0


def cmd_store_restore(args: argparse.Namespace) -> int:
    from datetime import datetime

    from perfbot.cli.store_commands import files_only
    from perfbot.store.restore import restore_all

    files_only("restore")
    restored = restore_all(args.data, now=datetime.now())
    if not restored:
        print("No damaged data files: nothing to restore.")
    for done in restored:
        for line in _restore_report(done):
            print(line)
    return 0


def _restore_report(done: Restored) -> list[str]:
    """What `store restore` did to one file, and what the officer must follow up."""
    base = f"{done.base.name} and " if done.base else ""
    lines = [f"Restored {done.path} from {base}{done.records} journal records."]
    for skipped in done.skipped:
        damage = skipped.damage
        lines.append(f"  skipped {skipped.file.name} line {damage.line} (byte {damage.offset}, "
                     f"{damage.size} bytes), which does not read: {skipped.head!r}")  # fmt: skip
    if done.skipped:
        count = len(done.skipped)
        lines.append(f"  {count} damaged record{'s' * (count > 1)} skipped: the changes in "
                     f"{'them' if count > 1 else 'it'} are missing; check and enter them again")  # fmt: skip
    lines += [f"  kept {kept.name} aside" for kept in done.kept]
    return lines


def cmd_demo(args: argparse.Namespace) -> int:
    from perfbot.cli.demo import run_demo

    return run_demo(args)


def register(sub: Any, *, period_type: Callable[[str], Any], formats: tuple[str, ...]) -> None:
    """Add every sub-command to the parser."""
    def add(name: str, handler: Callable[[argparse.Namespace], int], helptext: str, parent: Any = sub):
        parser = parent.add_parser(name, help=helptext, description=helptext)
        parser.set_defaults(handler=handler)
        return parser

    def with_actor(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--actor", default="performance officer", help="who is doing this (for the audit trail)")

    add("init", cmd_init, "create the data directory and perfbot.toml")
    round_group = add("round", None, "collection rounds").add_subparsers(dest="action", required=True)  # type: ignore[arg-type]
    p = add("open", cmd_round_open, "open a quarter's round and send every owner their request", round_group)
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p.add_argument("--dry-run", action="store_true", help="say what would be sent, send nothing")
    p.add_argument("--deadline", type=_day, metavar="YYYY-MM-DD", help="the returns deadline (default: the cycle's)")
    with_actor(p)
    p = add("close", cmd_round_close, "close a round and publish its figures as they stand", round_group)
    p.add_argument("period", type=period_type, help='the quarter, e.g. "2025/26 Q3"')
    with_actor(p)
    p = add("reopen", cmd_round_reopen, "reopen a closed round (with a reason)", round_group)
    p.add_argument("period", type=period_type, help='the quarter, e.g. "2025/26 Q3"')
    p.add_argument("--reason", required=True, help="why it is reopened (kept in the audit trail)")
    with_actor(p)
    p = add("status", cmd_round_status, "who has returned, who has been chased", round_group)
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p.add_argument("--format", choices=formats, default="table", help="how to print it")

    returns_group = add("returns", None, "returns").add_subparsers(dest="action", required=True)  # type: ignore[arg-type]
    p = add("import", cmd_returns_import, "import returns from CSV or XLSX (all or nothing)", returns_group)
    p.add_argument("file", type=Path, help="the returns file (.csv or .xlsx)")
    p.add_argument("--period", type=period_type, help="the quarter for rows with no period column")
    p.add_argument("--reason", help="why closed quarters are corrected (history gets 'history imported')")
    with_actor(p)
    p = add("withdraw", cmd_returns_withdraw, "withdraw a return (every version is kept)", returns_group)
    p.add_argument("measure", help="the measure id, e.g. CS01")
    p.add_argument("period", type=period_type, help='the quarter, e.g. "2025/26 Q3"')
    p.add_argument("--reason", required=True, help="why it is withdrawn (kept in the audit trail)")
    with_actor(p)

    p = add("submit", cmd_submit, "submit one measure's figure for a quarter")
    p.add_argument("measure", help="the measure id, e.g. CS01")
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p.add_argument("value", help="the figure, e.g. 87.5 or 87.5%%")
    p.add_argument("--commentary", default="", help="why the figure is what it is (required off target)")
    p.add_argument("--action", default="", help="remedial action (required when red)")
    p.add_argument("--as", dest="as_", metavar="EMAIL", help="submit as this person (checked against the owner)")
    p.add_argument("--confirm", action="store_true", help="confirm a figure that looks like missing data (a 0)")
    p.add_argument("--reason", help="why a closed or history quarter is corrected (required for those)")
    p.add_argument("--republish", action="store_true",
                   help="with --reason, for a closed round: publish its figures again as a new edition")

    p = add("analyse", cmd_analyse, "RAG, direction of travel and exceptions for a quarter")
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p.add_argument("--format", choices=formats, default="table", help="how to print it")

    p = add("digest", cmd_digest, "the CMT digest for a quarter")
    p.add_argument("period", type=period_type, help='a quarter like "2025/26 Q3"')
    p.add_argument("--format", default="text", metavar="FORMAT",  # checked against the renderers' registry
                   help="text, markdown (Markdown), html (e-mail-safe HTML), slack (Block Kit) or "
                        "teams (an Adaptive Card)")
    p.add_argument("--post", action="store_true", help="post it now to the CMT channels")
    with_actor(p)

    case_group = add("casestudy", None, "case studies of staff work").add_subparsers(dest="action", required=True)  # type: ignore[arg-type]
    p = add("add", cmd_casestudy_add, "submit a case study (checked like every channel's)", case_group)
    for name, what in (("title", "a short title"), ("theme", "the Corporate Plan theme"),
                       ("service", "the service area"), ("what-happened", "what the staff did"),
                       ("impact", "the difference it made")):  # fmt: skip
        p.add_argument(f"--{name}", required=True, help=what)
    p.add_argument("--consent", required=True, choices=("yes", "no"), help="consent to publish")
    p.add_argument("--as", dest="as_", metavar="EMAIL", required=True, help="whose case study it is")
    p = add("list", cmd_casestudy_list, "list case studies", case_group)
    p.add_argument("--status", choices=("submitted", "approved", "rejected"), help="only these")
    p.add_argument("--format", choices=formats, default="table", help="how to print it")
    for verb in ("approve", "reject"):
        p = add(verb, cmd_casestudy_moderate, f"{verb} a case study", case_group)
        p.add_argument("case_id", help="the case study's id (see perfbot casestudy list)")
        if verb == "approve":
            p.add_argument("--annual-report", action="store_true", help="mark it for the annual report")
        else:
            p.add_argument("--reason", help="why it is rejected (kept in the audit trail)")
        with_actor(p)

    store_group = add("store", None, "check and restore the data files").add_subparsers(dest="action", required=True)  # type: ignore[arg-type]
    add("check", cmd_store_check, "check that every data file loads", store_group)
    add("restore", cmd_store_restore, "rebuild damaged data files from their automatic backups", store_group)
    from perfbot.cli import store_commands

    store_commands.register(store_group, add=add)

    p = add("serve", cmd_serve, "web forms, Slack and Teams endpoints, and the scheduler")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: behind a proxy)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--migrate", action="store_true",
                   help="on PostgreSQL, bring the database's schema up to date before serving")  # fmt: skip

    p = add("demo", cmd_demo, "a whole simulated quarter on the embedded defaults")

    # Each area registers its own commands in its own module.
    from perfbot.cli import (
        actions_commands,
        benchmarks_commands,
        cycle_commands,
        m365_commands,
        register_commands,
        report_commands,
        signoff_commands,
        slack_commands,
        web_commands,
    )  # fmt: skip

    modules = (register_commands, cycle_commands, report_commands, slack_commands, m365_commands,
               web_commands, benchmarks_commands, actions_commands, signoff_commands)  # fmt: skip
    for module in modules:
        module.register(sub, add=add, period_type=period_type, formats=formats)
