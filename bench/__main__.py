"""`python -m bench`: run every benchmark, print a table, write bench/results.json.

Each benchmark module is `bench/*_bench.py` with a `run(workdir) -> list[Result]`.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.results import Result, table

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in HERE.glob("*_bench.py"))
    chosen = [n for n in names if not argv or any(a in n for a in argv)]
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="perfbot-bench-") as workdir:
        for name in chosen:
            module = importlib.import_module(f"bench.{name}")
            print(f"running {name} …", flush=True)
            results.extend(module.run(Path(workdir) / name))
    print(table(results))
    load = os.getloadavg()
    print(f"\nload average (1, 5, 15 min) at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs: other work on the machine inflates the timings")  # fmt: skip
    payload = {
        "python": platform.python_version(), "machine": platform.machine(),
        "cpus": os.cpu_count(), "load_average": list(load), "results": [r.as_dict() for r in results],
    }  # fmt: skip
    (HERE / "results.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {HERE / 'results.json'}")
    return 1 if any(r.over_budget for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
