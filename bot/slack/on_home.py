"""App Home: published when a person opens it and after they submit; officers chase from it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App as BoltApp

from bot.slack import messages as say
from bot.slack.after_ack import acked_first
from bot.slack.carried import period_in, read_json
from bot.slack.home import CHASE_SERVICE
from bot.slack.on_commands import chase_summary
from bot.slack.runtime import Slack
from schedules.errors import RoundError


def register(bolt: BoltApp, slack: Slack) -> None:
    @acked_first(bolt.event("app_home_opened"))
    def home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") == "home":
            slack.publish_home(event["user"])

    @acked_first(bolt.action(CHASE_SERVICE))
    def chase_service(body: dict[str, Any], action: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        slack.publish_home(user_id, note=chase_from_home(slack, user_id, read_json(action.get("value"))))


def chase_from_home(slack: Slack, user_id: str, wanted: dict[str, Any]) -> str:
    """Chase one service's outstanding owners (officers only); what happened, in words."""
    email = slack.people.email_of(user_id)
    if not slack.people.is_officer(email):
        officers = ", ".join(slack.perf.config.performance_officers) or "the performance officer"
        return say.OFFICERS_ONLY.format(officers=officers)
    period, service = period_in(wanted), wanted.get("s")
    if period is None or not isinstance(service, str):
        return say.HOME_OUT_OF_DATE
    try:
        report = slack.perf.cycle.chase(period, service=service, actor=email or user_id)
    except RoundError as error:
        return str(error)
    return chase_summary(report)
