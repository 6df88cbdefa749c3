"""Every user-facing sentence the bot sends, in one place."""

from __future__ import annotations

from perfbot.formatting import format_value
from perfbot.notices import Alert, MeasureLine, NoticeKind, PersonNotice

_OPENINGS = {
    NoticeKind.REQUEST: "Your {period} performance returns are now open.",
    NoticeKind.REMINDER: "Reminder: {count} of your {period} returns are still due.",
    NoticeKind.DEADLINE: "Your {period} returns are due today: {count} still outstanding.",
    NoticeKind.CHASE: "The performance officer is chasing {count} {period} returns from you.",
    NoticeKind.ESCALATION: "{count} {period} returns in your service are overdue.",
}


def deadline_text(notice: PersonNotice) -> str:
    return notice.deadline.strftime("%A %-d %B %Y")


def opening(notice: PersonNotice) -> str:
    text = _OPENINGS[notice.kind].format(period=notice.period, count=len(notice.measures))
    if notice.on_behalf_of:
        text = f"(For {notice.on_behalf_of}, who is away.) " + text
    return text


def measure_line(line: MeasureLine, *, with_owner: bool = False) -> str:
    target = f"target {format_value(line.target, line.unit)}" if line.target is not None else "no target"
    last = format_value(line.last_value, line.unit) if line.last_value is not None else "none"
    owner = f" — owner {line.owner}" if with_owner and line.owner else ""
    return f"{line.measure_id} {line.title}: {target}, last quarter {last}{owner}"


def notice_text(notice: PersonNotice) -> str:
    """A request, reminder, chase or escalation as plain text."""
    lines = [opening(notice)]
    if notice.kind is NoticeKind.ESCALATION:
        lines.append(f"They were due by {deadline_text(notice)}:")
    else:
        lines.append(f"Please submit by {deadline_text(notice)}:")
    escalation = notice.kind is NoticeKind.ESCALATION
    lines.extend(f"  • {measure_line(m, with_owner=escalation)}" for m in notice.measures)
    if notice.note:
        lines.append(notice.note)
    if notice.form_url:
        lines.append(f"Submit on the web: {notice.form_url}")
    return "\n".join(lines)


def alert_text(alert: Alert) -> str:
    lines = [f"New exceptions in {alert.period} returns:"]
    lines.extend(f"  • {item}" for item in alert.items)
    return "\n".join(lines)


def unknown_person(channel: str, email: str) -> str:
    return f"{email} could not be found on {channel}; their message went to the next channel."


def undeliverable(email: str, error: str) -> str:
    return f"Could not deliver to {email}: {error}. The performance officer has been told."
