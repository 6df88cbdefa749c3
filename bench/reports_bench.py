"""Reports at county scale: 1,000 measures × 40 quarters.

Budgets (issue 4): `analyse` and `digest` each under 2 s, `report` under 15 s, on a 2-core machine;
the Word and PDF committee papers for 1,000 measures (about 190 pages) under PAPERS_BUDGET.
Each is timed in process on a freshly opened store (nothing cached) and as the real command in a
new process (Python start-up and imports included). Ratios are against baselines measured in the
same run: loading the store's returns for the quarters the analysis reads, and a plain pandas
group-by over those rows. `measure` takes the store to read (bench/pg_reports_bench.py runs the
same on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pandas as pd

from bench.data import LAST, history_clock, history_store
from bench.results import Result, compared, timed
from perfbot.channels import digest_renderers
from perfbot.config import Config
from perfbot.store import Store, interfaces
from reports.analysis import analyse, history_periods
from reports.digest import digest_for
from reports.history import History
from reports.publish import write_annual, write_quarterly

PAPERS_BUDGET = 120.0  # seconds: WeasyPrint lays out ~190 pages with 1,000 charts
RUNS = 3
Opener = Callable[[], AbstractContextManager[interfaces.Store]]  # a freshly opened store, closed after


def _cli(env: dict[str, str], *args: str) -> float:
    """Wall time of `perfbot ARGS` in a new process with `env` added to the environment."""
    env = os.environ | env
    start = time.perf_counter()
    command = [sys.executable, "-c", "import sys; from perfbot.cli import main; sys.exit(main())"]
    done = subprocess.run([*command, *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"perfbot {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def _cli_median(env: dict[str, str], *args: str) -> float:
    return sorted(_cli(env, *args) for _ in range(RUNS))[RUNS // 2]


def run(workdir: Path) -> list[Result]:
    history_copy = history_store(workdir)
    data, clock = history_copy.data_dir, history_clock(LAST)

    @contextlib.contextmanager
    def fresh() -> Iterator[interfaces.Store]:
        yield Store.open(data, clock=clock)  # nothing cached between runs

    how = "written (then cached)" if history_copy.built else "copied from the cache"
    setup = Result("setup: ten-year store", history_copy.seconds, 1, note=f"{history_copy.scale}, {how}")
    return [setup, *measure(workdir, fresh, {"PERFBOT_DATA": str(data)})]


def measure(workdir: Path, fresh: Opener, env: dict[str, str], *, label: str = "", papers: bool = True,
            quarterly_budget: float = 15.0) -> list[Result]:  # fmt: skip
    """The reports on the store `fresh` opens (each run on a new one), in process and as commands
    run with `env`; each result's name starts with `label` (for another backend's run).
    `papers`: also the Word + PDF quarterly and the annual report (in process)."""
    period, config = LAST, Config()

    def reading(work: Callable[[interfaces.Store], object]) -> Callable[[], None]:
        def run_once() -> None:
            with fresh() as store:
                work(store)

        return run_once

    load = Result(f"{label}baseline: load history", timed(reading(lambda s: History.load(s, history_periods(period))),
                  runs=RUNS), RUNS, note=f"{len(history_periods(period))} quarters")  # fmt: skip
    with fresh() as store:
        history = History.load(store, history_periods(period))
    rows = pd.DataFrame([{"measure_id": m, "period": str(p), "value": r.value}
                         for (m, p), r in history.returns.items()])  # fmt: skip
    groupby = Result(f"{label}baseline: pandas groupby", timed(
        lambda: rows.groupby("measure_id")["value"].agg(["mean", "std", "last"]), runs=RUNS), RUNS,
        note=f"{len(rows):,} rows")  # fmt: skip

    results = [load, groupby]
    seconds = timed(reading(lambda s: analyse(s, config, period)), runs=RUNS)
    results.append(compared(f"{label}analyse (in process)", seconds, RUNS, baseline=load, budget=2.0))

    def digest_all_formats(store: interfaces.Store) -> None:
        digest = digest_for(store, config, period)
        renderers = digest_renderers()
        for fmt in renderers.names:
            renderers.render(digest, fmt)

    seconds = timed(reading(digest_all_formats), runs=RUNS)
    results.append(compared(f"{label}digest, all 5 formats (in process)", seconds, RUNS, baseline=load,
                            budget=2.0))  # fmt: skip
    out = workdir / "out"
    seconds = timed(reading(lambda s: write_quarterly(s, config, period, out, papers=False)), runs=RUNS)
    results.append(compared(f"{label}report quarterly (in process)", seconds, RUNS, baseline=load,
                            budget=quarterly_budget, note="HTML + XLSX + CSV"))  # fmt: skip
    if papers:
        seconds = timed(reading(lambda s: write_quarterly(s, config, period, out)), runs=1)
        results.append(compared("report quarterly with Word + PDF (in process)", seconds, 1, baseline=load,
                                budget=PAPERS_BUDGET, note="a ~190-page committee paper"))  # fmt: skip
        seconds = timed(reading(lambda s: write_annual(s, config, period.year - 1, out, papers=False)), runs=1)
        results.append(compared("report annual (in process)", seconds, 1, baseline=load, budget=15.0))
    for name, args, budget in [
        ("perfbot analyse --format json", ["analyse", str(period), "--format", "json"], 2.0),
        ("perfbot digest", ["digest", str(period)], 2.0),
        ("perfbot digest --format slack", ["digest", str(period), "--format", "slack"], 2.0),
        ("perfbot report --out --no-papers", ["report", str(period), "--out", str(out), "--no-papers"], 15.0),
    ]:
        results.append(compared(f"{label}{name}", _cli_median(env, *args), RUNS, baseline=load, budget=budget,
                                note="new process"))  # fmt: skip
    return results
