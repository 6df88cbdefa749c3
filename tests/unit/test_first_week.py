"""Small things a council's first week hits: `perfbot init` shows every [web] role setting
(commented, with what it does), and the scheduler does not log each minute's tick at INFO."""

from __future__ import annotations

import logging
import re
import time
import tomllib
from datetime import timedelta

from bot.web.roles import WebSettings
from perfbot.cli import main
from perfbot.config import parse
from schedules.runner import Runner

WEB_SETTINGS = ("cmt", "members", "admins", "session_hours", "sign_in_hours", "upload_max_mb")


def test_init_writes_every_web_setting_commented(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0
    text = (tmp_path / "data" / "perfbot.toml").read_text(encoding="utf-8")
    web = text.split("[web]", 1)[1]
    for name in WEB_SETTINGS:
        assert re.search(rf"^# {name} = .+# \S", web, re.MULTILINE), name  # commented, and explained
    uncommented = re.sub(r"^# (\w+ = )", r"\1", text, flags=re.MULTILINE)
    settings = WebSettings.from_config(parse(tomllib.loads(uncommented)))  # as written, they work
    assert settings.cmt == {"chief.executive@council.gov.uk"} and settings.upload_max_mb == 5


def test_scheduler_ticks_are_not_logged_at_info(caplog):
    ticks: list[int] = []
    runner = Runner(lambda: ticks.append(1), every=timedelta(seconds=0.05))
    with caplog.at_level(logging.INFO):
        runner.start()
        deadline = time.monotonic() + 5
        while len(ticks) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        runner.stop()
    assert len(ticks) >= 3
    noisy = [r.getMessage() for r in caplog.records if r.name.startswith("apscheduler") and r.levelno < logging.WARNING]
    assert noisy == []
