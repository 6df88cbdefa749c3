"""The chat directory: who has which address, and the messages perfbot sent for a round."""

from perfbot.periods import Period
from perfbot.store.directory_repo import ChatDirectory, ChatMessage

Q3 = Period(2025, 3)


def test_an_address_belongs_to_one_person_and_a_lookup_is_kept_once(store):
    directory = ChatDirectory(store.files, store.clock)
    directory.remember_person("slack", "Jo@Council.gov.uk", "U1")
    directory.remember_person("teams", "sam@council.gov.uk", "U1")  # another platform: unaffected
    directory.remember_person("slack", "sam@council.gov.uk", "U1")  # U1 now belongs to Sam
    assert directory.person("slack", "jo@council.gov.uk") is None
    assert directory.person_at("slack", "U1").email == "sam@council.gov.uk"
    assert directory.person_at("teams", "U1").email == "sam@council.gov.uk"
    directory.remember_person("slack", "sam@council.gov.uk", "U2")
    directory.remember_person("slack", "sam@council.gov.uk", "U2")
    assert directory.person_at("slack", "U1") is None
    rows = store.files.core.table("chat_people").all()
    assert sorted((r["platform"], r["address"]) for r in rows) == [("slack", "U2"), ("teams", "U1")]


def test_a_message_is_kept_once_per_channel_and_ts_and_found_by_person(store):
    directory = ChatDirectory(store.files, store.clock)
    first = ChatMessage("slack", Q3, "D1", "1.0", "request", "jo@council.gov.uk")
    directory.remember_message(first)
    directory.remember_message(ChatMessage("slack", Q3, "D2", "1.0", "request", "sam@council.gov.uk"))
    directory.remember_message(ChatMessage("slack", Q3, "D1", "1.0", "request", "jo@council.gov.uk",
                                           parts_sent=2))  # fmt: skip
    directory.remember_message(ChatMessage("slack", Q3, "D1", "2.0", "reminder", "jo@council.gov.uk"))
    jo = directory.messages("slack", Q3, email=" JO@council.gov.uk")
    assert [(m.ts, m.kind, m.parts_sent) for m in jo] == [("1.0", "request", 2), ("2.0", "reminder", 0)]
    assert [m.channel for m in directory.messages("slack", Q3, kind="request")] == ["D1", "D2"]
    assert directory.message_at("slack", "D2", "1.0", periods=[Q3]).email == "sam@council.gov.uk"
