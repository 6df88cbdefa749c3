"""Shared pieces for the cycle tests: a recording channel, a clock in a file, a small register.

(Helpers live here, beside the tests that use them; the file's own tests check the helpers.)
"""

from __future__ import annotations

import itertools
import json
import os
import time as wallclock
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from bot import messages
from perfbot import app as app_module
from perfbot.clock import LONDON, Clock, ManualClock
from perfbot.digest import Digest
from perfbot.model import Frequency
from perfbot.notices import Alert, PersonNotice
from perfbot.periods import Period
from perfbot.settings import Settings
from perfbot.submission import Submission
from tests.conftest import make_measure
from tests.pg_server import TEST_DATABASE

Q3 = Period(2025, 3)  # the round most tests run: it opens on Thursday 8 January 2026
Q3_OPENS = "2026-01-08 09:30"
HOUSING, WASTE = "Housing", "Waste"
ALICE, BOB, CAROL, DAN = (f"{n}@council.gov.uk" for n in ("alice", "bob", "carol", "dan"))
HANA, WILL = "hana@council.gov.uk", "will@council.gov.uk"  # heads of service


def small_register():  # noqa: ANN201 - list of Measure
    """Five measures, four owners, two services (D1 is annual: returned in Q4 only)."""
    housing = {"service": HOUSING, "head_of_service_email": HANA}
    waste = {"service": WASTE, "head_of_service_email": WILL}
    return [
        make_measure("A1", owner_email=ALICE, **housing),
        make_measure("A2", owner_email=ALICE, **housing),
        make_measure("B1", owner_email=BOB, **housing),
        make_measure("C1", owner_email=CAROL, **waste),
        make_measure("D1", owner_email=DAN, frequency=Frequency.ANNUAL, **waste),
    ]


def london(text: str) -> datetime:
    """'2026-01-12 10:00' as a London wall-clock time."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@dataclass(frozen=True)
class Delivered:
    at: str  # London wall time of delivery, "2026-01-12 09:30"
    to: str
    kind: str
    period: str
    measures: tuple[str, ...]
    on_behalf_of: str
    text: str
    ref: str
    utc_offset_hours: float


class RecordingChannel:
    """A channel that knows everyone and records each delivery (and, with `path`, appends it to
    a file with O_APPEND so several processes can share one log)."""

    name = "recording"

    def __init__(
        self, clock: Clock, *, path: Path | None = None, crash: str = "", delay: float = 0.0
    ) -> None:
        self._clock = clock
        self._path = path
        self._ids = itertools.count(1)
        self.crash = crash  # "before" or "after" sending: os._exit mid-delivery (a hard crash)
        self.delay = delay  # seconds each delivery takes (a slow platform widens any race)
        self.deliveries: list[Delivered] = []

    def resolve_person(self, email: str) -> str | None:
        return email

    def send_request(self, address: str, notice: PersonNotice) -> str:
        return self._notice(address, notice)

    def send_reminder(self, address: str, notice: PersonNotice) -> str:
        return self._notice(address, notice)

    def post_digest(self, destination: str, digest: Digest) -> str:
        text = f"{digest.period}: {digest.returned} of {digest.expected} returned"
        return self._record(destination, "digest", digest.period, (), "", text)

    def post_alert(self, destination: str, alert: Alert) -> str:
        ids = tuple(dict.fromkeys(item.split(" ", 1)[0] for item in alert.items))
        return self._record(destination, "alert", alert.period, ids, "", messages.alert_text(alert))

    def _notice(self, address: str, notice: PersonNotice) -> str:
        ids = tuple(m.measure_id for m in notice.measures)
        return self._record(address, notice.kind.value, notice.period, ids, notice.on_behalf_of,
                            messages.notice_text(notice))  # fmt: skip

    def _record(self, to: str, kind: str, period: str, ids: tuple[str, ...], behalf: str, text: str) -> str:
        if self.crash == "before":
            os._exit(3)
        wallclock.sleep(self.delay)
        now = self._clock.now().astimezone(LONDON)
        ref = f"{os.getpid()}-{next(self._ids)}"
        item = Delivered(f"{now:%Y-%m-%d %H:%M}", to, kind, period, ids, behalf, text, ref,
                         now.utcoffset().total_seconds() / 3600)  # fmt: skip
        self.deliveries.append(item)
        if self._path is not None:
            line = (json.dumps(asdict(item)) + "\n").encode()
            fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, line)
            finally:
                os.close(fd)
        if self.crash == "after":
            os._exit(3)
        return ref

    def to(self, person: str) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
        """What one person received: (when, kind, period, on behalf of, measures)."""
        return [(d.at, d.kind, d.period, d.on_behalf_of, d.measures) for d in self.deliveries if d.to == person]


def read_log(path: Path) -> list[Delivered]:
    if not path.exists():
        return []
    return [Delivered(**(json.loads(line) | {"measures": tuple(json.loads(line)["measures"])}))
            for line in path.read_text().splitlines()]  # fmt: skip


class FileClock:
    """A clock read from a file, so a test can move the time of several processes at once."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self._path.read_text().strip()).astimezone(LONDON)

    @staticmethod
    def set(path: Path, moment: datetime) -> None:
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(moment.isoformat())
        os.replace(tmp, path)


def build(data_dir: Path, clock: Clock, channel: RecordingChannel | None = None):  # noqa: ANN201
    """An App on `data_dir` whose only outside channel is `channel` (the local one comes last); its
    store is PostgreSQL when the test put a database in `TEST_DATABASE`, else TinyDB."""
    settings = Settings(database_url=os.environ.get(TEST_DATABASE))
    return app_module.build(data_dir, clock=clock, channels=[channel] if channel else [], settings=settings)


def seeded(data_dir: Path, start: datetime) -> tuple[ManualClock, RecordingChannel, app_module.App]:
    """A fresh data dir with the small register, a manual clock and a recording channel."""
    clock = ManualClock(start)
    channel = RecordingChannel(clock)
    app = build(data_dir, clock, channel)
    app.store.register.apply(small_register(), [], actor="test")
    return clock, channel, app


def opened_q3(data_dir: Path) -> tuple[ManualClock, RecordingChannel, app_module.App]:
    """`seeded` at the Q3 round's opening, ticked once: the round is open and its requests are
    sent (the channel then forgets them, so a test sees only what comes after)."""
    clock, channel, app = seeded(data_dir, london(Q3_OPENS))
    app.cycle.tick()
    channel.deliveries.clear()
    return clock, channel, app


def restarted(
    data_dir: Path, at: datetime, **channel_options: Any
) -> tuple[ManualClock, RecordingChannel, app_module.App]:
    """A fresh App (new store objects, new channel) on the same data dir, as a new process has."""
    clock = ManualClock(at)
    channel = RecordingChannel(clock, **channel_options)
    return clock, channel, build(data_dir, clock, channel)


TICKS = (time(7, 0), time(9, 30), time(12, 0), time(15, 0), time(19, 0))


def run_days(
    clock: ManualClock,
    app: app_module.App,
    *,
    until: date,
    events: dict[datetime, Callable[[], object]] | None = None,
    ticks: tuple[time, ...] = TICKS,
) -> None:
    """Tick at `ticks` every day (weekends too) up to `until`, running `events` at their times."""
    events = events or {}
    day = clock.now().date()
    while day <= until:
        moments = [(datetime.combine(day, t, tzinfo=LONDON), None) for t in ticks]
        moments += [(at, job) for at, job in events.items() if at.date() == day]
        for at, job in sorted(moments, key=lambda m: (m[0], m[1] is None)):
            if at < clock.now():
                continue
            clock.set(at)
            if job is None:
                app.cycle.tick()
            else:
                job()
        day += timedelta(days=1)


def reply(app: app_module.App, measure_id: str, period: Period, value: float, *,
          by: str | None, commentary: str = "", action: str = "") -> Callable[[], None]:  # fmt: skip
    """An event: `by` (None: the performance officer) submits a return; it must be accepted."""

    def submit() -> None:
        result = app.collector.submit(Submission(measure_id, period, value, commentary=commentary,
                                                 action=action, submitted_by=by))  # fmt: skip
        assert result.accepted, result.errors

    return submit


def test_the_recording_channel_appends_whole_lines_from_each_delivery(tmp_path):
    clock = ManualClock(london("2026-01-12 10:00"))
    log = tmp_path / "sent.jsonl"
    first, second = RecordingChannel(clock, path=log), RecordingChannel(clock, path=log)
    first.post_alert("cmt", Alert("2025/26 Q3", ("A1 Measure A1: red",)))
    second.post_alert("cmt", Alert("2025/26 Q3", ("B1 Measure B1: red",)))
    assert [(d.to, d.measures, d.at) for d in read_log(log)] == [
        ("cmt", ("A1",), "2026-01-12 10:00"), ("cmt", ("B1",), "2026-01-12 10:00"),
    ]  # fmt: skip


def test_the_file_clock_is_shared_through_its_file(tmp_path):
    path = tmp_path / "clock"
    FileClock.set(path, london("2025-10-26 09:30"))
    assert FileClock(path).now().utcoffset().total_seconds() == 0  # after the clock change
    FileClock.set(path, london("2025-10-24 09:30"))
    assert FileClock(path).now().utcoffset().total_seconds() == 3600
