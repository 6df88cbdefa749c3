"""Plain replies in a DM: read as a return, confirmed with a button, then saved.

A reply in a request's thread is about that request's measures; a message straight into the DM is
about the person's current round. What was read is shown back with "Save it" (nothing is stored
until then); what could not be read is said, with the form offered instead.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import App as BoltApp

from bot.slack import messages as say
from bot.slack.after_ack import acked_first
from bot.slack.blocks import escape, returns_value, section
from bot.slack.carried import SaveButton
from bot.slack.reply_offer import CONFIRM_REPLY, Offer, offer_blocks, offer_for, saved_message
from bot.slack.runtime import Slack, log
from collectors.reply_parser import Candidate, NotRead, Reading, read_reply
from perfbot.channel import TransportError
from perfbot.model import Measure
from perfbot.notices import PersonNotice
from perfbot.periods import Period
from perfbot.services.duties import by_ids
from perfbot.submission import Submission

_MENTION = re.compile(r"<[@#!][^>]*>")
_LINK = re.compile(r"<([^>|]+)\|([^>]+)>|<([^>]+)>")


def plain_text(text: str) -> str:
    """A Slack message's text as the person typed it (mentions dropped, links as their label)."""
    text = _MENTION.sub("", text or "")
    text = _LINK.sub(lambda m: m.group(2) or m.group(3) or "", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def register(bolt: BoltApp, slack: Slack) -> None:
    @acked_first(bolt.event("message"))
    def on_message(event: dict[str, Any]) -> None:
        if event.get("channel_type") == "im" and not (event.get("subtype") or event.get("bot_id")):
            read_message(slack, event)

    @acked_first(bolt.action(CONFIRM_REPLY))
    def on_confirm(body: dict[str, Any], action: dict[str, Any]) -> None:
        confirm(slack, user_id=body["user"]["id"], container=body.get("container") or {},
                wanted=SaveButton.read(action.get("value")))  # fmt: skip


def _about(slack: Slack, event: dict[str, Any], email: str) -> tuple[Period, list[Measure]] | None:
    """The round and measures a message is about: its thread's request, else the current round."""
    thread = event.get("thread_ts")
    anchor = slack.notices.notice_at(event["channel"], thread) if thread else None
    store = slack.perf.store
    if anchor is not None:
        notice = PersonNotice.from_content(anchor.content)
        return anchor.period, by_ids(store, [m.measure_id for m in notice.measures])
    found = slack.perf.duties.current_round(email)
    return None if found is None else (found.period, slack.perf.duties.owed(email, found.period).measures)


def read_message(slack: Slack, event: dict[str, Any]) -> None:
    """Answer a person's DM in its thread: what was read (to save), or why it could not be."""
    channel, thread = event["channel"], event.get("thread_ts") or event["ts"]
    reply = _Replier(slack, channel, thread)
    email = slack.people.email_of(event["user"])
    text = plain_text(event.get("text", "")).strip()
    about = _about(slack, event, email) if email else None
    if email is None or text.lower() in ("help", "?"):
        reply.say(Offer(say.HELP if email else say.NOT_IN_SLACK, ""))
        return
    if about is None:
        reply.say(Offer(say.NO_ROUND, ""))
        return
    period, measures = about
    returned = slack.perf.store.returns.for_period(period)
    candidates = [Candidate(m.measure_id, m.title, m.unit.value, m.measure_id not in returned)
                  for m in measures]  # fmt: skip
    reading = read_reply(text, candidates, quarter=period.quarter)
    ids = [m.measure_id for m in measures]
    if isinstance(reading, NotRead):
        example = next((c.measure_id for c in candidates if c.outstanding), ids[0] if ids else "CS01")
        reply.say(Offer(say.NOT_READ.format(reason=escape(reading.reason), example=escape(example)),
                        returns_value(str(period), ids)))  # fmt: skip
        return
    key = f"slack-reply:{channel}:{event['ts']}"
    _offer(slack, reply, period, ids, reading, email=email, user_id=event["user"], key=key)


def _offer(slack: Slack, reply: _Replier, period: Period, ids: list[str], reading: Reading, *,
           email: str, user_id: str, key: str) -> None:  # fmt: skip
    """Check what was read (nothing stored) and show it back with "Save it", or offer the form."""
    measure = slack.perf.store.register.measure(reading.measure_id)
    assert measure is not None, "the parser only reads the measures it was given"
    errors, _, rag = slack.perf.collector.check(Submission(
        measure.measure_id, period, reading.value, commentary=reading.commentary,
        submitted_by=email, channel="slack"))  # fmt: skip
    reply.say(offer_for(measure, period, ids, reading, errors=errors, rag=rag, key=key, user_id=user_id))


class _Replier:
    """Posts into the thread of the message being answered."""

    def __init__(self, slack: Slack, channel: str, thread: str) -> None:
        self._slack, self._channel, self._thread = slack, channel, thread

    def say(self, offer: Offer) -> None:
        try:
            self._slack.api.post(self._channel, text=offer.text, blocks=offer_blocks(offer),
                                 thread_ts=self._thread)  # fmt: skip
        except TransportError as error:
            log.warning("Slack: could not answer in %s: %s", self._channel, error)


def confirm(slack: Slack, *, user_id: str, container: dict[str, Any], wanted: SaveButton | None) -> None:
    """The person pressed "Save it": store the return (once), say so, update the DMs."""
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if not (isinstance(channel, str) and isinstance(ts, str)):
        log.warning("Slack: %s pressed Save somewhere other than a message; ignored", user_id)
        return
    if wanted is None:
        _say_not_saved(slack, channel, ts, say.BUTTON_OUT_OF_DATE)
        return
    if wanted.user_id != user_id:  # (in a DM only its owner can click; but never trust a click)
        log.warning("Slack: %s pressed Save on %s's reply; ignored", user_id, wanted.user_id)
        return
    email = slack.people.email_of(user_id)
    if email is None:  # never None for the submitter: that would mean a trusted operator
        _say_not_saved(slack, channel, ts, say.NOT_IN_SLACK)
        return
    result = slack.perf.collector.submit(Submission(
        wanted.measure_id, wanted.period, wanted.value, commentary=wanted.commentary,
        submitted_by=email, channel="slack", idempotency_key=wanted.key,
        confirmed=wanted.unusual))  # fmt: skip
    measure = slack.perf.store.register.measure(wanted.measure_id)
    text, blocks = saved_message(measure, wanted.as_dict(), result)
    slack.api.update(channel, ts, text=text, blocks=blocks)
    if result.outcome is not None:
        slack.followups.after_returns(wanted.period, [wanted.measure_id], user_id, email)


def _say_not_saved(slack: Slack, channel: str, ts: str, problem: str) -> None:
    text = say.NOT_SAVED.format(problem=escape(problem))
    try:
        slack.api.update(channel, ts, text=text, blocks=[section(text)])
    except TransportError as error:
        log.warning("Slack: could not answer in %s: %s", channel, error)
