"""One durable submission on a ten-year store (1,000 measures × 40 quarters, with their audit).

Goal (issue 8): p99 under 20 ms and within 5× the floor (p99 against the floor's p99). Timed, each
on its own copy of the same history, in the latest quarter:

* `store.returns.save` of a revision (earlier version kept, audit record, idempotency key), and
  the same through `app.collector.submit` (validation and RAG too);
* the floor: a bare write + fsync + rename of a 1 KB file in the same directory;
* stock TinyDB (`TinyDB(path)`, its default `JSONStorage`) on the same documents doing the
  equivalent change — keep the earlier version, update the return, add an audit record — with
  one file per quarter and with all history in one file. Each operation re-reads and rewrites
  its whole file (and fsyncs it).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Table

from bench.data import LAST, history_clock, history_store
from bench.results import Result, compared, percentile, sample
from perfbot import app as app_module
from perfbot.model import Measure, Return
from perfbot.store import Store
from perfbot.submission import Submission

PERIOD = LAST
MS = 1000.0
TABLES = ("returns", "audit")


class StockTinyDB(TinyDB):
    """TinyDB exactly as shipped (perfbot's store swaps the table class on `TinyDB` itself)."""

    table_class = Table


def _stats(name: str, times: list[float], *, floor: tuple[Result, Result] | None = None,
           budget_p99: float | None = None, note: str = "") -> tuple[Result, Result]:  # fmt: skip
    """p50 and p99 in milliseconds, against the floor's p50 and p99 when given."""
    p50, p99 = percentile(times, 50) * MS, percentile(times, 99) * MS
    worst = f"max {max(times) * MS:.1f} ms"
    if floor is None:
        return (Result(f"{name} p50", p50, len(times), unit="ms", note=note),
                Result(f"{name} p99", p99, len(times), unit="ms", note=worst))  # fmt: skip
    return (compared(f"{name} p50", p50, len(times), baseline=floor[0], note=note),
            compared(f"{name} p99", p99, len(times), baseline=floor[1], budget=budget_p99,
                     max_ratio=5, note=worst))  # fmt: skip


def _floor(directory: Path) -> list[float]:
    payload = os.urandom(1024)
    target, tmp = directory / "floor.json", directory / ".floor.json.tmp"

    def write(_: int) -> None:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        try:
            os.write(fd, payload)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)

    return sample(write, runs=1000, seconds=10)


def _revision(measure: Measure, i: int) -> tuple[float, str]:
    """A figure near target (nothing unusual to query) and commentary that makes it a revision."""
    return round(measure.target * (1.0 + (i % 7) / 1000), 3), f"Revised figure, revision {i}."


def _save_times(data: Path, measures: list[Measure]) -> list[float]:
    store = Store.open(data, clock=history_clock(PERIOD))

    def save(i: int) -> None:
        measure = measures[i % len(measures)]
        value, commentary = _revision(measure, i)
        store.returns.save(Return(measure.measure_id, PERIOD, value, commentary=commentary,
                                  submitted_by=measure.owner_email, channel="slack"),
                           idempotency_key=f"bench-save:{i}")  # fmt: skip

    return sample(save, runs=1000, seconds=30)


def _submit_times(data: Path, measures: list[Measure]) -> tuple[list[float], list[float]]:
    """Wall times of each submission, and the CPU time of the thread that made it (which other
    work on the machine barely moves: it shows what a submission costs perfbot itself)."""
    app = app_module.build(data, clock=history_clock(PERIOD), show=lambda to, text: None)
    cpu: list[float] = []

    def submit(i: int) -> None:
        started = time.thread_time()
        measure = measures[i % len(measures)]
        value, commentary = _revision(measure, i)
        result = app.collector.submit(Submission(
            measure.measure_id, PERIOD, str(value), commentary=commentary,
            submitted_by=measure.owner_email, channel="slack", idempotency_key=f"bench-submit:{i}"))  # fmt: skip
        if not result.accepted:
            raise RuntimeError(f"collector refused the bench's submission: {result.errors}")
        if i >= 0:  # not the warm-up
            cpu.append(time.thread_time() - started)

    return sample(submit, runs=500, seconds=20), cpu


# -- stock TinyDB ---------------------------------------------------------------------------


def _documents(store: Store) -> dict[Any, dict[str, dict[str, dict]]]:
    """Every quarter's returns and audit, as TinyDB's JSON holds them."""
    found = {}
    for period in store.returns.periods():
        file = store.files.period(period)
        found[period] = {t: {str(d.doc_id): dict(d) for d in file.table(t).all()} for t in TABLES}
    return found


def _write_stock(path: Path, tables: dict[str, dict[str, dict]]) -> None:
    path.write_text(json.dumps({**tables, "return_history": {}}), encoding="utf-8")


def _one_file(documents: dict[Any, dict[str, dict[str, dict]]]) -> dict[str, dict[str, dict]]:
    merged: dict[str, dict[str, dict]] = {t: {} for t in TABLES}
    for tables in documents.values():
        for table, docs in tables.items():
            for doc in docs.values():
                merged[table][str(len(merged[table]) + 1)] = doc
    return merged


def _stock_change(db: TinyDB, measures: list[Measure], at: str) -> Callable[[int], None]:
    """What `store.returns.save` does, in plain TinyDB: each call one operation, one rewrite."""
    returns, history, audit = db.table("returns"), db.table("return_history"), db.table("audit")
    where = Query()

    def change(i: int) -> None:
        measure = measures[i % len(measures)]
        value, commentary = _revision(measure, i)
        doc = returns.get((where.measure_id == measure.measure_id) & (where.period == str(PERIOD)))
        if doc is None:
            raise RuntimeError(f"no return for {measure.measure_id} in the stock TinyDB file")
        before = dict(doc)
        after = before | {"value": value, "commentary": commentary, "revision": before["revision"] + 1}
        history.insert(before | {"superseded_at": at})
        returns.update(after, doc_ids=[doc.doc_id])
        audit.insert({"at": at, "actor": measure.owner_email, "action": "return.revised",
                      "subject": f"return {measure.measure_id} {PERIOD}", "before": before,
                      "after": after})  # fmt: skip

    return change


def _stock_times(directory: Path, data: Path, measures: list[Measure]) -> tuple[list[float], list[float], str]:
    store = Store.open(data, clock=history_clock(PERIOD))
    documents = _documents(store)
    at = history_clock(PERIOD).now().isoformat()
    directory.mkdir()
    per_quarter = directory / f"{PERIOD.key}.json"
    _write_stock(per_quarter, documents[PERIOD])
    whole = directory / "all.json"
    _write_stock(whole, _one_file(documents))
    size = f"{per_quarter.stat().st_size / 1e6:.1f} MB per quarter, {whole.stat().st_size / 1e6:.0f} MB in one"
    with StockTinyDB(per_quarter) as db:
        quarter_times = sample(_stock_change(db, measures, at), runs=100, seconds=15, warm_up=1)
    with StockTinyDB(whole) as db:
        whole_times = sample(_stock_change(db, measures, at), runs=10, seconds=20, warm_up=1)
    return quarter_times, whole_times, size


def run(workdir: Path) -> list[Result]:
    workdir.mkdir(parents=True, exist_ok=True)
    history = history_store(workdir / "save")
    how = "written (then cached)" if history.built else "copied from the cache"
    results = [Result("setup: ten-year store", history.seconds, 1, note=f"{history.scale}, {how}")]
    store = Store.open(history.data_dir, clock=history_clock(PERIOD))
    returned = store.returns.for_period(PERIOD)  # a revision each time: measures with a return
    measures = [m for m in store.register.measures() if m.measure_id in returned]

    floor = _stats("floor: write+fsync+rename 1 KB", _floor(workdir), note="baseline")
    results += floor
    ours = _stats("store.returns.save (revision)", _save_times(history.data_dir, measures),
                  floor=floor, budget_p99=20.0, note="journal line + fsync")  # fmt: skip
    results += ours
    submitted = history_store(workdir / "submit")
    wall, cpu = _submit_times(submitted.data_dir, measures)
    results += _stats("app.collector.submit (revision)", wall, floor=floor, budget_p99=20.0,
                      note="validation, RAG, save")  # fmt: skip
    results += _stats("app.collector.submit, its thread's CPU time", cpu,
                      note="perfbot's own work, fsync waits excluded")  # fmt: skip

    stock_copy = history_store(workdir / "stock")
    quarter, whole, size = _stock_times(workdir / "stock" / "tinydb", stock_copy.data_dir, measures)
    for label, times in (("stock TinyDB, file per quarter", quarter), ("stock TinyDB, one file", whole)):
        p50, p99 = percentile(times, 50) * MS, percentile(times, 99) * MS
        results.append(compared(f"{label} p50", p50, len(times), baseline=ours[0], note=size))
        results.append(compared(f"{label} p99", p99, len(times), baseline=ours[1],
                                note="3 rewrites of the file"))  # fmt: skip
    return results

