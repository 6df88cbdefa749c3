"""Requests, reminders, chases and escalations as DMs, remembered and kept up to date.

A round's request is one DM per person (a retried send finds the one already posted); later
notices thread under it and are broadcast to the DM. When returns are stored, every notice that
lists those measures is updated (`chat.update`) to show the recorded values and their RAG.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from bot.slack.action_asks import ask_blocks, closed_actions
from bot.slack.blocks import notice_message
from bot.slack.client import SlackApi
from bot.slack.people import PLATFORM
from bot.slack.returns import recorded
from perfbot.channel import TransportError
from perfbot.config import Config
from perfbot.model import RoundState
from perfbot.notices import NoticeKind, PersonNotice
from perfbot.periods import Period
from perfbot.services.duties import by_ids
from perfbot.store import Store
from perfbot.store.interfaces import ChatDirectory
from perfbot.store.records import ChatMessage

log = logging.getLogger("perfbot.slack")
NOTICE_KINDS = frozenset(k.value for k in NoticeKind) - {NoticeKind.DIGEST.value, NoticeKind.ALERT.value}


class NoticeMessages:
    def __init__(self, api: SlackApi, directory: ChatDirectory, store: Store, config: Config) -> None:
        self._api = api
        self._directory = directory
        self._store = store
        self._config = config

    def send(self, address: str, notice: PersonNotice) -> tuple[str, str]:
        """Post a notice to a person (a user id); (channel, ts) of the message."""
        period = Period.parse(notice.period)
        email = notice.recipient.lower()
        requests = self._directory.messages(PLATFORM, period, email=email, kind=NoticeKind.REQUEST.value)
        if notice.kind is NoticeKind.REQUEST and requests:
            return requests[0].channel, requests[0].ts  # one request DM per person per round
        text, blocks = self.render(notice)
        if requests and notice.kind is not NoticeKind.ESCALATION:
            parent = requests[0]
            channel, ts = self._api.post(parent.channel, text=text, blocks=blocks,
                                         thread_ts=parent.ts, broadcast=True)  # fmt: skip
        else:
            channel, ts = self._api.post(address, text=text, blocks=blocks)
        self._directory.remember_message(ChatMessage(
            PLATFORM, period, channel, ts, notice.kind.value, email, notice.to_content()))  # fmt: skip
        return channel, ts

    def render(self, notice: PersonNotice) -> tuple[str, list[dict]]:
        period = Period.parse(notice.period)
        with self._store.register.pinned():  # one register check for the measures and their ratings
            measures = by_ids(self._store, [m.measure_id for m in notice.measures])
            shown = recorded(self._store, self._config, period, measures)
        found = self._store.rounds.get(period)
        is_open = found is not None and found.state is RoundState.OPEN
        closed = closed_actions(self._store, notice)
        return notice_message(notice, shown, round_open=is_open,
                              asks=lambda room: ask_blocks(notice, closed, room=room))  # fmt: skip

    def refresh(self, period: Period, measure_ids: Iterable[str]) -> int:
        """Update every notice of the round listing any of these measures; how many were."""
        wanted = set(measure_ids)
        updated = 0
        for message in self._directory.messages(PLATFORM, period):
            if message.kind not in NOTICE_KINDS or not message.content:
                continue
            notice = PersonNotice.from_content(message.content)
            if not wanted & {m.measure_id for m in notice.measures}:
                continue
            updated += self._update(message, notice)
        return updated

    def _update(self, message: ChatMessage, notice: PersonNotice) -> int:
        text, blocks = self.render(notice)
        try:
            self._api.update(message.channel, message.ts, text=text, blocks=blocks)
        except TransportError as error:
            log.warning("Slack: could not update %s's %s message: %s", message.email, message.kind, error)
            return 0
        return 1

    def notice_at(self, channel: str, ts: str) -> ChatMessage | None:
        """The notice perfbot posted at (channel, ts), in any open or recent round."""
        periods = [r.period for r in reversed(self._store.rounds.all())][:4]
        found = self._directory.message_at(PLATFORM, channel, ts, periods=periods)
        return found if found is not None and found.kind in NOTICE_KINDS else None
