"""Timing helpers and the result table shared by every benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Result:
    name: str
    seconds: float  # median of the runs
    runs: int
    budget: float | None = None  # seconds it must finish in, if any
    baseline: str | None = None  # name of the result this is compared with
    ratio: float | None = None  # seconds ÷ the baseline's seconds (same run, same machine)
    note: str = ""

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.seconds > self.budget

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"over_budget": self.over_budget}


def timed(fn: Callable[[], Any], *, runs: int = 3, setup: Callable[[], Any] | None = None) -> float:
    """Median wall time of `fn` over `runs` runs (`setup` runs before each, untimed)."""
    times = []
    for _ in range(runs):
        if setup is not None:
            setup()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compared(name: str, seconds: float, runs: int, *, baseline: Result, budget: float | None = None,
             note: str = "") -> Result:  # fmt: skip
    return Result(name, seconds, runs, budget, baseline.name, seconds / baseline.seconds, note)


def table(results: list[Result]) -> str:
    head = f"{'benchmark':<38} {'median s':>9} {'budget s':>9} {'× baseline':>11}  {'':<6} note"
    lines = [head, "-" * len(head)]
    for r in results:
        budget = f"{r.budget:.1f}" if r.budget is not None else ""
        ratio = f"{r.ratio:.1f} ({r.baseline})" if r.ratio is not None else ""
        verdict = "" if r.budget is None else ("OVER" if r.over_budget else "ok")
        lines.append(f"{r.name:<38} {r.seconds:>9.3f} {budget:>9} {ratio:>11}  {verdict:<6} {r.note}")
    return "\n".join(lines)
