"""Reports at county scale: 1,000 measures × 40 quarters.

Budgets (issue 4): `analyse` and `digest` each under 2 s, `report` under 15 s, on a 2-core machine;
the Word and PDF committee papers for 1,000 measures (about 190 pages) under PAPERS_BUDGET.
Each is timed in process on a freshly opened store (nothing cached) and as the real command in a
new process (Python start-up and imports included). Ratios are against baselines measured in the
same run: loading the store's returns for the quarters the analysis reads, and a plain pandas
group-by over those rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from bench.data import LAST, history_clock, history_store
from bench.results import Result, compared, timed
from perfbot.channels import digest_renderers
from perfbot.config import Config
from perfbot.store import Store
from reports.analysis import analyse, history_periods
from reports.digest import digest_for
from reports.history import History
from reports.publish import write_annual, write_quarterly

PAPERS_BUDGET = 120.0  # seconds: WeasyPrint lays out ~190 pages with 1,000 charts
RUNS = 3


def _cli(data: Path, *args: str) -> float:
    """Wall time of `perfbot ARGS` in a new process."""
    env = os.environ | {"PERFBOT_DATA": str(data)}
    start = time.perf_counter()
    command = [sys.executable, "-c", "import sys; from perfbot.cli import main; sys.exit(main())"]
    done = subprocess.run([*command, *args], env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"perfbot {' '.join(args)} failed: {done.stderr.strip()}")
    return elapsed


def _cli_median(data: Path, *args: str) -> float:
    return sorted(_cli(data, *args) for _ in range(RUNS))[RUNS // 2]


def run(workdir: Path) -> list[Result]:
    history_copy = history_store(workdir)
    data, period = history_copy.data_dir, LAST
    clock, config = history_clock(period), Config()
    fresh = lambda: Store.open(data, clock=clock)  # noqa: E731 - nothing cached between runs
    how = "written (then cached)" if history_copy.built else "copied from the cache"

    load = Result("baseline: load history", timed(lambda: History.load(fresh(), history_periods(period)),
                  runs=RUNS), RUNS, note=f"{len(history_periods(period))} quarter files")  # fmt: skip
    history = History.load(fresh(), history_periods(period))
    rows = pd.DataFrame([{"measure_id": m, "period": str(p), "value": r.value}
                         for (m, p), r in history.returns.items()])  # fmt: skip
    groupby = Result("baseline: pandas groupby", timed(
        lambda: rows.groupby("measure_id")["value"].agg(["mean", "std", "last"]), runs=RUNS), RUNS,
        note=f"{len(rows):,} rows")  # fmt: skip

    results = [Result("setup: ten-year store", history_copy.seconds, 1,
                      note=f"{history_copy.scale}, {how}"), load, groupby]  # fmt: skip
    seconds = timed(lambda: analyse(fresh(), config, period), runs=RUNS)
    results.append(compared("analyse (in process)", seconds, RUNS, baseline=load, budget=2.0))

    def digest_all_formats() -> None:
        digest = digest_for(fresh(), config, period)
        renderers = digest_renderers()
        for fmt in renderers.names:
            renderers.render(digest, fmt)

    seconds = timed(digest_all_formats, runs=RUNS)
    results.append(compared("digest, all 5 formats (in process)", seconds, RUNS, baseline=load,
                            budget=2.0))  # fmt: skip
    out = workdir / "out"
    seconds = timed(lambda: write_quarterly(fresh(), config, period, out, papers=False), runs=RUNS)
    results.append(compared("report quarterly (in process)", seconds, RUNS, baseline=load, budget=15.0,
                            note="HTML + XLSX + CSV"))  # fmt: skip
    seconds = timed(lambda: write_quarterly(fresh(), config, period, out), runs=1)
    results.append(compared("report quarterly with Word + PDF (in process)", seconds, 1, baseline=load,
                            budget=PAPERS_BUDGET, note="a ~190-page committee paper"))  # fmt: skip
    seconds = timed(lambda: write_annual(fresh(), config, period.year - 1, out, papers=False), runs=1)
    results.append(compared("report annual (in process)", seconds, 1, baseline=load, budget=15.0))
    for label, args, budget in [
        ("perfbot analyse --format json", ["analyse", str(period), "--format", "json"], 2.0),
        ("perfbot digest", ["digest", str(period)], 2.0),
        ("perfbot digest --format slack", ["digest", str(period), "--format", "slack"], 2.0),
        ("perfbot report --out --no-papers", ["report", str(period), "--out", str(out), "--no-papers"], 15.0),
    ]:
        results.append(compared(label, _cli_median(data, *args), RUNS, baseline=load, budget=budget,
                                note="new process"))  # fmt: skip
    return results
