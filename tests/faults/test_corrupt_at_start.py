"""A damaged data file when `perfbot serve` starts: it stops at once with one line naming the
file, and writes nothing; the documented restore brings back everything that still reads.

Damage comes from outside perfbot (a disk fault, a hand edit, a bad copy): a torn snapshot, a
snapshot of NUL bytes, a journal with a garbled record in the middle. Starting on such data would
run the cycle on part of the register and returns, and the first write to a damaged journal would
cut off the acknowledged records after the damage.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from perfbot import app as app_module
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store, storage
from tests.conftest import make_measure
from tests.faults.serve import PERFBOT, ROOT, Served, environment

Q3 = Period(2025, 3)


def _files(data: Path) -> dict[str, str]:
    """Every file's hash (the log aside), to show nothing was written."""
    return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(data.rglob("*")) if p.is_file() and p.name != "perfbot.log"}  # fmt: skip


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory whose files have been folded into snapshots (so there are backups)."""
    monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 2)
    data = tmp_path / "data"
    app = app_module.build(data, show=lambda to, text: None, channels=[])
    for target in (80.0, 90.0):  # two transactions: the core file is folded into a snapshot
        app.store.register.apply([make_measure(f"M{n}", target=target) for n in range(3)], [], actor="test")
    for value in (91.0, 92.0, 93.0, 94.0, 95.0):
        app.store.returns.save(Return("M1", Q3, value, submitted_by="owner@council.gov.uk"))
    assert (data / "core.json").exists() and (data / "periods" / "2025-26-Q3.json.bak").exists()
    return data


def _tear(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _zero(path: Path) -> None:
    path.write_bytes(b"\x00" * len(path.read_bytes()))


def _garble_a_middle_record(path: Path) -> None:
    lines = path.read_bytes().split(b"\n")
    assert len(lines) >= 3, "the journal needs a record after the damaged one"
    lines[0] = b"}" + lines[0][1:]
    path.write_bytes(b"\n".join(lines))


ALL_OF_M1 = [91.0, 92.0, 93.0, 94.0, 95.0]
DAMAGE = {  # name: (file, damage, M1's versions after the restore)
    "torn-core-snapshot": ("core.json", _tear, ALL_OF_M1),
    "zeroed-quarter-snapshot": ("periods/2025-26-Q3.json", _zero, ALL_OF_M1),
    # The garbled record saved 95 (moving 94 into the history); the two records after it are kept.
    "garbled-journal-record": ("periods/2025-26-Q3.json.journal", _garble_a_middle_record,
                               [91.0, 92.0, 93.0, 94.0]),
}  # fmt: skip


@pytest.mark.parametrize("name", DAMAGE)
def test_serve_refuses_damaged_data_and_writes_nothing(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    relative, damage, m1_versions = DAMAGE[name]
    if name == "garbled-journal-record":  # two more records, so one follows the damage
        monkeypatch.setattr(storage, "COMPACT_AFTER_RECORDS", 400)
        store = Store.open(data)
        for value in (96.0, 97.0):
            store.returns.save(Return("M2", Q3, value, submitted_by="owner@council.gov.uk"))
    damage(data / relative)
    before = _files(data)
    done = subprocess.run([*PERFBOT, "serve", "--host", "127.0.0.1", "--port", "1"], cwd=ROOT,
                          env=environment(data), capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("perfbot: error: perfbot serve did not start"), done.stderr
    assert str(data / relative) in lines[0] and "Traceback" not in done.stderr
    assert "Uvicorn running" not in done.stdout + done.stderr  # it never served
    assert _files(data) == before, "perfbot serve wrote to damaged data"
    _restore_and_serve(data, tmp_path, m1_versions)


def _restore_and_serve(data: Path, tmp_path: Path, m1_versions: list[float]) -> None:
    """README, 'Restoring from backup': `perfbot store restore`, then perfbot starts as before."""
    restored = subprocess.run([*PERFBOT, "store", "restore"], cwd=ROOT, env=environment(data),
                              capture_output=True, text=True, timeout=60)  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    store = Store.open(data)
    assert [m.measure_id for m in store.register.measures()] == ["M0", "M1", "M2"]
    assert [v.value for v in store.returns.versions("M1", Q3)] == m1_versions
    assert ("skipped" in restored.stdout) == (m1_versions != ALL_OF_M1), restored.stdout
    if m1_versions != ALL_OF_M1:  # the records after the damage
        assert [v.value for v in store.returns.versions("M2", Q3)] == [96.0, 97.0]
    server = Served(data, tmp_path / "serve.log")
    try:
        server.wait_ready()
    finally:
        server.kill()
