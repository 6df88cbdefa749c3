"""Every user-facing sentence of the e-mail channel, in one place (the notice wording itself is
shared with the other channels in `bot.messages`)."""

from __future__ import annotations

from perfbot.notices import Alert, NoticeKind, PersonNotice

_SUBJECTS = {
    NoticeKind.REQUEST: "Performance returns for {period}: {count} due by {day}",
    NoticeKind.REMINDER: "Reminder: performance returns for {period}: {count} due by {day}",
    NoticeKind.DEADLINE: "Due today: performance returns for {period}: {count} outstanding",
    NoticeKind.CHASE: "Chasing: performance returns for {period}: {count} outstanding",
    NoticeKind.ESCALATION: "Overdue in your service: performance returns for {period}: {count} outstanding",
}
BUTTON = "Submit your figures"
NO_LINK = "Reply to this e-mail or contact the performance officer to send your figures."
FOOTER = "Sent by perfbot for the performance team of {council}. Replies go to the performance officers."
PERSONAL = " The link is personal to you: please do not forward this e-mail."
DIGEST_SUBJECT = "Performance digest for {period}: {council}"
ALERT_SUBJECT = "New performance exceptions in {period} returns ({count})"
SIGN_IN_SUBJECT = "Your sign-in link for {council} performance"
SIGN_IN_TEXT = ("Someone (we hope you) asked for a link to sign in to {council}'s performance pages.\n\n"
                "Sign in: {url}\n\nThe link works for {hours} hours. If you did not ask for it, "
                "ignore this e-mail: nobody can sign in without it.")  # fmt: skip


def subject(notice: PersonNotice) -> str:
    """'Performance returns for 2025/26 Q3: 3 due by Thursday 22 January'."""
    count = len(notice.measures)
    return _SUBJECTS[notice.kind].format(period=notice.period, count=count,
                                         day=f"{notice.deadline:%A %-d %B}")  # fmt: skip


def alert_subject(alert: Alert) -> str:
    return ALERT_SUBJECT.format(period=alert.period, count=len(alert.items))


def measure_columns() -> tuple[str, ...]:
    return ("Measure", "Target", "Last quarter")
