"""Every user-facing sentence the bot sends, in one place."""

from __future__ import annotations

from bot import sign_off_messages
from perfbot.formatting import format_value
from perfbot.notices import SIGN_OFF_KINDS, ActionAsk, Alert, MeasureLine, NoticeKind, PersonNotice
from perfbot.periods import Period

SUBMIT_RETURNS = "Submit returns"  # the button or action that opens the returns form
OPEN_WEB_FORM = "Open the web form"
SEND_CASE_STUDY = "Send a case study"

_OPENINGS = {
    NoticeKind.REQUEST: "Your {period} performance returns are now open: {returns} to submit.",
    NoticeKind.REMINDER: "Reminder: {returns} for {period} still to submit.",
    NoticeKind.DEADLINE: "Your {period} returns are due today: {returns} still outstanding.",
    NoticeKind.CHASE: "The performance officer is chasing {returns} for {period} not yet submitted.",
    NoticeKind.ESCALATION: "{returns} for {period} in your service {are} overdue.",
}


def _returns(count: int) -> str:
    return f"{count} return" if count == 1 else f"{count} returns"


def deadline_text(notice: PersonNotice) -> str:
    return notice.deadline.strftime("%A %-d %B %Y")


def opening(notice: PersonNotice) -> str:
    count = len(notice.measures)
    text = _OPENINGS[notice.kind].format(
        period=notice.period, returns=_returns(count), are="is" if count == 1 else "are"
    )
    if notice.on_behalf_of:
        their = text.replace("Your ", "Their ", 1).replace("your service", "their service")
        text = f"You are deputy for {notice.on_behalf_of}, who is away. {their}"
    return text


def by_when(notice: PersonNotice) -> str:
    """The line saying by when: due, or already overdue."""
    if notice.kind is NoticeKind.ESCALATION:
        return f"They were due by {deadline_text(notice)}:"
    if notice.overdue:
        return f"They were due by {deadline_text(notice)} and are overdue; please submit now:"
    return f"Please submit by {deadline_text(notice)}:"


def measure_line(line: MeasureLine, *, with_owner: bool = False) -> str:
    target = f"target {format_value(line.target, line.unit)}" if line.target is not None else "no target"
    last = format_value(line.last_value, line.unit) if line.last_value is not None else "none"
    owner = f" — owner {line.owner}" if with_owner and line.owner else ""
    return f"{line.measure_id} {line.title}: {target}, last quarter {last}{owner}"


def actions_heading(notice: PersonNotice) -> str:
    """'Last quarter you said you would:' (or the quarter, when it was longer ago)."""
    quarters = {a.raised_in for a in notice.actions}
    last = str(Period.parse(notice.period).previous())
    if quarters == {last}:
        return "Last quarter you said you would:"
    return "You said you would:"


def action_line(ask: ActionAsk) -> str:
    return f"{ask.measure_id} ({ask.raised_in}): {ask.text} — due {ask.due}. Done?"


def actions_url(notice: PersonNotice) -> str:
    """The web page where the person answers about their actions ("" with no form link)."""
    return f"{notice.form_url.rstrip('/')}/actions" if notice.form_url else ""


def actions_ask(notice: PersonNotice, *, with_url: bool = True) -> str:
    if notice.form_url:
        ask = "Say whether each is done, still open or dropped"
        return f"{ask}: {actions_url(notice)}" if with_url else f"{ask}:"
    return "Tell the performance officer whether each is done, still open or dropped."


def notice_text(notice: PersonNotice) -> str:
    """A request, reminder, chase or escalation (or a sign-off notice) as plain text."""
    if notice.kind in SIGN_OFF_KINDS:
        return sign_off_messages.notice_text(notice)
    lines = [opening(notice), by_when(notice)]
    escalation = notice.kind is NoticeKind.ESCALATION
    lines.extend(f"  • {measure_line(m, with_owner=escalation)}" for m in notice.measures)
    if notice.actions:
        lines.append(actions_heading(notice))
        lines.extend(f"  • {action_line(a)}" for a in notice.actions)
        lines.append(actions_ask(notice))
    if notice.note:
        lines.append(notice.note)
    if notice.form_url:
        lines.append(f"Submit on the web: {notice.form_url}")
    return "\n".join(lines)


def alert_text(alert: Alert) -> str:
    lines = [f"New exceptions in {alert.period} returns since the last alert:"]
    lines.extend(f"  • {item}" for item in alert.items)
    return "\n".join(lines)


def unknown_person(channel: str, email: str) -> str:
    return f"{email} could not be found on {channel}; their message went to the next channel."


def undeliverable(email: str, error: str) -> str:
    return f"Could not deliver to {email}: {error}. The performance officer has been told."
