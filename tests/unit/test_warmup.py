"""Before serving, the open rounds' data is read in, so the first replies after a start are quick."""

import logging
from datetime import datetime

from perfbot.clock import LONDON
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store
from perfbot.warmup import warm_up
from tests.conftest import make_measure

Q3 = Period(2025, 3)
DEADLINE = datetime(2026, 1, 20, 17, 0, tzinfo=LONDON)


def _opened(store: Store) -> None:
    store.register.apply([make_measure("M1")], [], actor="officer")
    store.returns.save(Return("M1", Q3.previous(), 80.0, submitted_by="officer"))
    store.rounds.open(Q3, deadline=DEADLINE, actor="officer")


def test_the_open_rounds_quarters_and_their_history_are_loaded(store):
    _opened(store)
    fresh = Store.open(store.files.data_dir, clock=store.clock)
    loaded = warm_up(fresh)
    assert loaded == [str(p) for p in Q3.back(9)]  # the round, and the eight quarters it rates against
    assert set(fresh.files.open_periods()) == set(Q3.back(9))


def test_nothing_but_the_register_without_an_open_round(store):
    store.register.apply([make_measure("M1")], [], actor="officer")
    assert warm_up(Store.open(store.files.data_dir, clock=store.clock)) == []


def test_a_damaged_file_is_logged_and_left_to_the_requests(store, caplog):
    _opened(store)
    damaged = store.files.data_dir / "periods" / f"{Q3.previous().key}.json"
    damaged.write_text("{not json")
    with caplog.at_level(logging.ERROR, logger="perfbot.server"):
        assert warm_up(Store.open(store.files.data_dir, clock=store.clock)) == []
    assert damaged.name in caplog.text and "could not load" in caplog.text
