"""Shared set-up for the Slack tests: a small council, the strict fake Slack, perfbot served.

Requests reach perfbot the way Slack sends them: signed by `tests.fakes.slack_signing` and posted
over HTTP to `/slack/events` of perfbot's real ASGI app, served by uvicorn on 127.0.0.1. perfbot's real slack_sdk
client talks to the fake Web API on 127.0.0.1, which holds exactly the manifest's scopes.
(Helpers live here, beside the tests that use them; the file's own tests check the helpers.)
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from bot.slack.manifest import load_manifest
from perfbot import app as app_module
from perfbot.clock import LONDON, ManualClock
from perfbot.model import Measure, Polarity, Return, Unit
from perfbot.periods import Period
from perfbot.server import create_asgi
from perfbot.settings import Settings, SlackSettings
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlackAPI
from tests.fakes.uvicorn_server import UvicornServer

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PERIOD = Period(2025, 3)
NOW = datetime(2026, 1, 12, 10, 0, tzinfo=LONDON)  # a Monday, after 2025/26 Q3 ended
CMT = "C0CMT00001"
OFFICER, OFFICER_ID = "perf@council.example", "U0OFFICER1"
JO, JO_ID = "jo@council.example", "U0JOBLOGS1"  # owns CS01 and CS02 (Customer Services)
SAM, SAM_ID = "sam@council.example", "U0SAMSMITH"  # owns WS01 (Waste)
ALEX = "alex@council.example"  # owns HR01; not in Slack
HEAD, HEAD_ID = "head@council.example", "U0HEADOFSV"  # head of every service
JO_DM, SAM_DM, OFFICER_DM = (signing.dm_channel_id(u) for u in (JO_ID, SAM_ID, OFFICER_ID))

TOML = f"""
[council]
name = "Larkfield District Council"
performance_officers = ["{OFFICER}"]

[slack]
cmt_channel = "{CMT}"
"""


def _measure(measure_id: str, title: str, service: str, owner: str, **extra: Any) -> Measure:
    return Measure(measure_id=measure_id, title=title, theme="A well-run council", service=service,
                   owner_email=owner, head_of_service_email=HEAD, **extra)  # fmt: skip


REGISTER = [
    _measure("CS01", "Calls answered within 60 seconds", "Customer Services", JO,
             unit=Unit.PERCENT, target=90.0),
    _measure("CS02", "Complaints answered within 10 days", "Customer Services", JO,
             unit=Unit.PERCENT, target=95.0),
    _measure("WS01", "Missed bin collections per 100,000", "Waste", SAM,
             unit=Unit.NUMBER, polarity=Polarity.LOWER, target=50.0),
    _measure("HR01", "Average sickness absence", "People", ALEX, unit=Unit.DAYS,
             polarity=Polarity.LOWER, target=2.0),
]  # fmt: skip
HISTORY = {"CS01": 91.0, "CS02": 96.0, "WS01": 48.0, "HR01": 1.8}  # each of the 4 earlier quarters


def manifest_scopes() -> list[str]:
    return load_manifest()["oauth_config"]["scopes"]["bot"]


def start_fake() -> FakeSlackAPI:
    """The fake Slack with the manifest's scopes, the council's people and its CMT channel."""
    fake = FakeSlackAPI(scopes=manifest_scopes()).start()
    fake.add_user(OFFICER, OFFICER_ID, "Pat Officer")
    fake.add_user(JO, JO_ID, "Jo Bloggs")
    fake.add_user(SAM, SAM_ID, "Sam Smith")
    fake.add_user(HEAD, HEAD_ID, "Hari Head")
    fake.add_channel(CMT, "cmt")
    return fake


class SlackWorld:
    """perfbot on a fresh data directory, served over HTTP, with Slack configured to the fake."""

    def __init__(self, tmp_path: Path, fake: FakeSlackAPI, *, toml: str = TOML) -> None:
        self.fake = fake
        self.clock = ManualClock(NOW)
        data = tmp_path / "data"
        data.mkdir(parents=True, exist_ok=True)
        (data / "perfbot.toml").write_text(toml, encoding="utf-8")
        self.settings = Settings(slack=SlackSettings(bot_token=fake.token, signing_secret=SECRET,
                                                     app_token=None, api_url=fake.base_url))  # fmt: skip
        self.shown: list[tuple[str, str]] = []
        self.app = app_module.build(data, clock=self.clock, settings=self.settings,
                                    show=lambda to, text: self.shown.append((to, text)))  # fmt: skip
        self.store = self.app.store
        self.store.register.apply(REGISTER, [], actor="test")
        self.store.returns.save_many([
            Return(m, p, v, submitted_by="history") for m, v in HISTORY.items()
            for p in PERIOD.back(5)[:-1]])  # fmt: skip
        self.server = UvicornServer(create_asgi(self.app, self.settings, run_scheduler=False)).start()
        self.http = httpx.Client(base_url=self.server.url, timeout=30)

    def open_round(self) -> None:
        self.app.cycle.open_round(PERIOD, actor=OFFICER)

    def send(self, request: signing.SignedRequest) -> httpx.Response:
        """POST a signed request to /slack/events as Slack would."""
        return self.http.post("/slack/events", content=request.body, headers=request.headers)

    def timed(self, request: signing.SignedRequest) -> tuple[httpx.Response, float]:
        started = time.perf_counter()
        response = self.send(request)
        return response, time.perf_counter() - started

    def request_dm(self, channel: str) -> dict[str, Any]:
        """The round's request DM in a person's DM channel (the first message there)."""
        return self.fake.messages(channel)[0]

    def click(self, message: dict[str, Any], action_id: str, *, user_id: str, **kwargs: Any) -> httpx.Response:
        return self.send(signing.block_actions(signing_secret=SECRET, action_id=action_id,
                                               message=message, user_id=user_id, **kwargs))  # fmt: skip

    def submit(self, view: dict[str, Any], answers: dict[str, str], *, user_id: str) -> httpx.Response:
        """Submit the returns modal with {block_id: text} typed in."""
        typed = {block: {"input": text} for block, text in answers.items()}
        return self.send(signing.view_submission(signing_secret=SECRET, view=view, answers=typed,
                                                 user_id=user_id))  # fmt: skip

    def command(self, text: str, *, user_id: str) -> tuple[httpx.Response, str]:
        """Run `/perf <text>`; the response and the response URL perfbot may answer on."""
        url = self.fake.response_url()
        response = self.send(signing.slash_command(signing_secret=SECRET, text=text, user_id=user_id,
                                                   response_url=url))  # fmt: skip
        return response, url

    def answered(self, url: str, count: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:
        """What perfbot posted to a response URL (waiting for work done after the ack)."""
        deadline = time.monotonic() + timeout
        while len(self.fake.response_url_posts(url)) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.fake.response_url_posts(url)

    def close(self) -> None:
        self.http.close()
        # Wait while uvicorn's shutdown finishes the work still queued (Slack's redraws), so none
        # of it reaches for a fake Slack already stopped, in a later test.
        self.server.stop()


def running_world(tmp_path: Path, **kwargs: Any) -> Iterator[SlackWorld]:
    """For fixtures: `yield from running_world(tmp_path)` (the fake and server stop after)."""
    fake = start_fake()
    world = SlackWorld(tmp_path, fake, **kwargs)
    try:
        yield world
    finally:
        settle(fake)
        world.close()
        fake.stop()
        assert not fake.crashes, fake.crashes[0]


def settle(fake: FakeSlackAPI, quiet: float = 0.1, timeout: float = 5.0) -> None:
    """Wait until perfbot has stopped calling Slack (work still running after the last ack)."""
    deadline, last, since = time.monotonic() + timeout, -1, time.monotonic()
    while time.monotonic() < deadline:
        now = sum(fake.counts().values())
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.02)


def opened_view(fake: FakeSlackAPI, count: int = 1) -> dict[str, Any]:
    """The modal opened by the `count`-th views.open call (as the fake stored it)."""
    calls = fake.wait_for("views.open", count)
    view_id = fake.responses("views.open")[count - 1].body["view"]["id"]
    assert calls
    return fake.view(view_id)


def wait_until(check: Any, timeout: float = 5.0) -> Any:
    """Poll `check()` until it is truthy (for work done after the ack)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.01)
    raise TimeoutError("condition not met in time")


def replies(fake: FakeSlackAPI, channel: str, parent: dict[str, Any]) -> list[dict[str, Any]]:
    """The thread replies under `parent` (not the parent itself)."""
    return [m for m in fake.messages(channel, thread_ts=parent["ts"]) if m["ts"] != parent["ts"]]


def texts(message: dict[str, Any]) -> str:
    """All the text a message shows (its blocks' text, or its fallback text)."""
    return json.dumps(message.get("blocks") or message.get("text"), ensure_ascii=False)


def test_the_world_has_a_round_to_open(tmp_path: Path) -> None:
    fake = start_fake()
    try:
        world = SlackWorld(tmp_path, fake)
        assert [m.measure_id for m in world.store.register.measures()] == ["CS01", "CS02", "HR01", "WS01"]
        assert world.store.returns.get("CS01", PERIOD.previous()).value == 91.0
        assert world.http.get("/healthz").json()["status"] == "ok"
        world.close()
    finally:
        fake.stop()
