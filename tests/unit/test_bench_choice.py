"""`python -m bench NAME`: a benchmark's exact name runs it alone; any other text runs every
benchmark whose name contains it."""

from __future__ import annotations

from bench.__main__ import _picks

NAMES = ["burst_bench", "pg_burst_bench", "pg_reports_bench", "pg_store_bench", "reports_bench", "store_bench"]


def chosen(*args: str) -> list[str]:
    return [n for n in NAMES if any(_picks(a, n, NAMES) for a in args)]


def test_an_exact_name_picks_that_benchmark_alone():
    assert chosen("store") == ["store_bench"]
    assert chosen("reports_bench") == ["reports_bench"]
    assert chosen("pg_reports", "burst") == ["burst_bench", "pg_reports_bench"]


def test_part_of_a_name_picks_every_benchmark_containing_it():
    assert chosen("pg_") == ["pg_burst_bench", "pg_reports_bench", "pg_store_bench"]
    assert chosen("epor") == ["pg_reports_bench", "reports_bench"]
