"""SIGKILL `perfbot serve` during a storm of web-form returns, again and again.

A real `perfbot serve` (uvicorn, the web channel, the scheduler) runs on a data directory with a
register and an open round. Eight browsers send returns through the owners' signed links as fast
as the server takes them — GET the form for its CSRF token and form key, POST the figure — and
each figure the server acknowledged (303 to "received") is noted. Mid-storm the server is
SIGKILLed; the store must load, the server must start again on the same data, and the storm goes
on. After several kills every acknowledged figure is stored exactly once, and no figure at all
(acknowledged or caught in flight by the kill) is stored twice. On TinyDB and on PostgreSQL.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from perfbot import app as app_module
from perfbot.clock import SystemClock
from perfbot.model import Measure, Polarity, Unit
from perfbot.periods import Period
from perfbot.settings import Settings
from perfbot.store import open_store
from tests.conftest import BACKENDS
from tests.faults.serve import Served

KILLS = 3
BROWSERS = 8
STORM_SECONDS = (0.7, 1.2, 0.9)  # how long each storm runs before its kill
OWNERS = [f"owner{n}@council.gov.uk" for n in range(4)]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


def _council(data: Path, database_url: str | None) -> tuple[Period, dict[str, str]]:
    """A register of 20 volumetric measures (5 per owner), last quarter's round open; each owner's
    returns link (path only), valid for a year."""
    data.mkdir(parents=True)
    (data / "perfbot.toml").write_text('[council]\nname = "Stormshire District Council"\n', encoding="utf-8")
    app = app_module.build(data, show=lambda to, text: None, channels=[], settings=Settings(database_url=database_url))
    measures = [Measure(measure_id=f"M{n:02d}", title=f"Measure {n}", theme="Theme", service=f"Service {n % 4}",
                        owner_email=OWNERS[n % 4], head_of_service_email="head@council.gov.uk",
                        unit=Unit.NUMBER, polarity=Polarity.NONE, target=None) for n in range(20)]  # fmt: skip
    app.store.register.apply(measures, [], actor="test")
    period = Period.containing(SystemClock().now().date()).previous()
    app.cycle.open_round(period, actor="test")
    expires = SystemClock().now() + timedelta(days=365)
    links = {o: re.sub(r"^https?://[^/]+", "", app.links.url(owner=o, period=str(period), expires=expires))
             for o in OWNERS}  # fmt: skip
    return period, links


class Storm:
    """Browsers sending returns until the server goes; what was sent, and what was acknowledged."""

    def __init__(self, links: dict[str, str]) -> None:
        self.links = links
        self.numbers = itertools.count(1)
        self.sent: list[tuple[str, float]] = []
        self.acknowledged: list[tuple[str, float]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._browsers: list[threading.Thread] = []

    def start(self, url: str) -> None:
        self._browsers = [threading.Thread(target=self._browse, args=(url, seat), daemon=True)
                          for seat in range(BROWSERS)]  # fmt: skip
        for browser in self._browsers:
            browser.start()

    def wait_for_acknowledgement(self, *, after: int, timeout: float = 60.0) -> None:
        """Until the server has acknowledged a return (a loaded machine may take a while to warm up)."""
        deadline = time.monotonic() + timeout
        while len(self.acknowledged) <= after and not self.errors:
            assert time.monotonic() < deadline, "the server acknowledged nothing"
            time.sleep(0.01)

    def finish(self) -> None:
        """Wait for every browser to notice the server has gone."""
        for browser in self._browsers:
            browser.join(timeout=30)
            assert not browser.is_alive(), "a browser did not stop"
        assert not self.errors, self.errors[:3]

    def _browse(self, url: str, seat: int) -> None:
        with httpx.Client(base_url=url, timeout=10.0, follow_redirects=False) as browser:
            while True:
                try:
                    self._send_one(browser, seat)
                except httpx.HTTPError:
                    return  # the server is gone (killed): this browser's storm is over
                except AssertionError as error:
                    with self._lock:
                        self.errors.append(str(error))
                    return

    def _send_one(self, browser: httpx.Client, seat: int) -> None:
        with self._lock:
            number = next(self.numbers)
        owner = OWNERS[seat % len(OWNERS)]
        measure_id = f"M{(seat % len(OWNERS)) + len(OWNERS) * (number % 5):02d}"  # one of the owner's
        form = f"{self.links[owner]}/measures/{measure_id}"
        page = browser.get(form)
        assert page.status_code == 200, f"GET {page.status_code}: {page.text[:300]}"
        figure = float(1000 + number)
        fields = {"csrf_token": CSRF.search(page.text)[1], "form_key": FORM_KEY.search(page.text)[1],
                  "value": str(int(figure)), "intent": "submit"}  # fmt: skip
        with self._lock:
            self.sent.append((measure_id, figure))
        answer = browser.post(form, data=fields)
        assert answer.status_code == 303 and answer.headers["location"].endswith("/received"), (
            f"POST {answer.status_code}: {answer.text[:300]}")
        with self._lock:
            self.acknowledged.append((measure_id, figure))


@pytest.mark.parametrize("backend", BACKENDS)
def test_sigkill_during_a_submission_storm_loses_and_duplicates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str, request: pytest.FixtureRequest
) -> None:
    monkeypatch.delenv("PERFBOT_SECRET_KEY", raising=False)  # links are signed with the data dir's key
    url = request.getfixturevalue("database_url") if backend == "postgres" else None
    env = {"PERFBOT_DATABASE_URL": url} if url else {}
    data = tmp_path / "data"
    period, links = _council(data, url)
    storm = Storm(links)
    for kill in range(KILLS):
        server = Served(data, tmp_path / "serve.log", env=env)
        try:
            server.wait_ready()
            storm.start(server.url)
            storm.wait_for_acknowledgement(after=len(storm.acknowledged))  # warmed up: storming now
            time.sleep(STORM_SECONDS[kill % len(STORM_SECONDS)])
        finally:
            server.kill()  # SIGKILL mid-storm: requests in flight are cut off
        storm.finish()
        store = open_store(data, database_url=url)  # the store loads after every kill
        try:
            _assert_exactly_once(store.returns, period, storm, after=f"kill {kill + 1}")
        finally:
            getattr(store, "close", lambda: None)()
    assert len(storm.acknowledged) > 10, "the storm hardly stormed"  # a floor, not a speed test
    server = Served(data, tmp_path / "serve.log", env=env)  # and perfbot serve starts on what is left
    try:
        server.wait_ready()
    finally:
        server.kill()


def _assert_exactly_once(stored, period: Period, storm: Storm, *, after: str) -> None:  # noqa: ANN001
    versions = {m: stored.versions(m, period) for m in {m for m, _ in storm.sent}}
    counts = Counter((m, v.value) for m, found in versions.items() for v in found)
    missing = [a for a in storm.acknowledged if counts[a] == 0]
    assert not missing, f"acknowledged but lost after {after}: {missing[:5]}"
    duplicated = [k for k, n in counts.items() if n > 1]
    assert not duplicated, f"stored twice after {after}: {duplicated[:5]}"
    unsent = set(counts) - set(storm.sent)
    assert not unsent, f"stored but never sent: {sorted(unsent)[:5]}"
    for measure_id, found in versions.items():
        assert [v.revision for v in found] == list(range(1, len(found) + 1)), f"{measure_id}: revisions"
