"""The APScheduler runner: one memory-stored job that ticks the cycle, started by `perfbot serve`."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from schedules import runner as runner_module
from schedules.runner import Runner
from tests.integration.test_cycle_support import london, seeded


def _until(condition, limit: float = 10.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_start_ticks_at_once_with_the_agreed_job_options_and_stops(tmp_path):
    _, channel, app = seeded(tmp_path / "data", london("2026-01-08 09:30"))
    runner = runner_module.start(app, every=timedelta(hours=1))
    try:
        assert _until(lambda: runner.ticks >= 1)  # the first tick is immediate: catch-up
        assert runner.job_options() == {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
    finally:
        runner_module.stop()
    assert not runner.running
    assert [d.kind for d in channel.deliveries] == ["request"] * 3


def test_a_failing_tick_does_not_stop_the_ticking_and_ticks_never_overlap():
    active, overlaps, calls = [], [], []
    lock = threading.Lock()

    def tick() -> None:
        with lock:
            overlaps.append(len(active))
            active.append(1)
        calls.append(1)
        time.sleep(0.03)  # longer than the interval: max_instances=1 must hold the next back
        with lock:
            active.pop()
        raise RuntimeError("a bad tick")

    runner = Runner(tick, every=timedelta(milliseconds=10))
    runner.start()
    try:
        assert _until(lambda: runner.ticks >= 4)
    finally:
        runner.stop()
    assert set(overlaps) == {0}


def test_serve_starts_and_stops_the_scheduler_in_its_lifespan(tmp_path):
    from fastapi.testclient import TestClient

    from perfbot.server import create_asgi
    from perfbot.settings import Settings

    _, channel, app = seeded(tmp_path / "data", london("2026-01-08 09:30"))
    with TestClient(create_asgi(app, Settings())) as client:
        assert client.get("/healthz").status_code == 200
        assert _until(lambda: len(channel.deliveries) == 3)
        assert runner_module.current() is not None
    assert runner_module.current() is None  # stopped on shutdown
    assert [d.kind for d in channel.deliveries] == ["request"] * 3
