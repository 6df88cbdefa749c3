"""A real `perfbot serve` in a subprocess on 127.0.0.1, for the fault tests.

The server gets a clean environment (no Slack or Microsoft 365 settings, so only the web channel
and the scheduler run) and its own free port; `stop()` SIGKILLs it, the way a power cut or the
OOM killer would, and every process started here is killed and reaped by the end of its test.
`travel_to` starts the server's clock at that moment (time-machine, ticking on from there), so a
test of the scheduler sees working hours whatever the real time is.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx

from tests.fakes.server import free_port

ROOT = Path(__file__).resolve().parents[2]
MAIN = "import sys; from perfbot.cli import main; sys.exit(main())"
PERFBOT = [sys.executable, "-c", MAIN]
_PLATFORM_SETTINGS = ("SLACK_", "M365_", "TEAMS_", "SHAREPOINT_", "PERFBOT_")


def environment(data: Path) -> dict[str, str]:
    """The caller's environment without any platform settings, with PERFBOT_DATA set."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_PLATFORM_SETTINGS)}
    return {**env, "PERFBOT_DATA": str(data), "PYTHONUNBUFFERED": "1"}


class Served:
    """`perfbot serve --host 127.0.0.1 --port P` on a data directory."""

    def __init__(self, data: Path, log: Path, *, env: dict[str, str] | None = None, args: tuple[str, ...] = (),
                 travel_to: datetime | None = None) -> None:  # fmt: skip
        self.port = free_port()
        command = PERFBOT if travel_to is None else [sys.executable, "-c", _travelling(travel_to)]
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("ab")
        self.process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(self.port), *args],
            cwd=ROOT, env={**environment(data), **(env or {})}, stdout=self._log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"perfbot serve exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise AssertionError("perfbot serve did not answer /healthz in time")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing, no cleanup."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._log.close()


def _travelling(moment: datetime) -> str:
    """`perfbot`'s entry point with the process's clock started at `moment` (an aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("travel_to must be timezone-aware")
    return (f"import datetime, time_machine; time_machine.travel("
            f"datetime.datetime.fromisoformat({moment.isoformat()!r}), tick=True).start(); {MAIN}")
