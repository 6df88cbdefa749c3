"""Conversation references: from an inbound Teams activity into the store, and back."""

from __future__ import annotations

from typing import Any

from bot.teams.conversations import NAMESPACE, ConversationRef, Conversations
from perfbot.store.interfaces import Store


def conversations_of(store: Store) -> Conversations:
    """The store's Teams conversation references."""
    return Conversations(store.platform_state(NAMESPACE), store.audit, store.clock)


def ref_from_activity(activity: Any, *, email: str = "") -> ConversationRef:
    """A reference to the conversation an activity came from (an SDK activity model)."""
    conversation = activity.conversation
    sender = activity.from_
    kind = str(conversation.conversation_type or "personal")
    channel_data = activity.channel_data
    team = getattr(channel_data, "team", None) if channel_data is not None else None
    base_id = conversation.id.split(";messageid=")[0]
    personal = kind == "personal"
    return ConversationRef(
        conversation_id=base_id,
        service_url=str(activity.service_url),
        tenant_id=str(conversation.tenant_id or ""),
        kind=kind,
        email=email if personal else "",
        aad_object_id=str(sender.aad_object_id or "") if personal else "",
        user_id=str(sender.id) if personal else "",
        name=str((sender.name if personal else getattr(team, "name", "")) or ""),
    )
