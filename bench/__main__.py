"""`python -m bench [NAME …]`: run every benchmark (or those named, e.g. `store fanout`; a name
that is no benchmark's picks every one containing it, e.g. `pg_`), print a table and write
bench/results.json. Exit 1 if any figure misses its goal.

Each benchmark module is `bench/*_bench.py` with a `run(workdir) -> list[Result]`; every figure
is printed next to a baseline measured in the same run.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.results import Result, table

HERE = Path(__file__).resolve().parent
LOG = Path(tempfile.gettempdir()) / "perfbot-bench.log"


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in HERE.glob("*_bench.py"))
    chosen = [n for n in names if not argv or any(_picks(a, n, names) for a in argv)]
    if not chosen:
        print(f"no benchmark matches {' '.join(argv)}; there are: "
              + ", ".join(n.removesuffix("_bench") for n in names), file=sys.stderr)  # fmt: skip
        return 2
    logging.basicConfig(filename=LOG, filemode="w", level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")  # fmt: skip
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="perfbot-bench-") as workdir:
        for name in chosen:
            module = importlib.import_module(f"bench.{name}")
            print(f"running {name} …", flush=True)
            results.extend(module.run(Path(workdir) / name))
    print(f"\n{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
          f"{os.cpu_count()} × {_cpu_model()}\n")  # fmt: skip
    print(table(results))
    print(f"\n{len(chosen)} benchmarks in {time.perf_counter() - started:.0f} s; "
          f"perfbot's warnings (faults the benchmarks inject) are in {LOG}")  # fmt: skip
    load = os.getloadavg()
    print(f"\nload average (1, 5, 15 min) at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs: other work on the machine inflates the timings")  # fmt: skip
    payload = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "python": platform.python_version(),
        "machine": platform.machine(), "cpu": _cpu_model(), "cpus": os.cpu_count(),
        "load_average": list(load), "results": [r.as_dict() for r in results],
    }  # fmt: skip
    (HERE / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {HERE / 'results.json'}")
    return 1 if any(r.over_budget for r in results) else 0


def _picks(arg: str, name: str, names: list[str]) -> bool:
    """`store` picks store_bench alone (a benchmark's exact name), `pg_` every PostgreSQL one."""
    if f"{arg.removesuffix('_bench')}_bench" in names:
        return name == f"{arg.removesuffix('_bench')}_bench"
    return arg in name


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown CPU"
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")),
                "unknown CPU")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
