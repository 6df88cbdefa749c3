"""`/perf`: status [period], chase [service | @person], submit, casestudy, help.

Every command is acknowledged at once; anything slow (a chase sends DMs) is answered afterwards
through the command's response URL, visible only to the person who asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp

from bot import sign_off_messages as signoff_say
from bot.slack import messages as say
from bot.slack.after_ack import logged
from bot.slack.blocks import Block, escape, fallback_text, section
from bot.slack.on_casestudy import open_case_study
from bot.slack.on_returns import open_returns
from bot.slack.runtime import Slack, log
from bot.slack.signoff_blocks import decision_buttons
from perfbot.periods import Period, PeriodError
from perfbot.services.round_status import PersonStatus
from schedules.chase import ChaseReport
from schedules.errors import RoundError

Ack = Callable[..., Any]
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")


def register(bolt: BoltApp, slack: Slack) -> None:
    def perf(ack: Ack, command: dict[str, Any]) -> None:
        """What Slack hears back at once: help, a refusal, or an empty ack while the work runs."""
        word, rest = _words(command)
        if word == "chase":
            refusal = chase_refusal(slack, user_id=command["user_id"], target=rest)
            what = escape(_owner(slack, rest) or rest or "everyone with returns outstanding")
            ack(text=refusal or say.CHASING.format(what=what, period="the current round"),
                response_type="ephemeral")  # fmt: skip
        elif word in WORK:
            ack()
        else:
            unknown = say.UNKNOWN_COMMAND.format(word=escape(word[:40])) if word not in ("", "help") else ""
            ack(text=unknown + say.HELP, response_type="ephemeral")

    def perf_work(command: dict[str, Any], respond: Callable[..., Any]) -> None:
        """The command's work, after the ack."""
        word, rest = _words(command)
        user_id = command["user_id"]
        if word == "submit":
            open_returns(slack, trigger_id=command["trigger_id"], user_id=user_id, period=rest or None)
        elif word in ("casestudy", "case-study", "case"):
            open_case_study(slack, trigger_id=command["trigger_id"])
        elif word == "status":
            text, seen = status(slack, user_id, rest)
            answer(respond, text, status_blocks(text, seen))
        elif word == "chase" and chase_refusal(slack, user_id=user_id, target=rest) is None:
            chase(slack, lambda text: answer(respond, text), user_id=user_id, target=rest)

    bolt.command("/perf")(ack=perf, lazy=[logged(perf_work)])


WORK = frozenset({"submit", "casestudy", "case-study", "case", "status", "chase"})


def _words(command: dict[str, Any]) -> tuple[str, str]:
    """The command's first word (lower case) and the rest of its text."""
    word, _, rest = " ".join((command.get("text") or "").split()).partition(" ")
    return word.lower(), rest


def answer(respond: Callable[..., Any], text: str, blocks: list[Block] | None = None) -> None:
    """Reply on the command's response URL, visible only to the person who asked. Slack gives
    each URL for 30 minutes and 5 replies; a URL that no longer works is logged, not raised."""
    try:
        respond(text=fallback_text(text), response_type="ephemeral", **({"blocks": blocks} if blocks else {}))
    except (OSError, ValueError) as error:
        log.warning("Slack: could not answer a /perf command on its response URL: %s", error)


def status(slack: Slack, user_id: str, text: str) -> tuple[str, PersonStatus | None]:
    """Where the round stands: the person's own returns; for officers, every service; for a
    head of service or deputy, their services' sign-off. The text, and what it was made from."""
    email = slack.people.email_of(user_id) or ""
    try:
        seen = slack.perf.status.for_person(email, Period.parse(text) if text else None)
    except PeriodError:
        return say.NOT_A_PERIOD.format(text=escape(text[:40])), None
    if seen is None:
        return say.NO_ROUND, None
    found = seen.round
    lines = [say.STATUS_HEAD.format(period=found.period, state=found.state.value,
                                    deadline=f"{found.deadline:%A %-d %B %Y}")]  # fmt: skip
    mine = seen.measures
    if mine:
        lines.append(say.STATUS_MINE.format(returned=seen.count_returned, expected=len(mine)))
        lines += [f"• {m.measure_id} {m.title}: {'in' if m.measure_id in seen.returned else 'outstanding'}"
                  for m in mine]  # fmt: skip
    if seen.sign_offs:
        lines += ["", f"*{signoff_say.YOUR_SIGN_OFFS}*"] + [
            "• " + signoff_say.standing_line(s.service, s.state, reason=s.reason, to_decide=s.to_decide)
            for s in seen.sign_offs
        ]  # fmt: skip
    if seen.services:
        lines += ["", "*By service*"] + [
            "• " + say.STATUS_SERVICE.format(service=r.service, returned=r.returned,
                                             expected=r.expected, pct=r.completion_pct)
            + signoff_say.service_sign_off(r.sign_off)
            for r in seen.services
        ]  # fmt: skip
    return "\n".join(lines), seen


def status_blocks(text: str, seen: PersonStatus | None) -> list[Block] | None:
    """The status as blocks, with Approve / Send back under each service awaiting the person's
    decision; None (plain text) when nothing awaits them."""
    waiting = [s for s in seen.sign_offs if s.to_decide] if seen is not None else []
    if not waiting or seen is None:
        return None
    chunks = [""]
    for line in fallback_text(text).split("\n"):
        if len(chunks[-1]) + len(line) > 2900:
            chunks.append("")
        chunks[-1] += line + "\n"
    blocks: list[Block] = [section(chunk.rstrip()) for chunk in chunks if chunk.strip()]
    for standing in waiting[:20]:
        blocks += [section(f"*{escape(standing.service)}*"),
                   decision_buttons(str(seen.round.period), standing.service, url=standing.link)]  # fmt: skip
    return blocks[:50]


def chase_refusal(slack: Slack, *, user_id: str, target: str) -> str | None:
    """Why this person may not chase this target (officers only; a mention must be in Slack)."""
    if not slack.people.is_officer(slack.people.email_of(user_id)):
        officers = ", ".join(slack.perf.config.performance_officers) or "the performance officer"
        return say.OFFICERS_ONLY.format(officers=officers)
    if _USER.match(target) and _owner(slack, target) is None:
        return say.NOT_IN_SLACK
    return None


def _owner(slack: Slack, target: str) -> str | None:
    """The e-mail of the person a target @mentions (None: not a mention, or not in Slack)."""
    mention = _USER.match(target)
    return slack.people.email_of(mention.group(1)) if mention else None


def chase(slack: Slack, respond: Callable[[str], None], *, user_id: str, target: str) -> None:
    """Chase one service, one person (@mention), or everyone outstanding (`chase_refusal` first)."""
    email = slack.people.email_of(user_id)
    owner = _owner(slack, target)
    try:
        report = slack.perf.cycle.chase(service=None if _USER.match(target) else (target or None), owner=owner,
                                        actor=email or user_id)  # fmt: skip
    except RoundError as error:
        respond(str(error))
        return
    respond(chase_summary(report))


def chase_summary(report: ChaseReport) -> str:
    """What a chase did, in words."""
    names = sorted(a.addressee or a.recipient for a in report.chased)
    if names:
        people = "person" if len(names) == 1 else "people"
        lines = [say.CHASED.format(count=len(names), people=people, period=report.period,
                                   names=", ".join(names))]  # fmt: skip
    else:
        lines = [say.CHASED_NONE.format(period=report.period, why="nobody outstanding was due a chase")]
    lines += [say.QUIET.format(owner=q.owner, last=q.last_at, until=q.until) for q in report.quiet]
    if report.delivery.failed:
        lines.append(say.NOT_DELIVERED.format(errors="; ".join(e for _, e in report.delivery.failed)))
    return "\n".join(lines)
