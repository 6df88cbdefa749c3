"""A burst of 200 Slack modal submissions, all at once, at a real server.

perfbot's ASGI app (as `perfbot serve` builds it, the scheduler off and the clock fixed) runs under
uvicorn on 127.0.0.1 in its own process, on a copy of the ten-year store with the next round opened
through Slack (so, as in life, every owner has their request DM and perfbot knows their Slack id).
Its Slack client is the production one, paced to Slack's real tiers, talking to the strict fake
Web API in this process. 200 different owners then submit one measure each: 200 signed
`view_submission` requests posted to `/slack/events` concurrently.

Goal (issue 8): ack p99 under 1 s (Slack gives up after 3 s) and all 200 returns stored exactly
once (`store.returns.versions`). Baseline: the p50 of `GET /healthz` under the same concurrency.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import socket
import time
from multiprocessing.connection import Connection
from pathlib import Path

import httpx

from bench.data import OWNERS, history_store, owner_email
from bench.lean_client import Timed, fire
from bench.results import Result, compared, percentile
from bench.slack_side import OPENED_AT, ROUND, scaled_api, slack_cycle, start_fake, user_id
from bot.slack.modals import ModalLine, returns_modal
from perfbot.clock import ManualClock
from perfbot.model import Measure
from perfbot.store import Store
from schedules.notices import measure_lines
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlackAPI

PERIOD = ROUND
SECRET = "bench-signing-secret-0123456789abcdef"
CONCURRENCY = OWNERS
SETTLE_SECONDS = 60  # how long to wait for returns still being stored after the burst
MS = 1000.0


def _serve(data_dir: str, api_url: str, token: str, log_file: str, conn: Connection,
           database_url: str | None = None) -> None:  # fmt: skip
    """The server process: perfbot on the data directory (its store on PostgreSQL when
    `database_url` is given), on a free port of 127.0.0.1."""
    import uvicorn

    from bench.profiling import from_environment
    from perfbot import app as app_module
    from perfbot.server import create_asgi
    from perfbot.settings import Settings, SlackSettings

    profiles = from_environment()
    if profiles is not None:
        profiles.start()
    logging.basicConfig(filename=log_file, level=logging.WARNING)
    settings = Settings(slack=SlackSettings(bot_token=token, signing_secret=SECRET, app_token=None,
                                            api_url=api_url), database_url=database_url)  # fmt: skip
    clock = ManualClock(OPENED_AT)
    app = app_module.build(Path(data_dir), clock=clock, settings=settings, show=lambda to, text: None)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    conn.send(sock.getsockname()[1])
    config = uvicorn.Config(create_asgi(app, settings, run_scheduler=False), log_level="warning",
                            backlog=4096)  # fmt: skip
    uvicorn.Server(config).run(sockets=[sock])


def _open_round(data: Path, fake: FakeSlackAPI) -> list[Measure]:
    """Open the round through Slack (quickly: a Slack minute of 0.6 s); each owner's first measure."""
    fake.enforce_tiers(time_scale=0.01)
    _, _, cycle = slack_cycle(data, clock=ManualClock(OPENED_AT), api=scaled_api(fake, 0.01))
    cycle.open_round(PERIOD, actor="bench")
    fake.enforce_tiers()  # from now on Slack's own tiers, in real time (the server paces to them)
    if sum(1 for m in cycle.store.outbox.for_period(PERIOD) if m.channel == "slack") < OWNERS:
        raise RuntimeError("the round's requests did not all go through Slack")
    store = cycle.store
    wanted = {owner_email(n) for n in range(OWNERS)}
    first: dict[str, Measure] = {}
    for measure in store.register.measures():
        if measure.owner_email in wanted:
            first.setdefault(measure.owner_email, measure)
    return [first[owner_email(n)] for n in range(OWNERS)]


def _submission(store: Store, owner: int, measures: list[Measure], measure: Measure) -> signing.SignedRequest:
    """Owner `owner` fills in one measure of their returns form and presses Submit."""
    lines = measure_lines(store, measures, PERIOD)
    view = returns_modal(str(PERIOD), [ModalLine(line) for line in lines], metadata={"p": str(PERIOD)})
    answers = {f"value:{measure.measure_id}": {"input": f"{measure.target:g}"},
               f"commentary:{measure.measure_id}": {"input": "On target after the new rota."}}  # fmt: skip
    return signing.view_submission(signing_secret=SECRET, view=view, answers=answers,
                                   user_id=user_id(owner), user_name=f"owner{owner}")  # fmt: skip


def _stored_once(store: Store, measures: list[Measure], deadline: float) -> tuple[int, int, float]:
    """(returns stored exactly once, stored more than once, when the last was seen), waiting up to
    `deadline` for any still being stored after the burst."""
    while True:
        counts = [len(store.returns.versions(m.measure_id, PERIOD)) for m in measures]
        once, more = sum(1 for c in counts if c == 1), sum(1 for c in counts if c > 1)
        if once + more == len(measures) or time.monotonic() > deadline:
            return once, more, time.monotonic()
        time.sleep(0.2)


def run(workdir: Path) -> list[Result]:
    history = history_store(workdir)
    fake = start_fake(OWNERS)
    process = None
    try:
        chosen = _open_round(history.data_dir, fake)
        store = Store.open(history.data_dir, clock=ManualClock(OPENED_AT))
        by_owner: dict[str, list[Measure]] = {}
        for measure in store.register.measures():
            by_owner.setdefault(measure.owner_email, []).append(measure)
        bodies = [_submission(store, n, by_owner[m.owner_email], m) for n, m in enumerate(chosen)]

        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        process = context.Process(target=_serve, daemon=True, args=(
            str(history.data_dir), fake.base_url, fake.token, str(workdir / "server.log"), child))  # fmt: skip
        process.start()
        if not parent.poll(60):
            raise RuntimeError("the perfbot server did not start")
        port = parent.recv()
        _wait_healthy(f"http://127.0.0.1:{port}")

        cpu = _cpu_seconds(process.pid)
        health, _ = fire(port, [("GET", "/healthz", b"", {})] * CONCURRENCY)
        health_cpu, cpu = _cpu_seconds(process.pid) - cpu, _cpu_seconds(process.pid)
        acks, let_go = fire(port, [("POST", "/slack/events", b, h) for b, h in bodies])
        acks_cpu = _cpu_seconds(process.pid) - cpu  # to the last ack (redraws wait for the burst's end)
        burst_start = time.monotonic() - (time.time() - let_go)  # the same moment, on this clock
        burst = max(t.seconds for t in acks)
        once, more, seen = _stored_once(store, chosen, time.monotonic() + SETTLE_SECONDS)
        return [*_results(health, acks, burst, once, more, seen - burst_start),
                *_cpu_results(health_cpu, acks_cpu)]
    finally:
        if process is not None:
            process.terminate()
            process.join(10)
            if process.is_alive():
                process.kill()
                process.join(5)
        fake.stop()


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError("the perfbot server did not answer /healthz")


def _results(health: list[Timed], acks: list[Timed], burst: float, once: int, more: int,
             stored: float) -> list[Result]:  # fmt: skip
    healthy = [t.seconds for t in health if t.status == 200]
    if len(healthy) != len(health):
        raise RuntimeError(f"/healthz failed {len(health) - len(healthy)} times under load")
    base = Result(f"burst: GET /healthz p50, {CONCURRENCY} at once", percentile(healthy, 50) * MS,
                  len(healthy), unit="ms", note="baseline")  # fmt: skip
    times = [t.seconds * MS for t in acks]
    ok = sum(1 for t in acks if t.status == 200 and not t.body)
    refused = len(acks) - ok
    return [
        base,
        compared(f"burst: ack p50, {CONCURRENCY} view_submissions", percentile(times, 50), len(times),
                 baseline=base),  # fmt: skip
        compared(f"burst: ack p99, {CONCURRENCY} view_submissions", percentile(times, 99), len(times),
                 baseline=base, budget=1000.0,
                 note=f"max {max(times):.0f} ms; all answered within {burst:.1f} s"),  # fmt: skip
        Result("burst: submissions not acked 200 (modal closed)", refused, len(acks), budget=0,
               unit="count", note=_statuses(acks)),  # fmt: skip
        Result("burst: returns not stored exactly once", len(acks) - once, len(acks), budget=0,
               unit="count", note=f"{once} once, {more} more than once"),  # fmt: skip
        Result("burst: every return stored, after", stored, 1,
               note=f"from the first request; waited at most {SETTLE_SECONDS} s"),  # fmt: skip
    ]


def _cpu_seconds(pid: int | None) -> float:
    """The CPU time (user + system) a process has used so far, from `/proc/<pid>/stat`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _cpu_results(health_cpu: float, acks_cpu: float) -> list[Result]:
    """The server's CPU time per request: unlike the latencies, other work on the machine hardly
    moves it, so it compares two versions run at different times."""
    base = Result(f"burst: server CPU per GET /healthz, {CONCURRENCY} at once", health_cpu / CONCURRENCY * MS,
                  CONCURRENCY, unit="ms", note="baseline; 10 ms clock ticks over the whole burst")  # fmt: skip
    return [base, compared(f"burst: server CPU per view_submission, {CONCURRENCY} at once",
                           acks_cpu / CONCURRENCY * MS, CONCURRENCY, baseline=base)]  # fmt: skip


def _statuses(acks: list[Timed]) -> str:
    found: dict[str, int] = {}
    for t in acks:
        key = str(t.status) if t.status != 200 or not t.body else f"200 {t.body[:60]!r}"
        found[key] = found.get(key, 0) + 1
    return ", ".join(f"{n} × {k}" for k, n in sorted(found.items())) or "all 200, empty body"
