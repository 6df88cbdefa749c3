"""`SlackChannel`: the `perfbot.channel.Channel` port on Slack.

People are DM'd by user id (found by e-mail); CMT recipients (`cmt`) are channels configured in
perfbot.toml. Every message sent for a round is remembered, so a retried send never DMs twice, a
reminder threads under its request, a reply in the thread is understood, and the DM is updated
when returns come in.
"""

from __future__ import annotations

import logging

from bot.slack import digest_post
from bot.slack.client import SlackApi, make_client
from bot.slack.destinations import destinations
from bot.slack.notices import NoticeMessages
from bot.slack.people import PLATFORM, SlackPeople
from bot.slack.signoff_blocks import sign_off_message
from perfbot.config import Config
from perfbot.digest import Digest
from perfbot.notices import SIGN_OFF_KINDS, Alert, PersonNotice
from perfbot.settings import SlackSettings
from perfbot.store import Store

log = logging.getLogger("perfbot.slack")


def ref(channel: str, ts: str) -> str:
    """A delivery reference the outbox keeps: `slack:<channel>:<ts>`."""
    return f"{PLATFORM}:{channel}:{ts}"


class SlackChannel:
    """Reaches people by DM and CMT by channel; every method raises `TransportError` on failure."""

    name = PLATFORM
    # Sends the dispatcher may make at once (`perfbot.dispatch`): a fan-out spends most of its time
    # waiting for a tier's next slot or a 429's Retry-After, and one person's wait need not hold
    # up the next person's DM. The shared `Pacer` keeps every tier however many wait.
    parallel_sends = 8

    def __init__(
        self, api: SlackApi, *, store: Store, config: Config, channels: dict[str, str]
    ) -> None:
        self.api = api
        self.people = SlackPeople(api, store, config)
        self.notices = NoticeMessages(api, self.people.directory, store, config)
        self._channels = channels
        for name in config.cmt_recipients:
            if name not in channels:
                log.info("Slack: no channel for '%s' (set [slack] cmt_channel in perfbot.toml or "
                         "SLACK_CMT_CHANNEL); it goes to the next channel", name)  # fmt: skip

    @classmethod
    def from_settings(
        cls, settings: SlackSettings, *, store: Store, config: Config, api: SlackApi | None = None
    ) -> SlackChannel:
        """The channel on the running app's `api` (a new one, as in another process, if None)."""
        api = api if api is not None else SlackApi(make_client(settings))
        return cls(api, store=store, config=config, channels=destinations(config))

    def resolve_person(self, email: str) -> str | None:
        if "@" not in email:
            return self._channels.get(email)  # a CMT recipient name, or not for Slack
        return self.people.user_id(email)

    def send_request(self, address: str, notice: PersonNotice) -> str:
        channel, ts = self.notices.send(address, notice)
        return ref(channel, ts)

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        if notice.kind in SIGN_OFF_KINDS:  # its own DM, with Approve and Send back
            text, blocks = sign_off_message(notice)
            return ref(*self.api.post(address, text=text, blocks=blocks))
        channel, ts = self.notices.send(address, notice)
        return ref(channel, ts)

    def post_digest(self, destination: str, digest: Digest) -> str:
        channel, ts = digest_post.post_digest(self.api, self.people.directory, destination, digest)
        return ref(channel, ts)

    def post_alert(self, destination: str, alert: Alert) -> str:
        channel, ts = digest_post.post_alert(self.api, destination, alert)
        return ref(channel, ts)

