"""The store's namespaced key-value state for platforms, and Slack's people kept in it."""

from __future__ import annotations

import threading

import pytest

from bot.slack.address_book import AddressBook
from perfbot.store import Store


def test_values_are_kept_by_namespace_and_key_durably(any_store: Store, reopen) -> None:
    store = any_store
    slack, teams = store.platform_state("slack"), store.platform_state("teams")
    slack.put("person:jo", {"address": "U1", "seen": [1, 2]})
    slack.put("person:sam", {"address": "U2"})
    slack.put("other", 3)
    teams.put("person:jo", "somewhere else")
    reopened = reopen(store).platform_state("slack")
    assert reopened.get("person:jo") == {"address": "U1", "seen": [1, 2]}
    assert reopened.items("person:") == [("person:jo", {"address": "U1", "seen": [1, 2]}),
                                         ("person:sam", {"address": "U2"})]  # fmt: skip
    assert [key for key, _ in reopened.items()] == ["other", "person:jo", "person:sam"]
    assert reopened.delete("person:sam") and not reopened.delete("person:sam")
    assert reopened.get("person:sam") is None
    assert store.platform_state("teams").get("person:jo") == "somewhere else"


def test_a_value_read_is_a_copy(any_store: Store) -> None:
    state = any_store.platform_state("sharepoint")
    state.put("mark", {"seen": {"4": "2.0"}})
    state.get("mark")["seen"]["4"] = "changed by the caller"
    assert state.get("mark") == {"seen": {"4": "2.0"}}


def test_an_equal_put_writes_nothing(store: Store) -> None:
    state = store.platform_state("sharepoint")
    state.put("mark", {"seen": {"4": "2.0"}})
    journal = store.files.data_dir / "core.json.journal"
    size = journal.stat().st_size
    state.put("mark", {"seen": {"4": "2.0"}})
    assert journal.stat().st_size == size


def test_only_json_is_kept(any_store: Store) -> None:
    store = any_store
    with pytest.raises(TypeError):
        store.platform_state("slack").put("when", object())
    with pytest.raises(ValueError):
        store.platform_state("")


def test_writes_inside_atomic_commit_together_or_not_at_all(any_store: Store, reopen) -> None:
    store = any_store
    state = store.platform_state("slack")
    with pytest.raises(RuntimeError), state.atomic():
        state.put("a", 1)
        state.put("b", 2)
        raise RuntimeError("half-way")
    assert state.items() == []
    with state.atomic():
        state.put("a", 1)
        state.put("b", 2)
    assert reopen(store).platform_state("slack").items() == [("a", 1), ("b", 2)]


def test_an_address_belongs_to_one_person_and_a_lookup_is_kept_once(any_store: Store) -> None:
    store = any_store
    book = AddressBook(store.platform_state("slack"), store.clock)
    other = AddressBook(store.platform_state("elsewhere"), store.clock)
    book.remember("Jo@Council.gov.uk", "U1")
    other.remember("sam@council.gov.uk", "U1")  # another namespace: unaffected
    book.remember("sam@council.gov.uk", "U1")  # U1 now belongs to Sam
    assert book.person("jo@council.gov.uk") is None
    assert book.person_at("U1").email == "sam@council.gov.uk"
    assert other.person_at("U1").email == "sam@council.gov.uk"
    book.remember("sam@council.gov.uk", "U2")
    book.remember("sam@council.gov.uk", "U2")
    assert book.person_at("U1") is None and book.person_at("U2").email == "sam@council.gov.uk"
    assert [key for key, _ in store.platform_state("slack").items()] == ["address:U2", "person:sam@council.gov.uk"]


def test_an_unknown_person_is_remembered_with_when_they_were_reported(any_store: Store) -> None:
    store = any_store
    book = AddressBook(store.platform_state("slack"), store.clock)
    book.remember("nobody@council.gov.uk", None)
    book.mark_reported("nobody@council.gov.uk")
    again = book.remember("nobody@council.gov.uk", None)
    assert again.address is None and again.reported_at == store.clock.now()
    assert book.remember("nobody@council.gov.uk", "U9").reported_at is None


def test_a_put_from_elsewhere_waits_for_an_atomic_block_of_the_namespace(any_store: Store, reopen) -> None:
    """A read-check-write block is never interleaved with another writer's put (another process)."""
    store = any_store
    state, other = store.platform_state("slack"), reopen(store).platform_state("slack")
    state.put("count", 1)
    inside, finished = threading.Event(), threading.Event()

    def put_from_elsewhere() -> None:
        inside.wait(5)
        other.put("count", 100)
        finished.set()

    writer = threading.Thread(target=put_from_elsewhere)
    writer.start()
    with state.atomic():
        seen = state.get("count")
        inside.set()
        assert not finished.wait(0.5)  # held back while the block runs
        state.put("count", seen + 1)
        state.put("seen", seen)
    writer.join(5)
    assert finished.is_set() and state.get("count") == 100 and state.get("seen") == 1
