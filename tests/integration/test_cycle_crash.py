"""A crash between recording a message and marking it sent re-sends at most once per key.

The crashing process is real: a child process whose channel calls os._exit mid-delivery, before
or after the message left. The next process waits for the claim's lease, then sends it again.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from perfbot.dispatch import LEASE
from perfbot.store import OutboxStatus
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    Q3,
    Q3_OPENS,
    RecordingChannel,
    build,
    london,
    read_log,
    restarted,
    seeded,
)  # fmt: skip

ROOT = Path(__file__).resolve().parents[2]


def _crashing_tick(data: Path, log: Path, mode: str) -> int:
    """Run one tick in a child process whose channel dies on its first delivery."""
    child = [sys.executable, "-m", "tests.integration.test_cycle_crash", str(data), str(log), mode]
    return subprocess.run(child, cwd=ROOT, timeout=60).returncode


def _sent(log: Path) -> list[str]:
    return [d.to for d in read_log(log)]


@pytest.mark.parametrize(("mode", "alice_copies"), [("before", 1), ("after", 2)])
def test_a_crash_mid_delivery_is_resent_once_after_the_lease(tmp_path, mode, alice_copies):
    data, log = tmp_path / "data", tmp_path / "sent.jsonl"
    seeded(data, london(Q3_OPENS))
    assert _crashing_tick(data, log, mode) == 3  # died delivering Alice's request
    assert _sent(log) == ([ALICE] if mode == "after" else [])
    key = f"{Q3}|request|{ALICE}"

    clock, _, app = restarted(data, london(Q3_OPENS) + timedelta(minutes=1), path=log)
    app.cycle.tick()  # a new process: the others go out, Alice's is still leased to the dead one
    assert app.store.outbox.get(Q3, key).status is OutboxStatus.SENDING
    assert sorted(_sent(log)) == sorted([ALICE] * (alice_copies - 1) + [BOB, CAROL])

    clock.advance(LEASE)
    app.cycle.tick()
    app.cycle.tick()
    assert sorted(_sent(log)) == sorted([ALICE] * alice_copies + [BOB, CAROL])
    message = app.store.outbox.get(Q3, key)
    assert message.status is OutboxStatus.SENT and message.attempts == 2


class _Interrupted(RecordingChannel):
    """Ctrl-C arrives after the message was claimed and before it was sent."""

    def send_request(self, address, notice):  # noqa: ANN001, ANN201
        raise KeyboardInterrupt


def test_an_interrupt_after_the_claim_leaves_it_for_the_next_process(tmp_path):
    data = tmp_path / "data"
    clock, _, _ = seeded(data, london(Q3_OPENS))
    with pytest.raises(KeyboardInterrupt):
        build(data, clock, _Interrupted(clock)).cycle.tick()
    key = f"{Q3}|request|{ALICE}"
    channel = RecordingChannel(clock)
    app = build(data, clock, channel)
    assert app.store.outbox.get(Q3, key).status is OutboxStatus.SENDING
    app.cycle.tick()
    assert ALICE not in [d.to for d in channel.deliveries]
    clock.advance(LEASE + timedelta(seconds=1))
    app.cycle.tick()
    assert [d.to for d in channel.deliveries].count(ALICE) == 1


def _child(data: str, log: str, mode: str) -> None:
    _, _, app = restarted(Path(data), london(Q3_OPENS), path=Path(log), crash=mode)
    app.cycle.tick()


if __name__ == "__main__":
    _child(*sys.argv[1:4])
    sys.exit(0)  # never reached: the channel exits the process mid-delivery
