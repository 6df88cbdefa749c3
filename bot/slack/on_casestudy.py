"""Case studies from Slack: /perf casestudy, a global shortcut, or "Submit as case study" on a
message (its text pre-fills "What happened"). Stored with `store.case_studies.add`, once per
modal (the case id is the view id), for the performance team to moderate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp

from bot.channel import TransportError
from bot.slack import messages as say
from bot.slack.modals import CASE_STUDY_MODAL, case_study_modal, read_case_study
from bot.slack.on_replies import plain_text
from bot.slack.returns import current_round, measures_for
from bot.slack.runtime import Slack, log
from perfbot.model import CaseStudy
from perfbot.periods import Period

CASE_SHORTCUT = "casestudy_shortcut"
CASE_FROM_MESSAGE = "casestudy_from_message"
LIMITS = {"title": 120, "what_happened": 3000, "impact": 3000}
Ack = Callable[..., Any]


def register(bolt: BoltApp, slack: Slack) -> None:
    @bolt.shortcut(CASE_SHORTCUT)
    def from_shortcut(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        open_case_study(slack, trigger_id=shortcut["trigger_id"], user_id=shortcut["user"]["id"])

    @bolt.message_shortcut(CASE_FROM_MESSAGE)
    def from_message(ack: Ack, shortcut: dict[str, Any]) -> None:
        ack()
        text = plain_text((shortcut.get("message") or {}).get("text", "")).strip()
        open_case_study(slack, trigger_id=shortcut["trigger_id"], user_id=shortcut["user"]["id"],
                        text=text)  # fmt: skip

    @bolt.view(CASE_STUDY_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_case_study(slack, ack, user_id=body["user"]["id"], view=view)


def open_case_study(slack: Slack, *, trigger_id: str, user_id: str = "", text: str = "") -> None:
    """The case-study form, with the person's own theme and service chosen if they have one."""
    store = slack.perf.store
    measures = store.register.measures()
    mine = []
    known = slack.people.directory.person_at("slack", user_id) if user_id else None  # no API call:
    if known is not None:  # the form must open within the trigger's 3 seconds
        found = current_round(store, known.email)
        mine = measures_for(store, known.email, found.period) if found else []
    view = case_study_modal(
        themes=sorted({m.theme for m in measures}), services=sorted({m.service for m in measures}),
        what_happened=text[: LIMITS["what_happened"]], theme=mine[0].theme if mine else "",
        service=mine[0].service if mine else "",
    )  # fmt: skip
    slack.api.open_view(trigger_id, view)


def _problems(answers: dict[str, Any]) -> dict[str, str]:
    errors = {}
    for name, limit in LIMITS.items():
        if not answers[name]:
            errors[name] = f"Enter the {say.CASE_LABELS[name].lower()}"
        elif len(answers[name]) > limit:
            errors[name] = f"Keep this to {limit} characters or fewer"
    for name in ("theme", "service"):
        if not answers[name]:
            errors[name] = f"Choose the {say.CASE_LABELS[name].lower()}"
    return errors


def submit_case_study(slack: Slack, ack: Ack, *, user_id: str, view: dict[str, Any]) -> None:
    answers = read_case_study(view["state"]["values"])
    errors = _problems(answers)
    email = slack.people.email_of(user_id)
    if email is None:
        errors.setdefault("title", say.NOT_IN_SLACK)
    if errors:
        ack(response_action="errors", errors=errors)
        return
    now = slack.perf.store.clock.now()
    study, fresh = slack.perf.store.case_studies.add(CaseStudy(
        case_id=f"slack-{view['id']}", title=answers["title"], theme=answers["theme"],
        service=answers["service"], what_happened=answers["what_happened"],
        impact=answers["impact"], consent_to_publish=answers["consent"], submitted_by=email or "",
        submitted_at=now, period=Period.containing(now.date()), channel="slack"))  # fmt: skip
    ack()
    if not fresh:
        return  # a double click: thanked once already
    try:
        slack.api.post(user_id, text=say.CASE_THANKS.format(title=study.title))
    except TransportError as error:
        log.warning("Slack: could not thank %s for their case study: %s", user_id, error)
