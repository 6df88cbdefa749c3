"""SIGKILL a writer mid-stream, repeatedly: the store still loads and holds every acknowledged write."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from perfbot.periods import Period
from perfbot.store import Store

WRITER = """
import sys
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store
store = Store.open(sys.argv[1])
start = int(sys.argv[2])
for n in range(start, start + 100000):
    store.returns.save(Return(measure_id=f"M{n}", period=Period(2025, 3), value=float(n),
                              commentary="x" * 200, submitted_by="owner@council.gov.uk"))
    print(n, flush=True)  # acknowledged only once save() has returned
"""


def _run_and_kill(data: Path, start: int, after_seconds: float) -> list[int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data), str(start)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    acknowledged: list[int] = []
    deadline = time.monotonic() + after_seconds
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acknowledged.append(int(line))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    acknowledged.extend(int(line) for line in proc.stdout.read().split())  # printed before the kill
    proc.stdout.close()
    return acknowledged


def test_sigkill_mid_stream_never_loses_an_acknowledged_write(tmp_path):
    data = tmp_path / "data"
    acknowledged: list[int] = []
    for round_number in range(5):
        acknowledged += _run_and_kill(data, start=round_number * 100000, after_seconds=0.6)
        store = Store.open(data)  # must load after every kill
        stored = store.returns.for_period(Period(2025, 3))
        missing = [n for n in acknowledged if f"M{n}" not in stored]
        assert not missing, f"acknowledged but lost after kill {round_number + 1}: {missing[:5]}"
    assert len(acknowledged) > 50  # the writer really was writing when killed
