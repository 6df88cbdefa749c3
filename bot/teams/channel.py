"""The Teams channel: requests as Adaptive Cards in each person's chat with the bot; the CMT
digest to a team channel, through the bot or a Workflows webhook.

A person is known to Teams once they have installed the perfbot app or written to it (their
chat is stored then); anyone else goes to the next channel. Where the digest goes is set in
perfbot.toml, `[teams] digest_via = "bot" | "webhook"` (default: the webhook when
`TEAMS_WORKFLOW_WEBHOOK_URL` is set, else the bot, in the channel where an officer typed
"digest here").
"""

from __future__ import annotations

import requests

from bot import messages
from bot.teams import cards
from bot.teams.action_card import with_asks
from bot.teams.conversations import ConversationRef
from bot.teams.digest_card import render_adaptive
from bot.teams.identity import BOT_RESOURCE, Identity
from bot.teams.refs import conversations_of
from bot.teams.returns import form_from_notice
from bot.teams.sender import BotSender, ConversationGone
from bot.teams.signoff_card import sign_off_card
from bot.teams.webhook import WorkflowWebhook
from perfbot.channel import TransportError
from perfbot.config import Config, ConfigError
from perfbot.digest import Digest
from perfbot.notices import SIGN_OFF_KINDS, Alert, NoticeKind, PersonNotice
from perfbot.settings import M365Settings
from perfbot.store import Store

WEBHOOK = "workflow-webhook"
ROUTES = ("bot", "webhook")


def digest_route(config: Config, settings: M365Settings) -> str:
    """"bot" or "webhook": how CMT digests and alerts reach Teams."""
    default = "webhook" if settings.workflow_webhook_url else "bot"
    chosen = (config.raw.get("teams") or {}).get("digest_via", default)
    if chosen not in ROUTES:
        raise ConfigError(f"teams.digest_via must be one of {', '.join(ROUTES)} (not {chosen!r})")
    if chosen == "webhook" and not settings.workflow_webhook_url:
        raise ConfigError("teams.digest_via is \"webhook\" but TEAMS_WORKFLOW_WEBHOOK_URL is not set")
    return chosen


class TeamsChannel:
    name = "teams"

    def __init__(self, settings: M365Settings, *, store: Store, config: Config,
                 sender: BotSender | None = None, webhook: WorkflowWebhook | None = None) -> None:  # fmt: skip
        """`sender`/`webhook` (tests: wired to fakes) override those the settings would make."""
        self._settings = settings
        self._store = store
        self._config = config
        self._conversations = conversations_of(store)
        self._route = digest_route(config, settings)
        self._sender = sender
        self._webhook = webhook

    @classmethod
    def from_settings(cls, settings: M365Settings, *, store: Store, config: Config,
                      identity: Identity | None, http: requests.Session | None = None) -> TeamsChannel:  # fmt: skip
        """The channel for these settings; `identity` (the one the bot uses too: one msal cache)
        is needed when the bot is enabled."""
        sender = None
        if settings.bot_enabled:
            assert identity is not None, "the Teams bot sends with the app registration's identity"
            sender = BotSender(settings, identity.for_resource(BOT_RESOURCE))
        webhook = None
        if settings.workflow_webhook_url:
            webhook = WorkflowWebhook(settings.workflow_webhook_url, session=http)
        return cls(settings, store=store, config=config, sender=sender, webhook=webhook)

    # -- who is reachable here ---------------------------------------------------------------
    def resolve_person(self, email: str) -> str | None:
        if email in self._config.cmt_recipients and "@" not in email:  # an address is a person (e-mail)
            return self._destination(email)
        if self._sender is None:
            return None
        ref = self._conversations.for_email(email)
        return ref.conversation_id if ref else None

    def _destination(self, name: str) -> str | None:
        if self._route == "webhook":
            return WEBHOOK if self._webhook is not None else None
        ref = self._conversations.for_destination(name)
        return ref.conversation_id if ref and self._sender is not None else None

    # -- sending -----------------------------------------------------------------------------
    def send_request(self, address: str, notice: PersonNotice) -> str:
        return self._post(address, with_asks(cards.return_card(form_from_notice(notice)), notice))

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        if notice.kind in SIGN_OFF_KINDS:
            return self._post(address, sign_off_card(notice))
        if notice.kind is NoticeKind.ESCALATION:
            return self._post(address, _escalation_card(notice))
        return self._post(address, with_asks(cards.return_card(form_from_notice(notice)), notice))

    def post_digest(self, destination: str, digest: Digest) -> str:
        return self._post(destination, render_adaptive(digest))

    def post_alert(self, destination: str, alert: Alert) -> str:
        return self._post(destination, cards.alert_card(alert))

    def _post(self, address: str, card: cards.Card) -> str:
        if address == WEBHOOK and self._webhook is not None:
            return self._webhook.post(card)
        ref = self._conversations.get(address)
        if ref is None or self._sender is None:
            raise TransportError("this Teams chat is no longer known; the message goes to the next channel")
        return self._send(ref, card)

    def _send(self, ref: ConversationRef, card: cards.Card) -> str:
        try:
            return self._sender.send(ref, card)  # type: ignore[union-attr]
        except ConversationGone as gone:
            self._conversations.forget(ref.conversation_id)  # the retry goes to the next channel
            raise TransportError(str(gone)) from None


def _escalation_card(notice: PersonNotice) -> cards.Card:
    lines = [messages.by_when(notice)]
    lines += [f"• {messages.measure_line(m, with_owner=True)}" for m in notice.measures]
    if notice.note:
        lines.append(notice.note)
    return cards.notice_card(messages.opening(notice), lines, form_url=notice.form_url)

