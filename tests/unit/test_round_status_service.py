"""Round status as a service: the officers' view of a round and each person's own, typed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from perfbot.app import App, build
from perfbot.clock import LONDON, ManualClock
from perfbot.config import CONFIG_NAME, DEFAULT_TOML
from perfbot.model import Return, RoundState
from perfbot.periods import Period
from tests.conftest import make_measure

Q3 = Period(2025, 3)
OWNER, DEPUTY, HEAD, OTHER = (f"{n}@council.gov.uk" for n in ("owner", "deputy", "head", "other"))
OFFICER = "performance@example.gov.uk"  # DEFAULT_TOML's performance officer


def council(tmp_path: Path) -> App:
    data = tmp_path / "data"
    data.mkdir()
    (data / CONFIG_NAME).write_text(DEFAULT_TOML, encoding="utf-8")
    app = build(data, clock=ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON)))
    app.store.register.apply([
        make_measure("M1", owner_email=OWNER, head_of_service_email=HEAD, service="Housing"),
        make_measure("M2", owner_email=OWNER, head_of_service_email=HEAD, service="Housing"),
        make_measure("W1", owner_email=OTHER, head_of_service_email=HEAD, service="Waste"),
    ], [], actor="test")  # fmt: skip
    app.store.people.set(OWNER, actor="test", deputy=DEPUTY)
    return app


def test_a_round_never_opened_is_said_so_and_counts_what_is_expected(tmp_path):
    status = council(tmp_path).status.of(Q3)
    assert (status.round, status.state, status.expected, status.returned) == (None, "not opened", 3, 0)
    assert status.to_json()["state"] == "not opened" and status.undelivered == ()


def test_the_officers_view_counts_each_owner_and_each_service(tmp_path):
    app = council(tmp_path)
    app.store.rounds.open(Q3, deadline=datetime(2026, 1, 23, 23, 59, tzinfo=LONDON), actor="test")
    app.store.returns.save(Return("M1", Q3, 95.0, submitted_by=DEPUTY))
    status = app.status.of(Q3)
    assert status.state == RoundState.OPEN.value and (status.expected, status.returned) == (3, 1)
    assert [(s.service, s.expected, s.returned, s.completion_pct) for s in status.services] == [
        ("Housing", 2, 1, 50.0), ("Waste", 1, 0, 0.0)]
    assert [(o.owner, o.measures, o.returned, o.deputy) for o in status.owners] == [
        (OTHER, 1, 0, ""), (OWNER, 2, 1, DEPUTY)]
    assert [o.owner for o in status.outstanding] == [OTHER, OWNER]
    assert status.to_json()["services"][0] == {"service": "Housing", "expected": 2, "returned": 1,
                                               "on_time": 1, "completion_pct": 50.0}  # fmt: skip


def test_each_person_sees_their_own_returns_and_only_officers_see_every_service(tmp_path):
    app = council(tmp_path)
    assert app.status.for_person(OWNER) is None  # no open round
    app.store.rounds.open(Q3, deadline=datetime(2026, 1, 23, 23, 59, tzinfo=LONDON), actor="test")
    app.store.returns.save(Return("M2", Q3, 91.0, submitted_by=OWNER))
    seen = {who: app.status.for_person(who) for who in (OWNER, DEPUTY, HEAD, OFFICER)}
    assert {who: [m.measure_id for m in s.measures] for who, s in seen.items()} == {
        OWNER: ["M1", "M2"], DEPUTY: ["M1", "M2"], HEAD: ["M1", "M2", "W1"], OFFICER: []}
    assert list(seen[DEPUTY].returned) == ["M2"] and seen[DEPUTY].count_returned == 1
    assert seen[OWNER].services == () and seen[HEAD].services == ()
    assert [s.service for s in seen[OFFICER].services] == ["Housing", "Waste"]
    assert app.status.for_person(OWNER, Period(2025, 2)) is None  # that quarter has no round
