"""A batch's items on PostgreSQL are rows of their own (migration 0005): adding one never rewrites
the batch, a batch written before (or copied in) keeps its items first, and a copy out has them all."""

from __future__ import annotations

from datetime import datetime, timedelta

import psycopg

from perfbot.periods import Period
from perfbot.store import Store
from perfbot.store.copy import to_directory
from perfbot.store.pg import PgStore

Q3 = Period(2025, 3)


def _hourly(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


def _add(store: PgStore, *items: str) -> None:
    store.outbox.add_to_batch(Q3, kind="alert", recipient="cmt", items=list(items), slot_after=_hourly,
                              key_for=lambda s: f"alert-{s:%H}")  # fmt: skip


def _batch_row(database_url: str) -> tuple[dict, int]:
    with psycopg.connect(database_url) as conn:
        doc = conn.execute("SELECT doc FROM outbox WHERE key = 'alert-11'").fetchone()[0]
        rows = conn.execute("SELECT count(*) FROM outbox_items WHERE key = 'alert-11'").fetchone()[0]
    return doc, rows


def test_adding_items_leaves_the_batch_document_as_it_was(database_url, clock):
    store = PgStore.open(database_url, clock=clock)
    try:
        _add(store, "one")
        created, _ = _batch_row(database_url)
        for n in range(50):
            _add(store, f"item {n}", "one")  # "one" is in the batch already
        doc, rows = _batch_row(database_url)
        assert doc == created and doc["content"] == {"items": []}  # never rewritten
        assert rows == 51
        assert store.outbox.get(Q3, "alert-11").content["items"] == ["one", *(f"item {n}" for n in range(50))]
    finally:
        store.close()


def test_a_batch_written_before_its_items_had_rows_keeps_them_first(database_url, clock, tmp_path):
    store = PgStore.open(database_url, clock=clock)
    try:
        _add(store, "today's kind")  # a batch with its items in rows, in the slot before
        clock.advance(timedelta(hours=1))
        with psycopg.connect(database_url) as conn:  # as the perfbot before migration 0005, or `store copy`, left it
            conn.execute("INSERT INTO outbox (period, key, created_at, doc) SELECT period, 'alert-12', created_at, "
                         "doc || jsonb_build_object('key', 'alert-12', 'not_before', '2026-01-12T12:00:00+00:00', "
                         "'content', jsonb_build_object('items', jsonb_build_array('old 1', 'old 2'))) FROM outbox")  # fmt: skip
        _add(store, "old 2", "added")
        assert store.outbox.get(Q3, "alert-12").content["items"] == ["old 1", "old 2", "added"]
        claimed = store.outbox.claim(Q3, "alert-12", lease=timedelta(minutes=5))
        assert claimed is None  # its slot has not come
        clock.advance(timedelta(hours=1))
        claimed = store.outbox.claim(Q3, "alert-12", lease=timedelta(minutes=5))
        assert claimed.content["items"] == ["old 1", "old 2", "added"]  # what the sender is given
        assert [m.content["items"] for m in store.outbox.for_period(Q3)] == [["today's kind"], ["old 1", "old 2", "added"]]

        copied = tmp_path / "copied"
        to_directory(database_url, copied)
        copy = Store.open(copied, clock=clock).outbox
        assert [copy.get(Q3, key).content["items"] for key in ("alert-11", "alert-12")] == \
            [["today's kind"], ["old 1", "old 2", "added"]]  # fmt: skip
    finally:
        store.close()
