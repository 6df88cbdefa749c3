"""`perfbot store backup DIR` while another process keeps writing: the copy is taken under the
store's write lock, so it checks clean, loads, and holds a consistent moment — every return
acknowledged before the backup began, each with its audit record, and nothing torn."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from perfbot.periods import Period
from perfbot.store import Store
from perfbot.store.locking import DataLock
from perfbot.store.restore import check

ROOT = Path(__file__).resolve().parents[2]
Q3 = Period(2025, 3)
WRITER = """
import sys
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store
store = Store.open(sys.argv[1])
for n in range(100000):
    store.returns.save(Return(measure_id=f"M{n}", period=Period(2025, 3), value=float(n),
                              commentary="x" * 200, submitted_by="owner@council.gov.uk"))
    print(n, flush=True)
"""


def _perfbot(*args: str, data: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([str(Path(sys.executable).with_name("perfbot")), *args], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PERFBOT_DATA": str(data)})  # fmt: skip


def test_backup_while_writing_is_consistent_and_checks(tmp_path):
    data = tmp_path / "data"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(data)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        acknowledged = [int(writer.stdout.readline()) for _ in range(200)]  # writing is well under way
        backup = _perfbot("store", "backup", str(tmp_path / "copy"), data=data)
        out, err = backup.communicate(timeout=120)
        assert backup.returncode == 0, err
        assert "checked" in out
        assert writer.poll() is None  # the writer was still writing throughout
    finally:
        writer.kill()
        writer.wait()
        writer.stdout.close()
    copy = tmp_path / "copy"
    assert not (copy / ".lock").exists() and all(r.problem is None for r in check(copy))
    stored = Store.open(copy).returns.for_period(Q3)
    assert {f"M{n}" for n in acknowledged} <= set(stored)  # everything acknowledged before it began
    numbers = sorted(int(key[1:]) for key in stored)
    assert numbers == list(range(len(numbers)))  # a prefix of the stream: one moment, no gaps


def test_backup_waits_for_the_write_lock(tmp_path):
    data = tmp_path / "data"
    Store.open(data)
    with DataLock(data / ".lock"):  # a commit in progress, in another process's view
        backup = _perfbot("store", "backup", str(tmp_path / "copy"), data=data)
        time.sleep(1.5)
        assert backup.poll() is None  # still waiting for the commit to finish
    out, err = backup.communicate(timeout=60)
    assert backup.returncode == 0, err


def test_backup_refuses_a_used_directory_with_one_line(tmp_path):
    data = tmp_path / "data"
    Store.open(data)
    used = tmp_path / "used"
    used.mkdir()
    (used / "something").write_text("keep me")
    backup = _perfbot("store", "backup", str(used), data=data)
    _, err = backup.communicate(timeout=60)
    assert backup.returncode == 2 and err.count("\n") == 1 and "new or empty directory" in err
    inside = _perfbot("store", "backup", str(data / "b"), data=data)
    _, err = inside.communicate(timeout=60)
    assert inside.returncode == 2 and "outside the data directory" in err
