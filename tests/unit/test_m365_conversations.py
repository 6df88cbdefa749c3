"""Teams conversation references, kept in the store's platform state."""

from __future__ import annotations

import pytest

from bot.teams.conversations import ConversationRef
from bot.teams.refs import conversations_of


def ref(conversation_id: str = "a:1", **changes: str) -> ConversationRef:
    fields = {"service_url": "https://smba.example/emea/", "tenant_id": "t", "kind": "personal",
              "email": "Alice@Council.gov.uk", "aad_object_id": "aad-a", **changes}  # fmt: skip
    return ConversationRef(conversation_id, **fields)


def test_remember_finds_a_person_by_email_and_writes_only_changes(store, clock) -> None:  # noqa: ANN001
    conversations = conversations_of(store)
    assert conversations.remember(ref())
    assert not conversations.remember(ref())  # nothing changed: no write
    assert conversations.for_email("alice@council.gov.uk").conversation_id == "a:1"
    assert conversations.for_user("aad-a").email == "alice@council.gov.uk"
    assert conversations.remember(ref(service_url="https://smba.example/uk/"))
    assert conversations.get("a:1").service_url == "https://smba.example/uk/"


def test_a_channel_is_bound_to_one_destination_at_a_time(store, clock) -> None:  # noqa: ANN001
    conversations = conversations_of(store)
    for channel in ("19:a", "19:b"):
        conversations.remember(ref(channel, kind="channel", email="", aad_object_id=""))
    conversations.bind("19:a", "cmt", actor="olive@council.gov.uk")
    conversations.bind("19:b", "cmt", actor="olive@council.gov.uk")
    assert conversations.for_destination("cmt").conversation_id == "19:b"
    assert conversations.get("19:a").destination == ""
    conversations.remember(ref("19:b", kind="channel", email="", aad_object_id="", name="Renamed"))
    assert conversations.get("19:b").destination == "cmt"  # refreshing keeps the binding
    assert [r.actor for r in store.audit.about("digest destination cmt")] == ["olive@council.gov.uk"] * 2
    with pytest.raises(KeyError):
        conversations.bind("19:zzz", "cmt", actor="olive@council.gov.uk")


def test_forget_stops_using_a_conversation(store, clock) -> None:  # noqa: ANN001
    conversations = conversations_of(store)
    conversations.remember(ref())
    conversations.forget("a:1")
    assert conversations.for_email("alice@council.gov.uk") is None
