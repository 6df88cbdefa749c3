"""The returns modal: opened from a DM, /perf submit or App Home; submitted, checked, stored.

Checking and storing happen before the ack (both are quick, and a return is durable before the
person is told it is in); updating the DMs and the Home tab happens after it. Each measure's
submission carries an idempotency key (view id + hash of what was entered), so a double click or
a retried delivery never stores it twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_bolt import App as BoltApp

from bot.slack import messages as say
from bot.slack.after_ack import ack_at_once, acked_first
from bot.slack.blocks import OPEN_RETURNS, OPEN_WEB_FORM
from bot.slack.carried import ReturnsButton, period_in, read_json
from bot.slack.modals import (
    FIELDS,
    RETURNS_MODAL,
    ModalLine,
    block_id,
    info_modal,
    read_returns,
    returns_modal,
)
from bot.slack.returns import lines_for, recorded
from bot.slack.runtime import Slack, log
from perfbot.channel import TransportError
from perfbot.model import Measure, Round, RoundState, Value
from perfbot.periods import Period, PeriodError
from perfbot.services.duties import by_ids
from perfbot.submission import Assessed, Submission

Ack = Callable[..., Any]


def register(bolt: BoltApp, slack: Slack) -> None:
    @acked_first(bolt.action(OPEN_RETURNS))
    def open_from_button(body: dict[str, Any], action: dict[str, Any]) -> None:
        wanted = ReturnsButton.read(action.get("value"))  # anything unreadable: the current round
        open_returns(slack, trigger_id=body["trigger_id"], user_id=body["user"]["id"],
                     period=wanted.period, ids=list(wanted.ids) or None, draft=wanted.draft)  # fmt: skip

    bolt.action(OPEN_WEB_FORM)(ack_at_once)  # a link button: Slack opens the URL, and still tells the app

    @bolt.view(RETURNS_MODAL)  # all its work is done by the time it acks, in the request's thread
    def returns_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submit_returns(slack, ack, user_id=body["user"]["id"], view=view)


def _as_text(value: Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def open_returns(
    slack: Slack, *, trigger_id: str, user_id: str, period: str | None = None,
    ids: list[str] | None = None, draft: dict[str, dict[str, str]] | None = None,
) -> None:  # fmt: skip
    """Open the returns form for a person (their round's measures, or those given).

    Slack refuses a trigger id used before or older than 3 seconds (a replayed request, a slow
    answer): the person sees nothing happen and presses again, so it is only logged."""
    try:
        slack.api.open_view(trigger_id, _returns_view(slack, user_id=user_id, period=period, ids=ids,
                                                      draft=draft or {}))  # fmt: skip
    except TransportError as error:
        log.warning("Slack: could not open the returns form for %s: %s", user_id, error)


def _returns_view(
    slack: Slack, *, user_id: str, period: str | None, ids: list[str] | None,
    draft: dict[str, dict[str, str]],
) -> dict[str, Any]:  # fmt: skip
    """The returns form, or a modal saying why there is none to fill in."""
    found = _what_to_return(slack, user_id=user_id, period=period, ids=ids)
    if isinstance(found, str):
        return info_modal("Returns", found)
    open_round, measures = found
    items = _items(slack, open_round.period, measures, draft)
    return returns_modal(str(open_round.period), items, metadata={"p": str(open_round.period)})


def _what_to_return(
    slack: Slack, *, user_id: str, period: str | None, ids: list[str] | None
) -> tuple[Round, list[Measure]] | str:
    """The open round and the measures to show (those given, else the person's), or why not."""
    store = slack.perf.store
    email = slack.people.email_of(user_id)
    if email is None:
        return say.NOT_IN_SLACK
    try:
        found = store.rounds.get(Period.parse(period)) if period else slack.perf.duties.current_round(email)
    except PeriodError:
        found = None
    if found is None or found.state is not RoundState.OPEN:
        return say.NO_ROUND if found is None else say.ROUND_CLOSED
    measures = by_ids(store, ids) if ids else slack.perf.duties.owed(email, found.period).measures
    return (found, measures) if measures else say.NO_MEASURES.format(period=found.period)


def _items(
    slack: Slack, period: Period, measures: list[Measure], draft: dict[str, dict[str, str]]
) -> list[ModalLine]:
    """Each measure pre-filled from its stored return, or a draft read from a reply; outstanding first."""
    store = slack.perf.store
    current = store.returns.of_measures(period, [m.measure_id for m in measures])
    measures = sorted(measures, key=lambda m: m.measure_id in current)  # stable: outstanding first
    done = recorded(store, slack.perf.config, period, measures)
    items = []
    for line in lines_for(store, period, measures):
        earlier, typed = current.get(line.measure_id), draft.get(line.measure_id, {})
        items.append(ModalLine(
            line, value=typed.get("v") or (_as_text(earlier.value) if earlier else ""),
            commentary=typed.get("c") or (earlier.commentary if earlier else ""),
            action=earlier.action if earlier else "", recorded=done.get(line.measure_id),
        ))  # fmt: skip
    return items


def _key(view_id: str, measure_id: str, answer: dict[str, str]) -> str:
    entered = json.dumps([answer[f].strip() for f in FIELDS])
    return f"slack-view:{view_id}:{measure_id}:{hashlib.sha256(entered.encode()).hexdigest()[:16]}"


def _errors(submission: Submission, errors: dict[str, str]) -> dict[str, str]:
    """Collector errors keyed by the modal's block ids (the field they are about)."""
    return {block_id(f if f in FIELDS else "value", submission.measure_id): message
            for f, message in errors.items()}  # fmt: skip


def _checked(slack: Slack, view_id: str, submission: Submission) -> tuple[Assessed, dict[str, str]]:
    """The submission as checked and its errors. A figure that looks like missing data is queried
    once; entered again in the same form, it counts as confirmed."""
    assessed = slack.perf.collector.assess(submission)
    errors, rag = assessed.errors.errors, assessed.rag
    if set(errors) == {"value"} and rag is not None and rag.flags:
        seen = f"slack-unusual:{view_id}:{submission.measure_id}:{submission.value}"
        if slack.people.directory.claim(seen):
            return assessed, {block_id("value", submission.measure_id): errors["value"] + say.CONFIRM_UNUSUAL}
        assessed = slack.perf.collector.assess(replace(submission, confirmed=True))
    return assessed, _errors(submission, assessed.errors.errors)


def _refuse(ack: Ack, values: dict[str, Any], message: str) -> None:
    """Say why on the form's first value box (or in place of a form that has none)."""
    first = next((b for b in values if b.startswith(f"{FIELDS[0]}:")), None)
    if first is None:
        ack(response_action="update", view=info_modal("Returns", message))
    else:
        ack(response_action="errors", errors={first: message})


def submit_returns(slack: Slack, ack: Ack, *, user_id: str, view: dict[str, Any]) -> None:
    """Check every figure entered; errors back on their fields, else store, ack, update the DMs."""
    values = view["state"]["values"]
    try:
        email = slack.people.email_of(user_id)
    except TransportError as error:
        log.warning("Slack: could not look up %s: %s", user_id, error)
        _refuse(ack, values, say.TRY_AGAIN)
        return
    if email is None:
        _refuse(ack, values, say.NOT_IN_SLACK)
        return
    period = period_in(read_json(view.get("private_metadata")))
    if period is None:  # not a form perfbot made, or one from an older perfbot
        _refuse(ack, values, say.FORM_OUT_OF_DATE)
        return
    answers = {m: a for m, a in read_returns(values).items() if a["value"].strip()}
    if not answers:
        _refuse(ack, values, say.NOTHING_ENTERED)
        return
    with slack.perf.collector.submitting():  # the figures checked, then stored, on one connection
        stored = _check_and_store(slack, ack, view["id"], [Submission(
            measure_id=measure_id, period=period, value=answer["value"].strip(),
            commentary=answer["commentary"], action=answer["action"], submitted_by=email,
            channel="slack", idempotency_key=_key(view["id"], measure_id, answer),
        ) for measure_id, answer in answers.items()])  # fmt: skip
    if stored:
        slack.followups.after_returns(period, answers, user_id, email)


def _check_and_store(slack: Slack, ack: Ack, view_id: str, submissions: list[Submission]) -> bool:
    """Errors back on their fields (nothing stored), else store each and ack. True when anything was stored."""
    checked, errors = [], {}
    for submission in submissions:
        assessed, problems = _checked(slack, view_id, submission)
        checked.append(assessed)
        errors.update(problems)
    if errors:
        ack(response_action="errors", errors=errors)
        return False
    return _store(slack, ack, checked)


def _store(slack: Slack, ack: Ack, checked: list[Assessed]) -> bool:
    """Store each as checked (not checked again: durably), then ack: closes the modal (or shows
    the errors of one refused). True when anything was stored."""
    problems: dict[str, str] = {}
    stored = False
    for assessed in checked:
        result = slack.perf.collector.store(assessed)
        problems.update(_errors(assessed.submission, result.errors))
        stored = stored or result.accepted
    if problems:
        ack(response_action="errors", errors=problems)
    else:
        ack()
    return stored
