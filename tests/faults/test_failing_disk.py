"""A write the disk refuses: a clear error, and the state before it intact.

The writer runs in a subprocess with RLIMIT_FSIZE, so the kernel itself refuses to grow the file
(EFBIG) — the same path a full disk takes through our code, with no mocking.
"""

import subprocess
import sys
from pathlib import Path

from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store

WRITER = r"""
import resource, signal, sys
from perfbot.model import Return
from perfbot.periods import Period
from perfbot.store import Store, StoreWriteError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
store = Store.open(sys.argv[1])
store.returns.save(Return("M0", Period(2025, 3), 1.0, submitted_by="o"))
size = (store.files.data_dir / "periods" / "2025-26-Q3.json.journal").stat().st_size
resource.setrlimit(resource.RLIMIT_FSIZE, (size + 50, size + 50))
try:
    store.returns.save(Return("M1", Period(2025, 3), 2.0, commentary="x" * 500, submitted_by="o"))
except StoreWriteError as error:
    print("ERROR:", error)
    print("AFTER:", sorted(store.returns.for_period(Period(2025, 3))))
"""


def test_a_refused_write_is_reported_and_loses_nothing_earlier(tmp_path):
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, "-c", WRITER, str(data)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ERROR: could not write" in done.stdout and "the previous data is intact" in done.stdout
    assert "AFTER: ['M0']" in done.stdout  # the failed transaction is not visible in-process
    reopened = Store.open(data)
    assert sorted(reopened.returns.for_period(Period(2025, 3))) == ["M0"]
    again = reopened.returns.save(Return("M1", Period(2025, 3), 2.0, submitted_by="o"))
    assert again.status.value == "created"  # the store carries on once the disk has room again
