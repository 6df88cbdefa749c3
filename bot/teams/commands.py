"""The text commands people type to the bot: help, status, submit, casestudy, chase, digest here.

Each takes the app, who is asking and where, and gives back a reply (text and/or a card); they
are synchronous store code, run off the event loop by the caller.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot import sign_off_messages as signoff_say
from bot.teams import cards
from bot.teams import messages as say
from bot.teams.actions_reply import open_actions_card
from bot.teams.cards import heading
from bot.teams.conversations import ConversationRef
from bot.teams.digest_card import plain
from bot.teams.markdown import escape_markdown
from bot.teams.refs import conversations_of
from bot.teams.returns import form_for
from bot.teams.signoff_card import decision_card
from collectors.reply_parser import Candidate, NotRead, read_reply
from perfbot.formatting import format_value
from perfbot.services.ports import RoundError

if TYPE_CHECKING:
    from perfbot.services import Services
    from perfbot.services.round_status import PersonStatus

_MENTION = re.compile(r"<at>.*?</at>", re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class Reply:
    text: str = ""
    card: cards.Card | None = None


def clean(text: str) -> str:
    """The words typed, without @mentions or HTML."""
    return " ".join(html.unescape(_TAG.sub(" ", _MENTION.sub(" ", text or ""))).split())


def handle(app: Services, text: str, *, email: str, where: ConversationRef) -> Reply:
    """Answer one typed command."""
    words = clean(text).split(" ")
    command, args = words[0].lower(), words[1:]
    handlers: dict[str, Any] = {"status": _status, "submit": _submit, "casestudy": _case_study,
                                "chase": _chase, "digest": _digest, "actions": _actions}  # fmt: skip
    handler = handlers.get(command)
    if handler is not None:
        return handler(app, args, email, where)
    return _plain_reply(app, clean(text), email) if where.kind == "personal" else Reply(say.HELP)


def _is_officer(app: Services, email: str) -> bool:
    return app.status.is_officer(email)


def _submit(app: Services, args: list[str], email: str, where: ConversationRef) -> Reply:
    found = app.duties.current_round(email)
    if found is None:
        return Reply(say.NO_OPEN_ROUND)
    form = form_for(app, email, found.period, app.duties.owed(email, found.period).outstanding)
    if form is None:
        return Reply(say.NOTHING_OUTSTANDING.format(period=found.period))
    return Reply(card=cards.return_card(form))


def _actions(app: Services, args: list[str], email: str, where: ConversationRef) -> Reply:
    return Reply(card=open_actions_card(app, email))


def _plain_reply(app: Services, text: str, email: str) -> Reply:
    """'M1 was 87.5%, down because …': read it, and offer it on a card to check and submit."""
    found = app.duties.current_round(email)
    if found is None or not any(ch.isdigit() for ch in text):
        return Reply(say.HELP)
    duties = app.duties.owed(email, found.period).duties
    mine = [d.measure for d in duties]
    candidates = [Candidate(d.measure.measure_id, d.measure.title, d.measure.unit.value, not d.returned)
                  for d in duties]  # fmt: skip
    reading = read_reply(text, candidates, quarter=found.period.quarter)
    if isinstance(reading, NotRead):
        return Reply(f"{escape_markdown(reading.reason)}\n{say.OR_SUBMIT}")
    measure = next(m for m in mine if m.measure_id == reading.measure_id)
    form = form_for(app, email, found.period, [measure])
    assert form is not None
    form = replace(form, heading=say.READ_AS.format(measure_id=measure.measure_id, written=reading.written))
    typed = {cards.input_id(measure.measure_id, "value"): reading.written,
             cards.input_id(measure.measure_id, "commentary"): reading.commentary}  # fmt: skip
    return Reply(card=cards.return_card(form, cards.FormState(values=typed)))


def _case_study(app: Services, args: list[str], email: str, where: ConversationRef) -> Reply:
    choices = app.case_studies.choices()
    return Reply(card=cards.case_study_card(choices.themes, choices.services))


def _status(app: Services, args: list[str], email: str, where: ConversationRef) -> Reply:
    seen = app.status.for_person(email)
    if seen is None:
        return Reply(say.NO_OPEN_ROUND)
    waiting = [s for s in seen.sign_offs if s.to_decide]
    if not waiting:
        return Reply("\n".join(_status_lines(seen, escape_markdown)))
    period = str(seen.round.period)
    body = [plain(line.strip()) for line in _status_lines(seen, str) if line.strip()]
    found = decision_card(period, waiting[0].service, [heading(f"{waiting[0].service} · {period}"), *body],
                          form_url=waiting[0].link)  # fmt: skip
    found["actions"] += [{"type": "Action.OpenUrl", "title": f"{signoff_say.OPEN_PAGE}: {s.service}"[:80],
                          "url": s.link} for s in waiting[1:5]]  # fmt: skip
    return Reply(card=found)


def _status_lines(seen: PersonStatus, esc: Callable[[Any], str]) -> list[str]:
    """The status answer's lines, each piece of data passed through `esc` (Markdown or none)."""
    found = seen.round
    lines = [say.STATUS_HEADING.format(period=found.period, deadline=f"{found.deadline:%A %-d %B}")]
    for measure in seen.measures:
        got = seen.returned.get(measure.measure_id)
        state = f"returned ({format_value(got.value, measure.unit.value)})" if got else "outstanding"
        lines.append(say.STATUS_LINE.format(measure_id=esc(measure.measure_id), title=esc(measure.title),
                                            state=esc(state)))  # fmt: skip
    if not seen.measures:
        lines = [say.NOTHING_OWNED.format(period=found.period)]
    if seen.sign_offs:
        lines.append(f"{signoff_say.YOUR_SIGN_OFFS}:")
        lines += ["  • " + esc(signoff_say.standing_line(s.service, s.state, reason=s.reason, to_decide=s.to_decide))
                  for s in seen.sign_offs]  # fmt: skip
    if seen.services:
        lines.append(say.SERVICES_HEADING)
        lines += [say.SERVICE_LINE.format(service=esc(s.service), returned=s.returned, expected=s.expected,
                                          pct=round(s.completion_pct)) + esc(signoff_say.service_sign_off(s.sign_off))
                  for s in seen.services]  # fmt: skip
    return lines


def _chase(app: Services, args: list[str], email: str, where: ConversationRef) -> Reply:
    if not _is_officer(app, email):
        return Reply(say.OFFICERS_ONLY.format(what="chase"))
    scope = {"service": None, "owner": None}
    if len(args) >= 2 and args[0].lower() in scope:
        scope[args[0].lower()] = " ".join(args[1:])
    try:
        report = app.cycle.chase(None, service=scope["service"], owner=scope["owner"], actor=email)
    except RoundError as error:
        return Reply(escape_markdown(error))
    if not report.chased and not report.quiet:
        return Reply(say.CHASE_NOTHING.format(period=report.period))
    lines = []
    if report.chased:
        names = escape_markdown(", ".join(a.addressee or a.recipient for a in report.chased))
        lines.append(say.CHASE_DONE.format(count=len(report.chased), period=report.period, names=names))
    if report.quiet:
        lines.append(say.CHASE_QUIET.format(hours=app.config.cycle.chase_quiet_hours,
                                            names=escape_markdown(", ".join(q.owner for q in report.quiet))))  # fmt: skip
    if report.delivery.failed:
        lines.append(say.CHASE_FAILED.format(count=len(report.delivery.failed)))
    return Reply("\n".join(lines))


def _digest(app: Services, args: list[str], email: str, where: ConversationRef) -> Reply:
    if [a.lower() for a in args[:1]] != ["here"]:
        return Reply(say.HELP)
    if not _is_officer(app, email):
        return Reply(say.OFFICERS_ONLY.format(what="choose where the CMT digest goes"))
    if where.kind != "channel":
        return Reply(say.NOT_IN_CHANNEL)
    names = app.config.cmt_recipients
    name = args[1] if len(args) > 1 and args[1] in names else names[0]
    conversations_of(app.store).bind(where.conversation_id, name, actor=email)
    return Reply(say.DIGEST_BOUND.format(name=escape_markdown(name)))
