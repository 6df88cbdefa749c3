"""A sign-off notice as an e-mail: the subject, the plain text and the HTML (the notice layout,
with this quarter's figure and rating in place of target and last quarter)."""

from __future__ import annotations

from bot import sign_off_messages as say
from bot.email import html as notice_mail
from bot.email import messages
from perfbot.formatting import format_value, rag_label
from perfbot.notices import MeasureLine, NoticeKind, PersonNotice

COLUMNS = ("Measure", "Figure", "Rating")
DECIDE_BUTTON = "Approve or send back"
REVISE_BUTTON = "Revise your figures"


def _row(line: MeasureLine) -> dict[str, str]:
    figure = format_value(line.value, line.unit) if line.value is not None else "not returned"
    return {"name": f"{line.measure_id} {line.title}", "target": figure, "last": rag_label(line.rag) if line.rag else "—"}


def sign_off_mail(notice: PersonNotice, *, council: str) -> tuple[str, str, str]:
    """(subject, text, html) of a sign-off request, reminder, escalation or sent-back notice."""
    subject = say.subject(notice)
    footer = messages.FOOTER.format(council=council) + (messages.PERSONAL if notice.form_url else "")
    body = notice_mail.notice_layout(
        title=subject, opening=say.opening(notice), by_when=say.reason_line(notice),
        rows=[_row(m) for m in notice.measures], columns=COLUMNS, note="", url=notice.form_url,
        actions=[], actions_heading="", actions_ask="",
        button=REVISE_BUTTON if notice.kind is NoticeKind.SENT_BACK else DECIDE_BUTTON,
        no_link=messages.NO_LINK, footer=footer,
    )  # fmt: skip
    return subject, f"{say.notice_text(notice)}\n\n-- \n{footer}\n", body
