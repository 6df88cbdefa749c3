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


def test_every_cli_argument_has_help_text() -> None:
    import argparse

    from perfbot.cli import build_parser

    missing = []

    def walk(parser: argparse.ArgumentParser, path: list[str]) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, [*path, name])
            elif not action.help:
                missing.append(f"{' '.join(path)} {action.dest}")

    walk(build_parser(), [])
    assert missing == []


def test_rejecting_a_case_study_keeps_the_reason_and_people_set_warns_of_strangers(tmp_path, monkeypatch, capsys):
    from perfbot.cli import main
    from perfbot.store import Store

    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0 and main(["register", "import", "perfbot/sample/register.yaml"]) == 0
    assert main(["casestudy", "add", "--title", "Lifts", "--theme", "Thriving Communities", "--service",
                 "Housing Options", "--what-happened", "Panel chose", "--impact", "Fewer outages",
                 "--consent", "yes", "--as", "amira.hassan@larkfield.gov.uk"]) == 0  # fmt: skip
    store = Store.open(tmp_path / "data")
    [study] = store.case_studies.list()
    assert main(["casestudy", "reject", study.case_id, "--reason", "names a resident"]) == 0
    assert Store.open(tmp_path / "data").audit.about(f"case study {study.case_id}")[-1].after["reason"] == "names a resident"
    capsys.readouterr()
    assert main(["people", "set", "amira.hassan@larkfield.gov.uk", "--deputy", "amria.hasan@larkfield.gov.uk"]) == 0
    assert "amria.hasan@larkfield.gov.uk is not an owner" in capsys.readouterr().err
