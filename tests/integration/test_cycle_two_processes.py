"""Two real `perfbot serve`-like processes tick one data dir (or one PostgreSQL database) through a
round: nothing is sent twice.

Each child runs the real APScheduler runner (ticking every 50 ms) on a clock read from a file, and
delivers through a slow channel (50 ms a message, so the two overlap) that appends one line per
delivery to a shared file (O_APPEND). The
test moves the clock through the round, waiting at each step until both children have ticked.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from perfbot.clock import ManualClock
from perfbot.store import OutboxStatus
from schedules.runner import Runner
from tests.conftest import BACKENDS
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    HANA,
    Q3,
    WILL,
    FileClock,
    RecordingChannel,
    build,
    london,
    read_log,
    reply,
    seeded,
)  # fmt: skip
from tests.pg_server import TEST_DATABASE

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["2026-01-08 09:30", "2026-01-09 11:00", "2026-01-15 09:30", "2026-01-21 09:30",
         "2026-01-22 09:30", "2026-01-26 09:30", "2026-01-29 09:30"]  # fmt: skip


def _wait_for_ticks(beats: list[Path], moment: datetime, *, count: int = 2, limit: float = 30) -> None:
    """Until each worker has completed `count` ticks that started at `moment`."""
    deadline = time.monotonic() + limit
    stamp = moment.isoformat()
    while time.monotonic() < deadline:
        if all(b.exists() and b.read_text().split().count(stamp) >= count for b in beats):
            return
        time.sleep(0.02)
    raise AssertionError(f"workers did not tick at {stamp}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_processes_on_one_data_dir_send_every_message_exactly_once(tmp_path, backend, request, monkeypatch):
    if backend == "postgres":  # both workers claim from one database: FOR UPDATE SKIP LOCKED
        monkeypatch.setenv(TEST_DATABASE, request.getfixturevalue("database_url"))
    data, clock_file, log, stop = (tmp_path / n for n in ("data", "clock", "sent.jsonl", "stop"))
    _, _, app = seeded(data, london(STEPS[0]))
    FileClock.set(clock_file, london(STEPS[0]))
    beats = [tmp_path / f"beat-{n}" for n in (1, 2)]
    workers = [
        subprocess.Popen([sys.executable, "-m", "tests.integration.test_cycle_two_processes",
                          str(data), str(clock_file), str(log), str(beat), str(stop)], cwd=ROOT)
        for beat in beats
    ]  # fmt: skip
    try:
        for step in STEPS:
            FileClock.set(clock_file, london(step))
            if step == "2026-01-09 11:00":  # a third process (the web form) takes Alice's returns
                officer = build(data, ManualClock(london(step)))
                reply(officer, "A1", Q3, 95, by=ALICE)()
                reply(officer, "A2", Q3, 95, by=ALICE)()
            _wait_for_ticks(beats, london(step))
    finally:
        stop.touch()
        codes = [w.wait(timeout=30) for w in workers]
    assert codes == [0, 0]

    sent = read_log(log)
    outbox = [m for m in app.store.outbox.for_period(Q3) if m.status is OutboxStatus.SENT]
    assert len(outbox) == 12 and all(m.attempts == 1 for m in outbox)
    # every line in the log is one outbox key's delivery, and every key was delivered once
    assert Counter(d.ref for d in sent) == Counter({m.delivery_ref: 1 for m in outbox})
    assert Counter((d.to, d.kind) for d in sent) == Counter({
        (ALICE, "request"): 1, (BOB, "request"): 1, (CAROL, "request"): 1,
        (BOB, "reminder"): 2, (CAROL, "reminder"): 2, (BOB, "deadline"): 1, (CAROL, "deadline"): 1,
        (HANA, "escalation"): 1, (WILL, "escalation"): 1, ("cmt", "digest"): 1,
    })  # fmt: skip


def _worker(data: str, clock_file: str, log: str, beat: str, stop: str) -> None:
    clock = FileClock(Path(clock_file))
    app = build(Path(data), clock, RecordingChannel(clock, path=Path(log), delay=0.05))

    def tick() -> None:
        started = clock.now()
        app.cycle.tick()
        with open(beat, "a", encoding="utf-8") as handle:
            handle.write(started.isoformat() + "\n")

    runner = Runner(tick, every=timedelta(milliseconds=50))
    runner.start()
    while not Path(stop).exists():
        time.sleep(0.02)
    runner.stop()


if __name__ == "__main__":
    _worker(*sys.argv[1:6])
