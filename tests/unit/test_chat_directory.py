"""The chat directory: the messages perfbot sent for a round."""

from perfbot.periods import Period
from perfbot.store.records import ChatMessage

Q3 = Period(2025, 3)


def test_a_message_is_kept_once_per_channel_and_ts_and_found_by_person(store):
    directory = store.chat
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
