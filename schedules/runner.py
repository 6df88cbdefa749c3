"""The APScheduler 3.11 runner: one job that wakes the cycle up.

APScheduler only says "now"; what is due and what was sent live in our store (the planner and the
outbox), so its job store is the in-memory one and nothing is lost when the process stops. The job
ticks every minute with `coalesce=True` (missed wake-ups run once), `max_instances=1` (never two
ticks at once in a process) and `misfire_grace_time=None` (a late wake-up still runs). Two
processes on one data directory never send twice: each message is claimed in the store first.

We use `BackgroundScheduler` (a daemon thread): the cycle is synchronous store code, so it must
not run on the ASGI event loop. `perfbot serve`'s lifespan calls `start(app)` on start-up and the
returned runner's `stop()` on shutdown; no running event loop is needed. Before each tick the
runner asks the store's scheduler lock: on PostgreSQL only the replica holding it ticks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from perfbot.clock import LONDON
from perfbot.store.interfaces import SchedulerLock

log = logging.getLogger("perfbot.runner")
TICK_EVERY = timedelta(minutes=1)
JOB_ID = "perfbot-cycle-tick"


class Runner:
    """Runs `tick` now and then every `every`, in a background thread; with a `lock`, only while
    this process holds it (one replica ticks; another takes over at its next wake-up)."""

    def __init__(self, tick: Callable[[], Any], *, every: timedelta = TICK_EVERY,
                 lock: SchedulerLock | None = None) -> None:  # fmt: skip
        self._tick = tick
        self._every = every
        self._lock = lock
        self._scheduler: BackgroundScheduler | None = None
        self.ticks = 0  # completed wake-ups (for health checks and tests)
        self.leading = lock is None  # whether this process runs the tick

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def start(self) -> None:
        """Start ticking (the first tick is immediate, to catch up after a restart)."""
        if self.running:
            return
        # APScheduler logs every run of the job at INFO ("Running job …", "… executed
        # successfully"): once a minute. Our own log says what a tick did when it did anything.
        logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.scheduler").setLevel(logging.WARNING)
        scheduler = BackgroundScheduler(
            jobstores={"default": MemoryJobStore()},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            timezone=LONDON,
            daemon=True,
        )
        scheduler.add_job(
            self._wake, IntervalTrigger(seconds=self._every.total_seconds(), timezone=LONDON),
            id=JOB_ID, name="perfbot cycle tick", coalesce=True, max_instances=1,
            misfire_grace_time=None, next_run_time=datetime.now(LONDON), replace_existing=True,
        )  # fmt: skip
        scheduler.start()
        self._scheduler = scheduler
        log.info("scheduler started: the cycle ticks every %s", self._every)

    def stop(self, *, wait: bool = True) -> None:
        """Stop ticking; with `wait`, let a tick in progress finish first."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=wait)
            log.info("scheduler stopped after %d ticks", self.ticks)
        self._scheduler = None
        if self._lock is not None:
            self._lock.release()
            self.leading = False

    def job_options(self) -> dict[str, Any]:
        """The ticking job's options as APScheduler holds them (for checks and tests)."""
        if self._scheduler is None:
            return {}
        job = self._scheduler.get_job(JOB_ID)
        return {"coalesce": job.coalesce, "max_instances": job.max_instances,
                "misfire_grace_time": job.misfire_grace_time}  # fmt: skip

    def _wake(self) -> None:
        try:
            if self._lock is not None and not self._lead():
                return
            self._tick()
        except Exception:  # one bad tick must not stop the next; the outbox keeps the state
            log.exception("cycle tick failed")
        finally:
            self.ticks += 1


    def _lead(self) -> bool:
        leading = self._lock.acquire() if self._lock is not None else True
        if leading != self.leading:
            log.info("this process now runs the scheduler" if leading
                     else "another process runs the scheduler: standing by")  # fmt: skip
        self.leading = leading
        return leading


_current: Runner | None = None


def start(app: Any, *, every: timedelta = TICK_EVERY) -> Runner:
    """Start the scheduler for an App (`perfbot serve`); returns the runner (call its `stop()`)."""
    global _current
    runner = Runner(app.tick, every=every, lock=app.store.scheduler_lock())
    runner.start()
    _current = runner
    return runner


def current() -> Runner | None:
    """The runner `start` started in this process, if it is running."""
    return _current if _current is not None and _current.running else None


def stop() -> None:
    """Stop the runner `start` started, if any."""
    global _current
    if _current is not None:
        _current.stop()
        _current = None
