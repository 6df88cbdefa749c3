"""The burst of 200 Slack modal submissions, on PostgreSQL, split across two replicas.

As bench/burst_bench.py, but the store is a PostgreSQL database (the ten-year store with the round
opened through Slack, copied in with `perfbot store copy`'s code) shared by two perfbot servers,
each in its own process on its own port, as two `perfbot serve` replicas behind a load balancer.
The 200 signed `view_submission`s go out at once, alternately to each (as do the 200 `GET
/healthz` of the baseline). Skipped, with a line saying why, when no PostgreSQL can be started.

Goal (issue 17, point 5): ack p99 under 1 s and every return stored exactly once.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import time
from dataclasses import replace
from multiprocessing.context import SpawnProcess
from pathlib import Path

from bench.burst_bench import (
    CONCURRENCY,
    MS,
    SETTLE_SECONDS,
    _cpu_results,
    _cpu_seconds,
    _open_round,
    _results,
    _serve,
    _stored_once,
    _submission,
    _wait_healthy,
)
from bench.data import OWNERS, history_store
from bench.lean_client import fire_across
from bench.pg_side import start_server
from bench.results import Result
from bench.slack_side import OPENED_AT, start_fake
from perfbot.clock import ManualClock
from perfbot.model import Measure
from perfbot.store.copy import to_postgres
from perfbot.store.pg import PgStore
from tests.pg_server import PgServer

REPLICAS = 2


def run(workdir: Path) -> list[Result]:
    server = start_server("pg_burst")
    if server is None:
        return []
    history = history_store(workdir)
    fake = start_fake(OWNERS)
    processes: list[SpawnProcess] = []
    try:
        chosen = _open_round(history.data_dir, fake)
        url = server.new_database()
        to_postgres(history.data_dir, url)
        store = PgStore.open(url, clock=ManualClock(OPENED_AT))
        by_owner: dict[str, list[Measure]] = {}
        for measure in store.register.measures():
            by_owner.setdefault(measure.owner_email, []).append(measure)
        bodies = [_submission(store, n, by_owner[m.owner_email], m) for n, m in enumerate(chosen)]

        context = multiprocessing.get_context("spawn")
        ports = []
        for n in range(REPLICAS):
            parent, child = context.Pipe()
            process = context.Process(target=_serve, daemon=True, args=(
                str(history.data_dir), fake.base_url, fake.token, str(workdir / f"server-{n}.log"), child, url))  # fmt: skip
            process.start()
            processes.append(process)
            if not parent.poll(60):
                raise RuntimeError(f"perfbot replica {n} did not start")
            ports.append(parent.recv())
        for port in ports:
            _wait_healthy(f"http://127.0.0.1:{port}")

        cpu = _cpus(processes)
        health, _ = fire_across(ports, [("GET", "/healthz", b"", {})] * CONCURRENCY)
        health_cpu, cpu = _cpus(processes) - cpu, _cpus(processes)
        db_cpu = _server_cpu(server)
        acks, let_go = fire_across(ports, [("POST", "/slack/events", b, h) for b, h in bodies])
        acks_cpu = _cpus(processes) - cpu
        db_cpu = _server_cpu(server) - db_cpu
        burst_start = time.monotonic() - (time.time() - let_go)
        burst = max(t.seconds for t in acks)
        once, more, seen = _stored_once(store, chosen, time.monotonic() + SETTLE_SECONDS)
        store.close()
        results = [*_results(health, acks, burst, once, more, seen - burst_start),
                   *_cpu_results(health_cpu, acks_cpu)]  # fmt: skip
        return [*(_on_postgres(r) for r in results), _database_cpu(db_cpu)]
    finally:
        for process in processes:
            process.terminate()
            process.join(30)  # a profiled replica writes its profile as it exits
            if process.is_alive():
                process.kill()
                process.join(5)
        fake.stop()
        server.stop()


def _cpus(processes: list[SpawnProcess]) -> float:
    """The replicas' CPU time (user + system) so far, together."""
    return sum(_cpu_seconds(p.pid) for p in processes)


def _server_cpu(server: PgServer) -> float:
    """PostgreSQL's CPU time so far: the postmaster's children (each connection's backend, the WAL
    writer, the checkpointer …), together."""
    postmaster = int((server.home / "data" / "postmaster.pid").read_text().split()[0])
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == postmaster:  # ppid
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _database_cpu(seconds: float) -> Result:
    """PostgreSQL's own CPU per submission during the burst, on the same two cores as the replicas."""
    return Result(f"pg burst: PostgreSQL CPU per view_submission, {CONCURRENCY} at once",
                  seconds / CONCURRENCY * MS, CONCURRENCY, unit="ms",
                  note="every backend and helper process of the server; 10 ms clock ticks")  # fmt: skip


def _on_postgres(result: Result) -> Result:
    """The TinyDB burst's result, named for this one (PostgreSQL, two replicas)."""
    baseline = result.baseline.replace("burst:", "pg burst:", 1) if result.baseline else None
    return replace(result, name=result.name.replace("burst:", "pg burst:", 1), baseline=baseline)
