"""`round status`: per owner requested, reminders, returned on time or late, escalated, chased."""

from __future__ import annotations

from datetime import date

from perfbot.people import Absence
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    Q3,
    london,
    reply,
    run_days,
    seeded,
)


def test_round_status_per_owner_and_per_service(tmp_path):
    clock, _, app = seeded(tmp_path / "data", london("2026-01-08 07:00"))
    app.store.people.set(CAROL, actor="officer", deputy=BOB,
                         add_absences=(Absence(date(2026, 1, 20), date(2026, 1, 30)),))  # fmt: skip
    run_days(clock, app, until=date(2026, 1, 28), events={
        london("2026-01-09 11:00"): reply(app, "A1", Q3, 95, by=ALICE),
        london("2026-01-09 11:30"): reply(app, "B1", Q3, 95, by=BOB),
        london("2026-01-23 11:00"): reply(app, "A2", Q3, 95, by=ALICE),  # a day late
        london("2026-01-23 11:30"): reply(app, "B1", Q3, 96, by=BOB),  # a late revision
        london("2026-01-27 10:00"): lambda: app.cycle.chase(Q3, owner=CAROL, actor="officer"),
    })  # fmt: skip
    status = app.status.of(Q3)
    rows = {r.pop("owner"): r for r in (o.row() for o in status.owners)}
    assert rows == {
        ALICE: {"service": "Housing", "measures": 2, "returned": 2, "on_time": 1, "late": 1,
                "requested": "2026-01-08 09:30", "reminders": 3, "escalated": "", "chases": 0,
                "last_chased": "", "deputy": ""},
        BOB: {"service": "Housing", "measures": 1, "returned": 1, "on_time": 1, "late": 0,
              "requested": "2026-01-08 09:30", "reminders": 0, "escalated": "", "chases": 0,
              "last_chased": "", "deputy": ""},
        CAROL: {"service": "Waste", "measures": 1, "returned": 0, "on_time": 0, "late": 0,
                "requested": "2026-01-08 09:30", "reminders": 3, "escalated": "2026-01-26 09:30",
                "chases": 1, "last_chased": "2026-01-27 10:00",
                "deputy": f"{BOB} (owner away until 30 Jan)"},
    }  # fmt: skip
    assert [s.row() for s in status.services] == [
        {"service": "Housing", "expected": 3, "returned": 3, "on_time": 2, "completion_pct": 100.0},
        {"service": "Waste", "expected": 1, "returned": 0, "on_time": 0, "completion_pct": 0.0},
    ]
    to_bob = [m.kind for m in app.store.outbox.for_period(Q3) if m.recipient == BOB]
    assert to_bob == ["request", "reminder", "deadline", "chase"]  # Carol's, while she was away
