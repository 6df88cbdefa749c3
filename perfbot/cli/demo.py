"""`perfbot demo`: one whole quarter for a fictional district council, on a clock it advances."""

from __future__ import annotations

import argparse
import random
import tempfile
import time as wallclock
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

from bot.email.channel import EmailChannel
from bot.email.compose import Sender
from bot.email.folder import EmlFolder
from perfbot import app as app_module
from perfbot.cli.demo_actions import show_actions
from perfbot.cli.demo_data import (
    ACTIONS,
    AWAY,
    CHASE,
    DEPUTY,
    FORGETS_COMMENTARY,
    NEVER_REPLY,
    OFFICER,
    PEERS_TOML,
    REASONS,
    REPLY_DAY,
    SAMPLE_PEERS,
    SAMPLE_REGISTER,
    SET_VALUES,
    TYPES_ZERO,
    sample_value,
    write_history,
)  # fmt: skip
from perfbot.cli.demo_sign_off import decide_today
from perfbot.clock import LONDON, ManualClock
from perfbot.config import CONFIG_NAME, DEFAULT_TOML
from perfbot.formatting import format_value, rag_label
from perfbot.model import Measure
from perfbot.people import Absence, stand_in
from perfbot.periods import Period
from perfbot.register_import import load_register
from perfbot.services.corrections import Correction
from perfbot.submission import Submission
from reports.publish import write_quarterly
from reports.render_text import render_text

DEMO_PERIOD = Period(2025, 3)  # Oct–Dec 2025
START = datetime(2026, 1, 2, 8, 0, tzinfo=LONDON)
END = date(2026, 1, 30)
CMT_EMAIL = "cmt@larkfield.gov.uk"


class _Printer:
    """Prints each step, then the messages the local channel delivered during it."""

    def __init__(self) -> None:
        self.started = wallclock.monotonic()
        self._held: list[str] = []

    def step(self, clock: ManualClock, text: str) -> None:
        print(f"\n▸ {clock.now():%a %-d %b %Y %H:%M}  {text}", flush=True)
        for held in self._held:
            print(held, flush=True)
        self._held.clear()

    def message(self, recipient: str, text: str) -> None:
        body = "\n".join(f"    │ {line}" for line in text.splitlines())
        self._held.append(f"  ✉ to {recipient} (local channel)\n{body}")

    def email(self, path: Path, message: EmailMessage) -> None:
        text = message.get_body(("plain",)).get_content().split("\n-- \n")[0]
        body = "\n".join(f"    │ {line}" for line in text.splitlines())
        self._held.append(f"  ✉ e-mail to {message['To']} (saved as emails/{path.name})\n"
                          f"    │ Subject: {message['Subject']}\n{body}")  # fmt: skip

    def note(self, text: str) -> None:
        print(f"    {text}", flush=True)

    def keep_only(self, recipient: str) -> None:
        """Show only the held messages to `recipient` (a round's worth would fill the screen)."""
        self._held = [held for held in self._held if f"to {recipient} " in held.splitlines()[0]]


def run_demo(args: argparse.Namespace) -> int:
    data_dir = Path(tempfile.mkdtemp(prefix="perfbot-demo-"))
    toml = DEFAULT_TOML.replace("Example District Council", "Larkfield District Council").replace(
        'recipients = ["cmt"]', f'recipients = ["{CMT_EMAIL}"]')  # fmt: skip
    for commented, setting in PEERS_TOML.items():
        toml = toml.replace(commented, setting)
    toml = toml.replace("sign_off = false ", "sign_off = true  ")  # heads of service approve (issue 19)
    (data_dir / CONFIG_NAME).write_text(toml, encoding="utf-8")
    out = _Printer()
    clock = ManualClock(START)
    app = app_module.build(data_dir, clock=clock, show=out.message, channels=[_email(data_dir, out, clock)])
    print(f"perfbot demo: Larkfield District Council (fictional), round {DEMO_PERIOD}.\n"
          f"Data directory: {data_dir}")  # fmt: skip
    measures = _load(app, out, clock, data_dir)
    owner, away_from, away_to = AWAY
    app.store.people.set(owner, actor="demo", deputy=DEPUTY, add_absences=(Absence(away_from, away_to),))
    out.step(clock, f"{owner} is away {away_from:%-d}–{away_to:%-d %b}; {DEPUTY} deputises.")
    replies = _plan_replies(app, measures)
    day = START.date()
    while day <= END:
        if app.cycle.calendar.is_working_day(day):
            _working_day(app, out, clock, day, replies)
        day += timedelta(days=1)
    _sign_off_summary(app, out, clock)
    out.step(clock, f"Digest for CMT, {DEMO_PERIOD}:")
    print(render_text(app.digest(DEMO_PERIOD)))
    _publish(app, out, clock)
    files = write_quarterly(app.store, app.config, DEMO_PERIOD, data_dir / "report")
    print(f"\nQuarterly report for Cabinet and Scrutiny: {', '.join(str(f) for f in files)}")
    show_actions(app, out, clock, DEMO_PERIOD)
    emails = sorted((data_dir / "emails").glob("*.eml"))
    print(f"\nE-mails perfbot sent: {len(emails)} .eml files in {data_dir / 'emails'} "
          "(open one in Outlook, Thunderbird or any mail program)")  # fmt: skip
    print(f"\nDone in {wallclock.monotonic() - out.started:.1f} s. Explore it with:\n"
          f"  PERFBOT_DATA={data_dir} perfbot round status \"{DEMO_PERIOD}\"\n"
          f"  PERFBOT_DATA={data_dir} perfbot analyse \"{DEMO_PERIOD}\" --format json\n"
          f"  PERFBOT_DATA={data_dir} perfbot digest \"{DEMO_PERIOD}\" --format markdown\n"
          f"  PERFBOT_DATA={data_dir} perfbot benchmarks show \"{DEMO_PERIOD}\"   # beside CIPFA nearest neighbours\n"
          f"  PERFBOT_DATA={data_dir} perfbot actions list --status all   # remedial actions and what became of them\n"
          f"  PERFBOT_DATA={data_dir} perfbot serve   # then sign in with the link from:\n"
          f"  PERFBOT_DATA={data_dir} perfbot web link {OFFICER}\n"
          f"The public performance page needs no sign-in: with perfbot serve running, open\n"
          f"  {app.config.public_url}/public   (open data: {app.config.public_url}/public/open-data.csv)")  # fmt: skip
    return 0


def _sign_off_summary(app, out, clock) -> None:  # noqa: ANN001 - demo plumbing
    states = ", ".join(f"{p.service}: {p.state}" for p in app.sign_off.progress(DEMO_PERIOD))
    out.step(clock, f"Sign-off by heads of service — {states}. Figures not approved are provisional.")


def _publish(app: app_module.App, out: _Printer, clock: ManualClock) -> None:
    """The earlier quarters' rounds, closed when they were (their figures published), then this
    quarter's: the public page has a trend for the measures the register marks public."""
    end = clock.now()
    for period in DEMO_PERIOD.back(9)[:-1]:
        clock.set(datetime.combine(period.end + timedelta(days=45), datetime.min.time(), tzinfo=LONDON))
        app.store.rounds.open(period, deadline=clock.now(), actor=OFFICER)
        app.cycle.close_round(period, actor=OFFICER)
    clock.set(end)
    app.cycle.close_round(DEMO_PERIOD, actor=OFFICER)
    public = [m.measure_id for m in app.store.register.measures() if m.public]
    out.step(clock, f"The performance officer closes round {DEMO_PERIOD}: its figures are published "
                    f"(as were the 8 quarters before it). The register marks {len(public)} measures "
                    f"public ({', '.join(public)}): /public shows them to anyone.")  # fmt: skip
    _revise(app, out, clock, "WR01", DEMO_PERIOD.previous())


def _revise(app, out, clock, measure_id: str, period: Period) -> None:  # noqa: ANN001 - demo plumbing
    """A published figure corrected with a reason and its quarter published again (a new
    edition, shown on /public as a revision)."""
    was = app.store.returns.get(measure_id, period)
    fixed = round(float(was.value) + 1.4, 1)
    why = "the October tonnage from the materials recovery facility arrived late"
    corrected = app.corrections.correct(Correction(
        measure_id=measure_id, period=period, value=fixed, reason=why, actor=OFFICER, submitted_by=OFFICER,
        commentary=was.commentary, republish=True,
    ))  # fmt: skip
    if not corrected.accepted:
        raise RuntimeError(f"the demo's correction was refused: {corrected.errors}")
    unit = app.store.register.measure(measure_id).unit.value
    out.step(clock, f"{measure_id} for {period} is corrected ({format_value(was.value, unit)} → "
                    f"{format_value(fixed, unit)}: {why}) and {period} republished: /public marks it revised.")  # fmt: skip


def _email(data_dir: Path, out: _Printer, clock: ManualClock) -> EmailChannel:
    """The e-mail channel, writing each message as an .eml file instead of sending it."""
    sender = Sender("performance@larkfield.gov.uk", (OFFICER,), "Larkfield District Council")
    return EmailChannel(EmlFolder(data_dir / "emails", on_write=out.email), sender=sender, now=clock.now)


def _load(app: app_module.App, out: _Printer, clock: ManualClock, data_dir: Path) -> list[Measure]:
    parsed = load_register(SAMPLE_REGISTER)
    app.store.register.apply(parsed.measures, parsed.targets, actor="demo")
    themes = {m.theme for m in parsed.measures}
    services = {m.service for m in parsed.measures}
    out.step(clock, f"Register imported: {len(parsed.measures)} measures, {len(services)} service "
                    f"areas, {len(themes)} Corporate Plan themes.")  # fmt: skip
    overrides = {(t.measure_id, t.period): t.target for t in parsed.targets}
    history_file = data_dir / "history.csv"
    count = write_history(parsed.measures, overrides, DEMO_PERIOD.back(9)[:-1], history_file)
    from collectors.bulk import import_returns

    import_returns(app.store, app.collector, history_file, period=None, actor="demo")
    out.step(clock, f"History imported: {count} returns over the 8 quarters before {DEMO_PERIOD}.")
    _peers(app, out, clock)
    return parsed.measures


def _peers(app: app_module.App, out: _Printer, clock: ManualClock) -> None:
    from collectors.benchmarks import load_peer_values
    from perfbot.cli.benchmarks_commands import summary

    parsed = load_peer_values(SAMPLE_PEERS)
    changes = app.store.peers.save(parsed.values, actor="demo", source=SAMPLE_PEERS.name)
    out.step(clock, summary(SAMPLE_PEERS.name, parsed.values, changes)
             + " (perfbot benchmarks fetch gets them from LG Inform.)")


def _plan_replies(app: app_module.App, measures: list[Measure]) -> dict[date, list[Measure]]:
    """Which owner replies on which day (counted in working days from the opening)."""
    opens = app.cycle.dates(DEMO_PERIOD).opens.date()
    plan: dict[date, list[Measure]] = {}
    for measure in measures:
        if not measure.due_in(DEMO_PERIOD) or measure.owner_email in NEVER_REPLY:
            continue
        offset = REPLY_DAY[measure.owner_email.split("@")[0]]
        plan.setdefault(app.cycle.calendar.add_working_days(opens, offset), []).append(measure)
    return plan


def _working_day(app, out, clock, day, replies) -> None:  # noqa: ANN001 - demo plumbing
    """The scheduler ticks every half hour of the working day (`serve` ticks every minute);
    replies come in at 14:00, the officer chases at 11:00."""
    first = datetime.combine(day, app.config.cycle.send_time, tzinfo=LONDON)
    for step in range(17):
        clock.set(first + timedelta(minutes=30 * step))
        _tick(app, out, clock)
        if clock.now().strftime("%H:%M") == "11:00" and day == CHASE[0]:
            _chase(app, out, clock, CHASE[1])
        if clock.now().strftime("%H:%M") == "13:30" and replies.get(day):
            clock.set(datetime.combine(day, datetime.min.time(), tzinfo=LONDON) + timedelta(hours=14))
            _replies(app, out, clock, replies[day])
        if clock.now().strftime("%H:%M") == "15:00":
            decide_today(app, out, clock, DEMO_PERIOD)


def _tick(app, out, clock) -> None:  # noqa: ANN001 - demo plumbing
    report = app.cycle.tick()
    if report.opened:
        found = app.store.rounds.get(DEMO_PERIOD)
        out.step(clock, f"Round {DEMO_PERIOD} opened; returns due by {found.deadline:%A %-d %B}. "
                        f"{_count(len(report.delivery.sent), 'request')} sent.")  # fmt: skip
    elif report.delivery.sent:
        kinds = sorted({key.split("|")[1].split("#")[0] for key in report.delivery.sent})
        out.step(clock, f"Scheduler: {_count(len(report.delivery.sent), 'message')} sent ({', '.join(kinds)}).")
    for key in report.skipped:
        out.note(f"skipped {key} (no longer useful)")


def _chase(app, out, clock, service: str) -> None:  # noqa: ANN001 - demo plumbing
    chased = app.cycle.chase(DEMO_PERIOD, service=service, actor=OFFICER)
    out.step(clock, f"The performance officer chases {service}: "
                    f"{_count(len(chased.delivery.sent), 'chase')} sent.")  # fmt: skip


def _replies(app, out, clock, todays: list[Measure]) -> None:  # noqa: ANN001 - demo plumbing
    deadline = app.store.rounds.get(DEMO_PERIOD).deadline
    late = " (late)" if clock.now() > deadline else ""
    senders = sorted({_sender(app, m, clock) for m in todays})
    out.step(clock, f"Replies{late} from {', '.join(senders)}:")
    for measure in todays:
        _reply(app, out, clock, measure)


def _sender(app, measure: Measure, clock) -> str:  # noqa: ANN001
    """The owner, or their deputy while they are away."""
    return stand_in(app.store.people.all(), measure.owner_email, clock.now().date())


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _reply(app, out, clock, measure: Measure) -> None:  # noqa: ANN001 - demo plumbing
    rng = random.Random(measure.measure_id)
    value = SET_VALUES.get(measure.measure_id, sample_value(measure, DEMO_PERIOD, _overrides(app), rng))
    first = 0 if measure.measure_id in TYPES_ZERO else value
    commentary, action = _words(app, measure, value, rng)
    if measure.measure_id in FORGETS_COMMENTARY:
        commentary, action = "", ""
    result = _submit(app, measure, first, commentary, action)
    if not result.accepted:
        problems = "; ".join(f"{f}: {m}" for f, m in result.errors.items())
        out.note(f"✗ {measure.measure_id} {format_value(first, measure.unit.value)} rejected — {problems}")
        clock.advance(timedelta(minutes=40))
        commentary, action = _words(app, measure, value, rng, force=True)
        result = _submit(app, measure, value, commentary, action)
    shown = format_value(result.outcome.current.value, measure.unit.value)
    out.note(f"✓ {measure.measure_id} {measure.title}: {shown} [{rag_label(result.rag.rag.value)}]")


def _submit(app, measure: Measure, value: object, commentary: str, action: str):  # noqa: ANN001, ANN202
    return app.collector.submit(Submission(
        measure_id=measure.measure_id, period=DEMO_PERIOD, value=value, commentary=commentary,
        action=action, submitted_by=_sender(app, measure, app.store.clock), channel="local",
    ))  # fmt: skip


def _words(app, measure, value, rng, force=False) -> tuple[str, str]:  # noqa: ANN001
    errors, _, rag = app.collector.check(Submission(measure.measure_id, DEMO_PERIOD, value))
    off = rag is not None and rag.rag.value in ("amber", "red")
    commentary = rng.choice(REASONS) if off or force else "In line with plan."
    action = rng.choice(ACTIONS) if (rag is not None and rag.rag.value == "red") else ""
    return commentary, action


def _overrides(app) -> dict:  # noqa: ANN001
    return app.store.register.target_overrides()
