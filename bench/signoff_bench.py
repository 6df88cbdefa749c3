"""Sign-off at county scale: 1,000 measures in 36 services, every service awaiting approval.

What sign-off adds: each tick's sign-off step (catch up requests, then reminders and escalations
due) and the provisional marks every digest and report reads (`progress`). Budgets: the tick's
step under 1 s (the scheduler ticks once a minute) once its messages are recorded, and under 5 s
the one time it records them all; `progress` under 0.5 s. Baseline, measured in
the same run: reading the quarter's returns from a freshly opened store.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bench.data import LAST, MEASURES, build_store, history_clock
from bench.results import Result, compared, timed
from perfbot import app as app_module
from perfbot.config import CONFIG_NAME
from perfbot.services.sign_off import progress
from perfbot.store import Store

RUNS = 3


def run(workdir: Path) -> list[Result]:
    data = workdir / "data"
    store, period = build_store(data, measures=MEASURES, quarters=1, last=LAST)
    toml = data / CONFIG_NAME
    toml.write_text(toml.read_text(encoding="utf-8").replace("sign_off = false", "sign_off = true"), encoding="utf-8")
    clock = history_clock(period)
    app = app_module.build(data, clock=clock, channels=[])
    services = [row.service for row in app.sign_off.progress(period)]
    for service in services:
        app.sign_off.ask_if_due(period, service)  # what the observers did as each last return landed
    clock.advance(timedelta(days=10))  # reminders and escalations all due
    rounds = {period: app.store.rounds.get(period)}
    first = timed(lambda: app.store.outbox.enqueue_many(app.cycle.sign_off.due(app.store, rounds, clock.now())),
                  runs=1)  # the first tick builds and records them (each with its figures, rated)
    fresh = lambda: Store.open(data, clock=clock)  # noqa: E731 - nothing cached between runs
    load = Result("baseline: load the quarter's returns", timed(lambda: fresh().returns.for_period(period), runs=RUNS),
                  RUNS, note=f"{MEASURES:,} returns")  # fmt: skip
    awaiting = sum(1 for row in app.sign_off.progress(period) if row.state == "awaiting approval")
    results = [load]
    seconds = timed(lambda: progress(fresh(), period), runs=RUNS)
    results.append(compared("sign-off progress (provisional marks)", seconds, RUNS, baseline=load, budget=0.5,
                            note=f"{len(services)} services, {awaiting} awaiting"))  # fmt: skip
    results.append(compared("sign-off step of a tick, recording every reminder and escalation", first, 1,
                            baseline=load, budget=5.0, note=f"{2 * awaiting} messages, once"))  # fmt: skip
    seconds = timed(lambda: app.cycle.sign_off.due(app.store, rounds, clock.now()), runs=RUNS)
    results.append(compared("sign-off step of a tick (steady state)", seconds, RUNS, baseline=load, budget=1.0,
                            note="every request, reminder and escalation recorded already"))  # fmt: skip
    return results
