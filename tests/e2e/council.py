"""A council's data directory for the web tests: register, history, an open round, people.

`small_council` (three measures, two owners, four quarters of history) keeps route tests fast;
`sample_council` is the demo's Larkfield District Council (43 measures, 8 quarters) for e2e.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from collectors.bulk import import_returns
from perfbot import app as app_module
from perfbot.cli.demo_data import SAMPLE_PEERS, SAMPLE_REGISTER, write_history
from perfbot.clock import LONDON, ManualClock
from perfbot.model import Measure, Polarity, Unit
from perfbot.periods import Period
from perfbot.register_import import load_register
from perfbot.settings import Settings
from tests.pg_server import TEST_DATABASE

PERIOD = Period(2025, 3)  # 2025/26 Q3, ended 31 December 2025
NOW = datetime(2026, 1, 12, 10, 0, tzinfo=LONDON)
OFFICER = "performance@larkfield.gov.uk"
CMT = "chief.exec@larkfield.gov.uk"
MEMBER = "cllr.jones@larkfield.gov.uk"
ADMIN = "it.admin@larkfield.gov.uk"
OWNER = "amira.hassan@larkfield.gov.uk"
OTHER_OWNER = "tom.brennan@larkfield.gov.uk"
HEAD = "helen.marsh@larkfield.gov.uk"

TOML = """\
[council]
name = "Larkfield District Council"
performance_officers = ["{officer}"]

[web]
public_url = "{public_url}"
cmt = ["{cmt}"]
members = ["{member}"]
admins = ["{admin}"]
upload_max_mb = 1

[peers]
area_code = "E07000999"
group_name = "CIPFA nearest neighbours"
"""


@dataclass
class Council:
    app: app_module.App
    clock: ManualClock
    messages: list[tuple[str, str]] = field(default_factory=list)

    def returns_link(self, owner: str) -> str:
        """The form link the owner's request carried (as delivered on the local channel)."""
        for recipient, text in self.messages:
            if recipient == owner:
                found = re.search(r"(https?://\S+/returns/\S+)", text)
                if found:
                    return found[1]
        raise AssertionError(f"no request with a form link reached {owner}")

    def path(self, url: str) -> str:
        return re.sub(r"^https?://[^/]+", "", url)


def _data_dir(root: Path, public_url: str, extra_toml: str = "") -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    (data / "perfbot.toml").write_text(TOML.format(
        officer=OFFICER, cmt=CMT, member=MEMBER, admin=ADMIN, public_url=public_url) + extra_toml, encoding="utf-8")
    return data


def _build(data: Path) -> Council:
    clock = ManualClock(NOW)
    council = Council(app=None, clock=clock)  # type: ignore[arg-type]
    council.app = app_module.build(data, clock=clock, channels=[],
                                   show=lambda to, text: council.messages.append((to, text)),
                                   settings=Settings(database_url=os.environ.get(TEST_DATABASE)))
    return council


def small_measures() -> list[Measure]:
    common = {"theme": "Thriving Communities", "service": "Housing Options",
              "head_of_service_email": HEAD, "data_source": "Housing case system"}  # fmt: skip
    return [
        Measure("HO04", "Homelessness decisions within 56 days", owner_email=OWNER, unit=Unit.PERCENT,
                polarity=Polarity.HIGHER, target=90.0, description="Share of decisions made in time",
                **common),
        Measure("HO02", "Households in temporary accommodation", owner_email=OWNER, unit=Unit.NUMBER,
                polarity=Polarity.LOWER, target=45.0, **common),
        Measure("HO03", "Average days in bed and breakfast", owner_email=OTHER_OWNER, unit=Unit.DAYS,
                polarity=Polarity.LOWER, target=42.0, **common),
    ]  # fmt: skip


def small_council(root: Path, *, public_url: str = "http://testserver", extra_toml: str = "") -> Council:
    council = _build(_data_dir(root, public_url, extra_toml))
    app = council.app
    app.store.register.apply(small_measures(), [], actor="test")
    history = {"HO04": [91.0, 92.5, 89.0, 93.0], "HO02": [40.0, 44.0, 43.0, 41.0],
               "HO03": [30.0, 35.0, 38.0, 33.0]}  # fmt: skip
    from collectors.submissions import Submission

    for mid, values in history.items():
        for period, value in zip(PERIOD.back(5)[:-1], values, strict=True):
            result = app.collector.submit(Submission(mid, period, value, commentary="On track.",
                                                     reason="history for the tests"))
            assert result.accepted, result.errors
    app.cycle.open_round(PERIOD, actor=OFFICER)
    return council


def sample_council(root: Path, *, public_url: str, extra_toml: str = "") -> Council:
    data = _data_dir(root, public_url, extra_toml)
    council = _build(data)
    app = council.app
    parsed = load_register(SAMPLE_REGISTER)
    app.store.register.apply(parsed.measures, parsed.targets, actor="test")
    overrides = {(t.measure_id, t.period): t.target for t in parsed.targets}
    write_history(parsed.measures, overrides, PERIOD.back(9)[:-1], data / "history.csv")
    import_returns(app.store, app.collector, data / "history.csv", period=None, actor="test")
    from collectors.benchmarks import load_peer_values

    app.store.peers.save(load_peer_values(SAMPLE_PEERS).values, actor="test", source=SAMPLE_PEERS.name)
    app.cycle.open_round(PERIOD, actor=OFFICER)
    return council


PUBLIC = ("HO02", "HO04")  # HO03 stays private
PUBLIC_Q3 = {"HO04": (88.0, "Two caseworkers joined in November."), "HO02": (50.0, "Demand rose after the floods."),
             "HO03": (31.0, "Private measure commentary.")}  # fmt: skip


def make_public(council: Council, ids: tuple[str, ...] = PUBLIC) -> None:
    """Mark `ids` public in the register (as a register import with `public = yes` does)."""
    from dataclasses import replace

    register = council.app.store.register
    register.apply([replace(m, public=m.measure_id in ids) for m in register.measures()], None, actor="test")


def publish_quarters(council: Council) -> None:
    """Close 2025/26 Q2 (its history figures) on 12 January 2026, then send every 2025/26 Q3
    return and close that round on 26 January: two published quarters."""
    from datetime import timedelta

    from collectors.submissions import Submission

    app = council.app
    app.cycle.open_round(PERIOD.previous(), actor=OFFICER)
    app.cycle.close_round(PERIOD.previous(), actor=OFFICER)
    owners = {m.measure_id: m.owner_email for m in app.store.register.measures()}
    for mid, (value, commentary) in PUBLIC_Q3.items():
        result = app.collector.submit(Submission(mid, PERIOD, value, commentary=commentary, submitted_by=owners[mid],
                                                 action="Agency staff until March." if mid == "HO02" else ""))  # fmt: skip
        assert result.accepted, result.errors
    council.clock.advance(timedelta(days=14))
    app.cycle.close_round(PERIOD, actor=OFFICER)


def public_council(root: Path, *, public_url: str = "http://testserver") -> Council:
    """The small council with HO02 and HO04 public and two quarters published."""
    council = small_council(root, public_url=public_url)
    make_public(council)
    publish_quarters(council)
    return council
