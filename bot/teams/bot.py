"""The inbound side of the Teams bot: the SDK app's handlers, translated into perfbot calls.

The SDK checks every request's Bot Framework JWT before any handler runs. Handlers remember
the conversation (so requests can be sent later), work out who is writing (by e-mail), and run
perfbot's synchronous code in a worker thread. A submitted card is replaced in place: by the
same card with errors under the inputs, or by a read-only summary.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import httpx

from bot.teams import actions_reply, cards, casestudy, commands, returns
from bot.teams import messages as say
from bot.teams.action_card import ACTIONS_ACTION
from bot.teams.conversations import ConversationRef
from bot.teams.identity import BOT_RESOURCE, Identity
from bot.teams.refs import conversations_of, ref_from_activity
from bot.teams.sdk import InboundTokens, RouteKeeper, build_sdk_app
from bot.teams.sender import activity
from bot.teams.signoff_card import SIGN_OFF_ACTION, submit_card
from perfbot.channel import TransportError
from perfbot.settings import M365Settings

if TYPE_CHECKING:
    from perfbot.services import Services

log = logging.getLogger("perfbot.teams")


class TeamsBot:
    """Answers Teams activities for one perfbot app."""

    def __init__(self, app: Services, settings: M365Settings, *, identity: Identity) -> None:
        self.app = app
        self.settings = settings
        self.adapter = RouteKeeper()
        self.inbound_tokens = InboundTokens(settings)
        self._tokens = identity.for_resource(BOT_RESOURCE)
        self._conversations = conversations_of(app.store)
        self._sdk: Any = None
        self._ready = asyncio.Lock()

    async def handle(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        """One POST to /api/messages: the SDK validates the JWT, then our handlers run."""
        async with self._ready:  # the SDK app is made in the loop that serves requests
            if self._sdk is None:
                self._sdk = self._build()
                await self._sdk.initialize()
        return dict(await self.adapter.handle(body, headers))

    def _build(self) -> Any:
        sdk = build_sdk_app(self.settings, self._tokens, self.adapter)
        sdk.on_install_add(self._installed)
        sdk.on_install_remove(self._uninstalled)
        sdk.on_conversation_update(self._conversation_update)
        sdk.on_message(self._message)
        sdk.on_card_action(self._card_action)
        return sdk

    # -- handlers ----------------------------------------------------------------------------
    async def _installed(self, ctx: Any) -> None:
        await self._remember(ctx)

    async def _uninstalled(self, ctx: Any) -> None:
        conversation = ctx.activity.conversation.id.split(";")[0]
        await asyncio.to_thread(self._conversations.forget, conversation)

    async def _conversation_update(self, ctx: Any) -> None:
        added = ctx.activity.members_added or []
        if any(member.id == ctx.activity.recipient.id for member in added):
            await self._remember(ctx)

    async def _message(self, ctx: Any) -> None:
        where, email = await self._remember(ctx)
        if not email:
            await _answer(ctx, say.UNKNOWN_EMAIL)
            return
        value = ctx.activity.value
        if isinstance(value, dict) and value.get("perfbot") == cards.RETURN_ACTION:
            await self._return_card(ctx, email, value)
        elif isinstance(value, dict) and value.get("perfbot") == cards.CASE_STUDY_ACTION:
            await self._case_study_card(ctx, email, value)
        elif isinstance(value, dict) and value.get("perfbot") == SIGN_OFF_ACTION:
            card = await asyncio.to_thread(submit_card, self.app, email=email, data=value)
            await self._replace(ctx, card)
        elif isinstance(value, dict) and value.get("perfbot") == ACTIONS_ACTION:
            card = await asyncio.to_thread(actions_reply.submit_actions, self.app, email=email, data=value)
            await _answer(ctx, activity(card))  # a new message: the request's own inputs stay as typed
        elif value is not None:  # a card perfbot did not make, or no longer understands
            await _answer(ctx, activity(say.CARD_EXPIRED))
        else:
            reply = await asyncio.to_thread(commands.handle, self.app, ctx.activity.text or "",
                                            email=email, where=where)  # fmt: skip
            await _answer(ctx, activity(reply.card if reply.card is not None else reply.text))

    async def _card_action(self, ctx: Any) -> Any:
        """An Action.Execute (Universal Actions): perfbot's cards use Action.Submit, so this card
        is not one of perfbot's; the person is told so where the card is."""
        from microsoft_teams.api import AdaptiveCardActionMessageResponse

        return AdaptiveCardActionMessageResponse(value=say.CARD_EXPIRED)

    async def _return_card(self, ctx: Any, email: str, value: dict[str, Any]) -> None:
        outcome = await asyncio.to_thread(returns.submit_card, self.app, email=email, data=value,
                                          delivery=_delivery(ctx))  # fmt: skip
        if outcome.form is None and not outcome.failed:
            card = cards.summary_card(outcome.period, outcome.accepted)
        elif outcome.form is None:
            card = cards.notice_card(say.CARD_EXPIRED, [e for e in outcome.state.errors.values()
                                                        if e != say.CARD_EXPIRED])  # fmt: skip
        else:
            card = cards.return_card(outcome.form, outcome.state, outcome.accepted)
        await self._replace(ctx, card)

    async def _case_study_card(self, ctx: Any, email: str, value: dict[str, Any]) -> None:
        state, saved = await asyncio.to_thread(casestudy.submit, self.app, email=email, data=value,
                                               delivery=_delivery(ctx))  # fmt: skip
        if saved is not None:
            title = say.CASE_STUDY_RECEIVED.format(title=saved.title)
            await self._replace(ctx, cards.notice_card(title, []))
            return
        themes, services = await asyncio.to_thread(casestudy.choices, self.app)
        await self._replace(ctx, cards.case_study_card(themes, services, state))

    async def _replace(self, ctx: Any, card: cards.Card) -> None:
        """Update the card the person submitted (a new message when Teams gave no card id)."""
        await _answer(ctx, activity(card, activity_id=ctx.activity.reply_to_id))

    # -- who and where -----------------------------------------------------------------------
    async def _remember(self, ctx: Any) -> tuple[ConversationRef, str]:
        """Store the conversation; returns it and the sender's e-mail ("" if Teams has none)."""
        sender = ctx.activity.from_
        known = await asyncio.to_thread(self._conversations.for_user, str(sender.aad_object_id or ""))
        email = known.email if known and sender.aad_object_id else await self._email(ctx)
        ref = ref_from_activity(ctx.activity, email=email)
        await asyncio.to_thread(self._conversations.remember, ref)
        return ref, email

    async def _email(self, ctx: Any) -> str:
        conversation, sender = ctx.activity.conversation.id.split(";")[0], ctx.activity.from_.id
        try:
            member = await ctx.api.conversations.get_member_by_id(conversation, sender)
        except (httpx.HTTPError, TransportError) as error:
            log.warning("could not look up a Teams member's e-mail: %s", error)
            return ""
        return str(member.email or member.user_principal_name or "").lower()


async def _answer(ctx: Any, message: Any) -> None:
    """Send the answer into the conversation the activity came from. What was stored stays stored
    if the Connector refuses it (the bot removed meanwhile, a card gone): logged, not raised."""
    try:
        await ctx.send(message)
    except (httpx.HTTPError, TransportError) as error:
        log.warning("could not answer in Teams conversation %s: %s", ctx.activity.conversation.id, error)


def _delivery(ctx: Any) -> str:
    """One Teams delivery: activity ids are only unique within their conversation."""
    return f"{ctx.activity.conversation.id.split(';')[0]}|{ctx.activity.id}"
