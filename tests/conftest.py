"""Shared fixtures: a fresh store (TinyDB, or either backend), a frozen London clock, a small
register, and the PostgreSQL server the store's contract suite runs against."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from perfbot.clock import LONDON, ManualClock
from perfbot.model import Measure, Polarity, Unit
from perfbot.store import Store
from tests.pg_server import PgServer

BACKENDS = ("tinydb", "postgres")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 1, 12, 10, 0, tzinfo=LONDON))


@pytest.fixture
def store(tmp_path, clock) -> Store:
    return Store.open(tmp_path / "data", clock=clock)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of our own for the whole run, with a migrated template database."""
    from perfbot.store.pg import PgStore

    server = PgServer.start()
    try:
        template = server.new_database()
        PgStore.open(template, migrate=True).close()
        server.template = template.rsplit("/", 1)[1]
        yield server
    finally:
        server.stop()


@pytest.fixture
def database_url(pg_server) -> Iterator[str]:
    """A fresh database with perfbot's schema, dropped after the test."""
    url = pg_server.new_database(template=pg_server.template)
    yield url
    pg_server.drop_database(url)


@pytest.fixture(params=BACKENDS)
def any_store(request, tmp_path, clock) -> Iterator:
    """The store on each backend in turn: the contract every backend keeps."""
    if request.param == "tinydb":
        yield Store.open(tmp_path / "data", clock=clock)
        return
    from perfbot.store.pg import PgStore

    opened = PgStore.open(request.getfixturevalue("database_url"), clock=clock)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def reopen() -> Iterator:
    """Opens another store on the same data as a given one (as another process would)."""
    opened = []

    def again(store):
        if hasattr(store, "files"):
            return Store.open(store.files.data_dir, clock=store.clock)
        from perfbot.store.pg import PgStore

        opened.append(PgStore.open(store.url, clock=store.clock))
        return opened[-1]

    yield again
    for each in opened:
        each.close()


def make_measure(measure_id: str = "M1", **overrides) -> Measure:
    fields = {
        "measure_id": measure_id, "title": f"Measure {measure_id}", "theme": "Theme A",
        "service": "Service A", "owner_email": "owner@council.gov.uk",
        "head_of_service_email": "head@council.gov.uk", "unit": Unit.PERCENT,
        "polarity": Polarity.HIGHER, "target": 90.0,
    }  # fmt: skip
    fields.update(overrides)
    return Measure(**fields)
