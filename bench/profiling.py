"""`PERFBOT_BENCH_PROFILE=DIR`: a benchmark's server process profiles every thread with cProfile
and writes `DIR/server-<pid>.prof` when it exits (read it with `pstats`), so the CPU a request
costs can be found call by call (and statements counted: `Cursor.execute`'s calls)."""

from __future__ import annotations

import cProfile
import os
import pstats
import signal
import sys
import threading
from pathlib import Path
from types import FrameType
from typing import Any

ENV = "PERFBOT_BENCH_PROFILE"


class ThreadProfiles:
    """One cProfile profiler per thread (cProfile profiles only the thread that enables it)."""

    def __init__(self, out_dir: Path) -> None:
        self.out = out_dir / f"server-{os.getpid()}.prof"
        self._profiles: list[cProfile.Profile] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Profile this thread and every thread started from now on; write the profile when the
        process is asked to end (uvicorn hands SIGTERM on to the handler it found, after its
        own shutdown)."""
        threading.setprofile(self._first_call)  # each new thread starts its own profiler
        signal.signal(signal.SIGTERM, self._dump_and_exit)
        self._enable()

    def _dump_and_exit(self, signum: int, frame: FrameType | None) -> None:
        self.dump()
        sys.exit(0)

    def _first_call(self, frame: FrameType, event: str, arg: Any) -> None:
        sys.setprofile(None)
        self._enable()

    def _enable(self) -> None:
        profile = cProfile.Profile()
        with self._lock:
            self._profiles.append(profile)
        profile.enable()

    def dump(self) -> None:
        """Merge every thread's figures into one file."""
        threading.setprofile(None)  # type: ignore[arg-type]
        with self._lock:
            profiles = list(self._profiles)
        for profile in profiles:
            profile.disable()  # stops this thread's; the others' stop collecting at their snapshot
        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            profile.snapshot_stats()
            stats.add(profile)
        stats.dump_stats(self.out)


def from_environment() -> ThreadProfiles | None:
    """Profiles when `PERFBOT_BENCH_PROFILE` names a directory, else None."""
    where = os.environ.get(ENV)
    return ThreadProfiles(Path(where)) if where else None
