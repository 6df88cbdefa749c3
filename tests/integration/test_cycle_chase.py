"""Ad-hoc chases: only the outstanding, a quiet period, --force, deputies, audit and the CLI."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from perfbot.cli import main
from perfbot.people import Absence
from schedules.errors import RoundError
from tests.integration.test_cycle_support import (
    ALICE,
    BOB,
    CAROL,
    Q3,
    Q3_OPENS,
    RecordingChannel,
    build,
    london,
    opened_q3,
    reply,
    seeded,
)  # fmt: skip

SAMPLE = Path(__file__).resolve().parents[2] / "perfbot" / "sample" / "register.yaml"


@pytest.fixture
def opened(tmp_path):
    clock, channel, app = opened_q3(tmp_path / "data")
    clock.set(london("2026-01-12 11:00"))
    reply(app, "A1", Q3, 95, by=ALICE)()
    reply(app, "B1", Q3, 95, by=BOB)()
    channel.deliveries.clear()
    return clock, channel, app


def test_only_owners_with_returns_outstanding_are_chased_each_told_what_and_by_when(opened):
    _, channel, app = opened
    report = app.cycle.chase(Q3, actor="officer@council.gov.uk")
    assert [(a.addressee, a.measure_ids) for a in report.chased] == [(ALICE, ("A2",)), (CAROL, ("C1",))]
    assert [(d.to, d.kind, d.measures) for d in channel.deliveries] == [
        (ALICE, "chase", ("A2",)), (CAROL, "chase", ("C1",)),
    ]  # fmt: skip
    text = channel.deliveries[0].text
    assert "• A2 Measure A2" in text and "• A1" not in text and "Thursday 22 January 2026" in text


def test_a_person_is_not_chased_twice_within_the_quiet_period_unless_forced(opened):
    clock, channel, app = opened
    app.cycle.chase(Q3, owner=CAROL, actor="officer")
    clock.advance(timedelta(hours=23))
    again = app.cycle.chase(Q3, owner=CAROL, actor="officer")
    assert again.chased == [] and again.quiet[0].until == london("2026-01-13 11:00")
    forced = app.cycle.chase(Q3, owner=CAROL, force=True, actor="officer")
    clock.advance(timedelta(hours=24))
    later = app.cycle.chase(Q3, owner=CAROL, actor="officer")
    assert [a.key for a in forced.chased + later.chased] == [
        f"{Q3}|chase#2|{CAROL}", f"{Q3}|chase#3|{CAROL}",
    ]  # fmt: skip
    assert [d.at for d in channel.deliveries] == ["2026-01-12 11:00", "2026-01-13 10:00", "2026-01-14 10:00"]


def test_a_second_officer_chasing_the_same_service_in_another_process_sends_nothing(opened):
    clock, channel, app = opened
    other_channel = RecordingChannel(clock)
    other = build(app.data_dir, clock, other_channel)  # e.g. the Slack command in `serve`
    first = app.cycle.chase(Q3, service="waste", actor="officer one")
    second = other.cycle.chase(Q3, service="Waste", actor="officer two")
    assert len(first.chased) == 1 and second.chased == [] and second.quiet[0].owner == CAROL
    assert len(channel.deliveries) == 1 and other_channel.deliveries == []


def test_chases_are_audited_and_shown_in_round_status(opened):
    clock, _, app = opened
    app.cycle.chase(Q3, owner=CAROL, actor="officer@council.gov.uk")
    record = next(r for r in app.store.audit.all() if r.action == "chase.recorded")
    assert record.actor == "officer@council.gov.uk" and CAROL in record.subject
    rows = {r.owner: r.row() for r in app.status.of(Q3).owners}
    assert rows[CAROL]["chases"] == 1 and rows[CAROL]["last_chased"] == "2026-01-12 11:00"
    assert rows[ALICE]["chases"] == 0 and rows[ALICE]["last_chased"] == ""


def test_an_absent_owner_is_chased_through_their_deputy(opened):
    _, channel, app = opened
    app.store.people.set(CAROL, actor="officer", deputy=BOB,
                         add_absences=(Absence(date(2026, 1, 10), date(2026, 1, 16)),))  # fmt: skip
    report = app.cycle.chase(Q3, owner=CAROL, actor="officer")
    assert [(a.recipient, a.on_behalf_of) for a in report.chased] == [(BOB, CAROL)]
    assert channel.deliveries[0].to == BOB
    assert channel.deliveries[0].text.startswith(f"You are deputy for {CAROL}, who is away.")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [({"service": "Parks"}, "no service area 'Parks'"),
     ({"owner": "nobody@council.gov.uk"}, "owns no measures"),
     ({"service": "Waste", "owner": CAROL}, "not both")],
)  # fmt: skip
def test_a_chase_that_names_nobody_says_why(opened, kwargs, words):
    _, _, app = opened
    with pytest.raises(RoundError, match=words):
        app.cycle.chase(Q3, actor="officer", **kwargs)


def test_rounds_not_open_cannot_be_chased(tmp_path):
    _, _, app = seeded(tmp_path / "data", london(Q3_OPENS))
    with pytest.raises(RoundError, match="no round is open"):
        app.cycle.chase(actor="officer")
    with pytest.raises(RoundError, match="has not been opened"):
        app.cycle.chase(Q3, actor="officer")


def test_the_chase_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PERFBOT_DATA", str(tmp_path / "data"))
    assert main(["init"]) == 0 and main(["register", "import", str(SAMPLE)]) == 0
    assert main(["chase"]) == 2
    assert "no round is open" in capsys.readouterr().err
    assert main(["round", "open", "2025/26 Q3"]) == 0
    capsys.readouterr()
    assert main(["chase", "--owner", "zoe.turner@larkfield.gov.uk"]) == 0
    out = capsys.readouterr().out
    assert "Chased 1 owner(s) for 2025/26 Q3:" in out and "to zoe.turner@larkfield.gov.uk" in out
    assert "chasing 5 returns for 2025/26 Q3" in out and "Sent 1 messages, 0 failed." in out
    assert main(["chase", "2025/26 Q3", "--owner", "zoe.turner@larkfield.gov.uk"]) == 0
    assert "Not chased (chased within the last 24 hours" in capsys.readouterr().out
    assert main(["chase", "2025/26 Q3", "--service", "Nowhere"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no service area 'Nowhere'" in err
    assert main(["round", "status", "2025/26 Q3", "--format", "json"]) == 0
    assert '"chases": 1' in capsys.readouterr().out
