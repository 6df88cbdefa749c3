"""E-mail-safe HTML for notices and alerts: inline styles, tables for layout, no scripts or
external resources; every piece of user text is escaped by autoescaping."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from bot import messages as shared
from bot.email import messages
from perfbot.formatting import format_value
from perfbot.notices import Alert, MeasureLine, NoticeKind, PersonNotice


@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("bot.email", "templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)  # fmt: skip


def _row(line: MeasureLine, *, with_owner: bool) -> dict[str, str]:
    target = format_value(line.target, line.unit) if line.target is not None else "no target"
    last = format_value(line.last_value, line.unit) if line.last_value is not None else "none"
    owner = f" (owner {line.owner})" if with_owner and line.owner else ""
    return {"name": f"{line.measure_id} {line.title}{owner}", "target": target, "last": last}


def notice_html(notice: PersonNotice, *, council: str) -> str:
    """A request, reminder, chase or escalation as a whole HTML document."""
    escalation = notice.kind is NoticeKind.ESCALATION
    return _environment().get_template("notice.html.j2").render(
        title=messages.subject(notice), opening=shared.opening(notice), by_when=shared.by_when(notice),
        rows=[_row(m, with_owner=escalation) for m in notice.measures],
        columns=messages.measure_columns(), note=notice.note, url=notice.form_url,
        actions_heading=shared.actions_heading(notice) if notice.actions else "",
        actions=[shared.action_line(a) for a in notice.actions], actions_ask=shared.actions_ask(notice, with_url=False),
        actions_url=shared.actions_url(notice),
        button=messages.BUTTON, no_link=messages.NO_LINK, footer=_footer(council, personal=bool(notice.form_url)),
    )  # fmt: skip


def notice_layout(**context: object) -> str:
    """The notice layout (opening, a three-column table, a button) with other words in it."""
    return _environment().get_template("notice.html.j2").render(**context)


def alert_html(alert: Alert, *, council: str) -> str:
    return _environment().get_template("alert.html.j2").render(
        title=messages.alert_subject(alert), heading=shared.alert_text(alert).splitlines()[0],
        items=alert.items, footer=messages.FOOTER.format(council=council),
    )  # fmt: skip


def sign_in_html(*, subject: str, text: str, url: str, council: str) -> str:
    paragraphs = [p for p in text.split("\n\n") if url not in p]
    return _environment().get_template("sign_in.html.j2").render(
        title=subject, paragraphs=paragraphs, url=url, footer=_footer(council, personal=True),
    )  # fmt: skip


def notice_text(notice: PersonNotice, *, council: str) -> str:
    """The plain-text part: the same words as the HTML."""
    return f"{shared.notice_text(notice)}\n\n-- \n{_footer(council, personal=bool(notice.form_url))}\n"


def _footer(council: str, *, personal: bool) -> str:
    return messages.FOOTER.format(council=council) + (messages.PERSONAL if personal else "")
