"""Every user-facing sentence about sign-off, shared by the channels (`bot.messages` style)."""

from __future__ import annotations

from perfbot.formatting import format_value, rag_label
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice

APPROVE = "Approve"
SEND_BACK = "Send back"
OPEN_PAGE = "Open the sign-off page"
REASON_LABEL = "Why are they sent back? The owners will read this."
BEHALF_LABEL = "Deciding for the head of service: why? (required)"
REASON_HINT = "Required when sending back, or when deciding on the head of service's behalf."
APPROVED = "Approved: the {period} figures for {service}, by {by}."
SENT_BACK = "Sent back: the {period} figures for {service}, by {by}. The owners have been told why."
ON_BEHALF = " (on behalf of {head}: {reason})"
NOT_YOURS = "{person} may not sign off {service}: its head of service or their deputy can, or a performance officer."

_OPENINGS = {
    NoticeKind.SIGN_OFF: "The {period} figures for {service} are all in: please approve them, or send them back with a reason.",
    NoticeKind.SIGN_OFF_REMINDER: "Reminder: the {period} figures for {service} are waiting for your approval.",
    NoticeKind.SIGN_OFF_ESCALATION: ("The {period} figures for {service} are still waiting for the head of "
                                     "service's approval. A performance officer may decide on their behalf, with a reason."),
    NoticeKind.SENT_BACK: "The {period} figures for {service} were sent back by the head of service. Please revise them.",
}  # fmt: skip
_SUBJECTS = {
    NoticeKind.SIGN_OFF: "Sign-off: {service}, {period} performance figures",
    NoticeKind.SIGN_OFF_REMINDER: "Reminder: sign off {service}, {period} performance figures",
    NoticeKind.SIGN_OFF_ESCALATION: "Not signed off yet: {service}, {period} performance figures",
    NoticeKind.SENT_BACK: "Sent back: {service}, {period} performance figures",
}


def subject(notice: PersonNotice) -> str:
    return _SUBJECTS[notice.kind].format(service=notice.service, period=notice.period)


def opening(notice: PersonNotice) -> str:
    text = _OPENINGS[notice.kind].format(service=notice.service, period=notice.period)
    if notice.on_behalf_of:
        text = f"You are deputy for {notice.on_behalf_of}, who is away. {text}"
    return text


def reason_line(notice: PersonNotice) -> str:
    return f"Why: {notice.note}" if notice.kind is NoticeKind.SENT_BACK and notice.note else ""


def figure_line(line: MeasureLine) -> str:
    """'HO01 Rent collected: 96.5% — ● Green (target 97%)'."""
    target = f"target {format_value(line.target, line.unit)}" if line.target is not None else "no target"
    if line.value is None:
        return f"{line.measure_id} {line.title}: not returned ({target})"
    return f"{line.measure_id} {line.title}: {format_value(line.value, line.unit)} — {rag_label(line.rag)} ({target})"


def link_line(notice: PersonNotice) -> str:
    if not notice.form_url:
        return ""
    if notice.kind is NoticeKind.SENT_BACK:
        return f"Revise on the web: {notice.form_url}"
    return f"Approve or send back: {notice.form_url}"


def notice_text(notice: PersonNotice) -> str:
    """A sign-off notice as plain text."""
    lines = [opening(notice), reason_line(notice)]
    lines += [f"  • {figure_line(m)}" for m in notice.measures]
    lines.append(link_line(notice))
    return "\n".join(line for line in lines if line)


def decided(*, service: str, period: str, by: str, approved: bool, on_behalf_of: str = "", reason: str = "") -> str:
    """What the person who decided is told."""
    text = (APPROVED if approved else SENT_BACK).format(service=service, period=period, by=by)
    if on_behalf_of:
        text = text[:-1] + ON_BEHALF.format(head=on_behalf_of, reason=reason) + "."
    return text


def opening_for(service: str, period: str) -> str:
    """The first line of a sign-off request, for a message being replaced once decided."""
    return _OPENINGS[NoticeKind.SIGN_OFF].format(service=service, period=period)


YOUR_SIGN_OFFS = "Your sign-offs"
_STANDING = {
    "returns outstanding": "returns outstanding, nothing to sign off yet",
    "awaiting approval": "awaiting approval",
    "approved": "approved",
    "sent back": "sent back",
}


def standing_line(service: str, state: str, *, reason: str = "", to_decide: bool = False) -> str:
    """'Housing: sent back — Why: …' or 'Housing: awaiting your decision' (status answers)."""
    words = "awaiting your decision" if to_decide else _STANDING.get(state, state)
    return f"{service}: {words}" + (f" — Why: {reason}" if reason else "")


def service_sign_off(state: str | None) -> str:
    """' · sign-off: approved' after an officer's completion line; '' with sign-off off."""
    return f" · sign-off: {state}" if state else ""
