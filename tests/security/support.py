"""A council's data directory for `perfbot serve` subprocesses: a register, an open round, links."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from perfbot import app as app_module
from perfbot.clock import SystemClock
from perfbot.model import Measure, Polarity, Unit
from perfbot.periods import Period

OWNER = "owner@council.gov.uk"
OFFICER = "officer@council.gov.uk"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM_KEY = re.compile(r'name="form_key" value="([0-9a-f]{32})"')


def served_council(data: Path) -> tuple[app_module.App, str]:
    """Two measures owned by OWNER, last quarter's round open; OWNER's returns link (path only)."""
    data.mkdir(parents=True)
    (data / "perfbot.toml").write_text(
        f'[council]\nname = "Testshire"\nperformance_officers = ["{OFFICER}"]\n', encoding="utf-8")
    app = app_module.build(data, show=lambda to, text: None, channels=[])
    measures = [Measure(measure_id=f"M{n}", title=f"Measure {n}", theme="Theme", service="Service",
                        owner_email=OWNER, head_of_service_email=OFFICER, unit=Unit.NUMBER,
                        polarity=Polarity.NONE, target=None) for n in range(2)]  # fmt: skip
    app.store.register.apply(measures, [], actor="test")
    period = Period.containing(SystemClock().now().date()).previous()
    app.cycle.open_round(period, actor="test")
    url = app.links.url(owner=OWNER, period=str(period), expires=SystemClock().now() + timedelta(days=30))
    return app, re.sub(r"^https?://[^/]+", "", url)
