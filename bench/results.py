"""Timing helpers and the result table shared by every benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

UNITS = {"s": "{:.3f}", "ms": "{:.2f}", "MB": "{:.0f}", "count": "{:.0f}", "×": "{:.2f}"}


@dataclass(frozen=True)
class Result:
    name: str
    value: float  # the median of the runs, or the statistic the name gives (p50, p99, peak)
    runs: int
    budget: float | None = None  # the goal: at most this, in `unit`
    baseline: str | None = None  # name of the result this is compared with (same unit)
    ratio: float | None = None  # value ÷ the baseline's value (same run, same machine)
    note: str = ""
    unit: str = "s"
    max_ratio: float | None = None  # the goal on `ratio`, if any

    @property
    def has_goal(self) -> bool:
        return self.budget is not None or self.max_ratio is not None

    @property
    def over_budget(self) -> bool:
        over_value = self.budget is not None and self.value > self.budget
        over_ratio = self.max_ratio is not None and (self.ratio is None or self.ratio > self.max_ratio)
        return over_value or over_ratio

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


def sample(fn: Callable[[int], Any], *, runs: int, seconds: float, warm_up: int = 3) -> list[float]:
    """Wall times of `fn(i)` for i = 0, 1, …: `runs` of them, or as many as fit in `seconds`."""
    for i in range(warm_up):
        fn(-1 - i)
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - start)
        if time.perf_counter() > deadline:
            break
    return times


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (nearest rank, 0 < p ≤ 100): p99 of 1,000 is the 10th highest."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def compared(name: str, value: float, runs: int, *, baseline: Result, budget: float | None = None,
             note: str = "", max_ratio: float | None = None) -> Result:  # fmt: skip
    """A result in the baseline's unit, with its ratio to the baseline."""
    return Result(name, value, runs, budget, baseline.name, value / baseline.value, note,
                  baseline.unit, max_ratio)  # fmt: skip


def table(results: list[Result]) -> str:
    head = (f"{'benchmark':<46} {'value':>9} {'unit':<5} {'goal':>9} {'× baseline':>11}  "
            f"{'':<4} {'baseline':<36} note")  # fmt: skip
    lines = [head, "-" * len(head)]
    for r in results:
        shown = UNITS.get(r.unit, "{:.3f}").format(r.value)
        goal = UNITS.get(r.unit, "{:.3f}").format(r.budget) if r.budget is not None else ""
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        if r.max_ratio is not None:
            ratio += f"≤{r.max_ratio:g}"
        verdict = "" if not r.has_goal else ("OVER" if r.over_budget else "ok")
        lines.append(f"{r.name:<46} {shown:>9} {r.unit:<5} {goal:>9} {ratio:>11}  {verdict:<4} "
                     f"{r.baseline or '':<36} {r.note}")  # fmt: skip
    return "\n".join(lines)
