"""A county-scale history written straight into a store: N measures × Q quarters of returns.

Writing ten years of history takes ~20 s, so `history_store` builds it once per machine in a cache
directory (`$BENCH_CACHE`, default `/tmp/perfbot-bench-cache`), keyed by the scale and a hash of
the code that shapes the files (one entry per scale), and gives each benchmark its own copy to write to.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from perfbot.clock import LONDON, ManualClock
from perfbot.config import CONFIG_NAME, DEFAULT_TOML
from perfbot.model import Aggregation, Measure, Polarity, Return, RoundState, Unit
from perfbot.periods import Period
from perfbot.store import Store

THEMES = ["A thriving economy", "Safe and healthy communities", "A greener county",
          "Children and young people", "An efficient council", "Homes and places"]  # fmt: skip
SERVICES_PER_THEME = 6
MEASURES = int(os.environ.get("BENCH_MEASURES", "1000"))
QUARTERS = int(os.environ.get("BENCH_QUARTERS", "40"))
OWNERS = int(os.environ.get("BENCH_OWNERS", "200"))
LAST = Period(2025, 3)
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "perfbot-bench-cache"))
_SHAPING_CODE = ["bench/data.py", "perfbot/model.py", "perfbot/config.py", "perfbot/store"]
_NOT_SHAPING = ("perfbot/store/pg/", "perfbot/store/copy.py")  # PostgreSQL's code: no TinyDB file


def owner_email(number: int) -> str:
    return f"owner{number}@county.gov.uk"


def _measure(number: int, rng: random.Random, owners: int) -> Measure:
    theme = THEMES[number % len(THEMES)]
    service = f"{theme.split()[-1].title()} service {number // len(THEMES) % SERVICES_PER_THEME + 1}"
    kind = number % 5
    unit = [Unit.PERCENT, Unit.NUMBER, Unit.DAYS, Unit.CURRENCY, Unit.NUMBER][kind]
    return Measure(
        measure_id=f"M{number:04d}", title=f"Measure {number} of the county plan", theme=theme,
        service=service, owner_email=owner_email(number % owners),
        head_of_service_email=f"head{number % 36}@county.gov.uk", unit=unit,
        polarity=Polarity.LOWER if kind == 2 else Polarity.HIGHER,
        target=[85.0, 500.0, 12.0, 25000.0, 2000.0][kind],
        aggregation=Aggregation.CUMULATIVE if kind == 4 else Aggregation.SNAPSHOT,
    )  # fmt: skip


def register(measures: int = MEASURES, owners: int = OWNERS) -> list[Measure]:
    rng = random.Random(4)
    return [_measure(n, rng, owners) for n in range(measures)]


def _value(measure: Measure, rng: random.Random) -> float:
    base = measure.target / 4 if measure.aggregation is Aggregation.CUMULATIVE else measure.target
    value = base * rng.gauss(1.0, 0.06)
    if measure.unit is Unit.PERCENT:
        value = min(max(value, 0.0), 100.0)
    return round(value, 1)


def history_clock(last: Period = LAST) -> ManualClock:
    """The moment the history was written: 40 days after its last quarter ended."""
    return ManualClock(datetime.combine(last.end + timedelta(days=40), datetime.min.time(), LONDON))


def build_store(
    data_dir: Path, *, measures: int, quarters: int, last: Period, owners: int = OWNERS
) -> tuple[Store, Period]:
    """Write the register, one round per quarter and every return; return the store and period.

    Every round but the last is closed, as officers close a round once its figures are published.
    """
    rng = random.Random(4)
    periods = last.back(quarters)
    clock = history_clock(last)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / CONFIG_NAME).write_text(DEFAULT_TOML, encoding="utf-8")
    store = Store.open(data_dir, clock=clock)
    measures_list = register(measures, owners)
    store.register.apply(measures_list, [], actor="bench")
    for period in periods:
        due = datetime.combine(period.end + timedelta(days=21), datetime.min.time(), LONDON)
        batch = []
        for measure in measures_list:
            if rng.random() < 0.02:
                continue  # a few returns never arrive
            late = rng.random() < 0.05
            batch.append(Return(
                measure.measure_id, period, _value(measure, rng),
                commentary="On track." if rng.random() < 0.7 else "",
                action="", submitted_by=measure.owner_email,
                submitted_at=due + timedelta(days=3 if late else -5),
            ))  # fmt: skip
        store.returns.save_many(batch)
        store.rounds.open(period, deadline=due, actor="bench")
    for period in periods[:-1]:  # officers close a round once its figures are published
        store.rounds.set_state(period, RoundState.CLOSED, actor="bench")
    return store, last


@dataclass(frozen=True)
class History:
    """A private copy of the shared history: its data directory and how it was made."""

    data_dir: Path
    seconds: float  # to build it (first use on this machine) or copy it from the cache
    built: bool
    scale: str


def _fingerprint() -> str:
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in _SHAPING_CODE:
        path = root / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            if not file.relative_to(root).as_posix().startswith(_NOT_SHAPING):
                digest.update(file.read_bytes())
    return digest.hexdigest()[:12]


def _being_built(entry: Path) -> bool:
    """A staging directory another run is still filling (left alone for an hour)."""
    try:
        return entry.name.startswith(".") and time.time() - entry.stat().st_mtime < 3600
    except FileNotFoundError:
        return False


def history_store(
    workdir: Path, *, measures: int = MEASURES, quarters: int = QUARTERS, owners: int = OWNERS,
    last: Period = LAST,
) -> History:  # fmt: skip
    """`workdir/data`: ten years of history, copied from the cache (built there first if need be)."""
    start = time.perf_counter()
    key = f"{measures}m-{quarters}q-{owners}o-{last.key}-{_fingerprint()}"
    cached = CACHE / key
    built = not cached.is_dir()
    if built:
        CACHE.mkdir(parents=True, exist_ok=True)
        same_scale = key.rsplit("-", 1)[0]
        for stale in CACHE.iterdir():  # this scale in an earlier store format: never used again
            if stale.name.startswith(f"{same_scale}-") and not _being_built(stale):
                shutil.rmtree(stale, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=CACHE))
        build_store(staging / "data", measures=measures, quarters=quarters, last=last, owners=owners)
        try:
            staging.rename(cached)  # atomic: a concurrent run builds its own and keeps the first
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    data = workdir / "data"
    shutil.copytree(cached / "data", data, ignore=shutil.ignore_patterns(".lock", "perfbot.log"))
    scale = f"{measures} measures × {quarters} quarters, {owners} owners"
    return History(data, time.perf_counter() - start, built, scale)
