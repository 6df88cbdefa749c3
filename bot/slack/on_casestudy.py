"""Case studies from Slack: /perf casestudy, a global shortcut, or "Submit as case study" on a
message (its text pre-fills "What happened"). The modal's answers go to `Services.case_studies`,
once per modal (the view id is the delivery), for the performance team to moderate; its errors
come back on the modal's blocks, in Slack's own words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import App as BoltApp

from bot.slack import messages as say
from bot.slack.after_ack import acked_first
from bot.slack.modals import CASE_STUDY_MODAL, case_study_modal, read_case_study
from bot.slack.on_replies import plain_text
from bot.slack.runtime import Slack, log
from perfbot.channel import TransportError
from perfbot.services.case_study_forms import LIMITS, TEXT_FIELDS, CaseStudySubmission

CASE_SHORTCUT = "casestudy_shortcut"
CASE_FROM_MESSAGE = "casestudy_from_message"
Ack = Callable[..., Any]


def register(bolt: BoltApp, slack: Slack) -> None:
    @acked_first(bolt.shortcut(CASE_SHORTCUT))
    def from_shortcut(shortcut: dict[str, Any]) -> None:
        open_case_study(slack, trigger_id=shortcut["trigger_id"], user_id=shortcut["user"]["id"])

    @acked_first(bolt.message_shortcut(CASE_FROM_MESSAGE))
    def from_message(shortcut: dict[str, Any]) -> None:
        text = plain_text((shortcut.get("message") or {}).get("text", "")).strip()
        open_case_study(slack, trigger_id=shortcut["trigger_id"], user_id=shortcut["user"]["id"],
                        text=text)  # fmt: skip

    @bolt.view(CASE_STUDY_MODAL)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_case_study(slack, ack, user_id=body["user"]["id"], view=view)


def open_case_study(slack: Slack, *, trigger_id: str, user_id: str = "", text: str = "") -> None:
    """The case-study form, with the person's own theme and service chosen if they have one."""
    mine = []
    known = slack.people.known.person_at(user_id) if user_id else None  # no API call:
    if known is not None:  # the form must open within the trigger's 3 seconds
        found = slack.perf.duties.current_round(known.email)
        mine = slack.perf.duties.owed(known.email, found.period).measures if found else []
    choices = slack.perf.case_studies.choices()
    view = case_study_modal(
        themes=choices.themes, services=choices.services, what_happened=text[: LIMITS["what_happened"]],
        theme=mine[0].theme if mine else "", service=mine[0].service if mine else "",
    )  # fmt: skip
    slack.api.open_view(trigger_id, view)


def submit_case_study(slack: Slack, ack: Ack, *, user_id: str, view: dict[str, Any]) -> None:
    answers = read_case_study(view["state"]["values"])
    email = slack.people.email_of(user_id)
    # No quarter given: the collector's rule (the open round's, else the last ended) on every channel.
    submission = CaseStudySubmission(
        **{name: answers[name] for name in TEXT_FIELDS}, consent=answers["consent"],
        submitted_by=email or "", channel="slack", idempotency_key=view["id"],
    )  # fmt: skip
    result = slack.perf.case_studies.submit(submission, wording=say.CASE_MISSING)
    if result.study is None:
        ack(response_action="errors", errors=_on_blocks(result.errors))
        return
    ack()
    if not result.fresh:
        return  # a double click: thanked once already
    try:
        slack.api.post(user_id, text=say.CASE_THANKS.format(title=result.study.title))
    except TransportError as error:
        log.warning("Slack: could not thank %s for their case study: %s", user_id, error)


def _on_blocks(errors: dict[str, str]) -> dict[str, str]:
    """The collector's errors by block id (the modal's blocks are named after the fields)."""
    found = {name: message for name, message in errors.items() if name != "submitted_by"}
    if "submitted_by" in errors:  # Slack gave no e-mail address: say so on the first field
        found.setdefault("title", say.NOT_IN_SLACK)
    return found
