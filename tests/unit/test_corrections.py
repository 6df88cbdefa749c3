"""Corrections as a service: an officer's fix or withdrawal, with a reason, published or not."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from perfbot.app import App, build
from perfbot.clock import LONDON, ManualClock
from perfbot.model import Return, RoundState
from perfbot.periods import Period
from perfbot.services.corrections import NO_REASON, NO_WITHDRAW_REASON, Correction, Withdrawal
from tests.conftest import make_measure

Q3 = Period(2025, 3)
OFFICER = "performance officer"


def closed_q3(tmp_path: Path) -> App:
    """Q3 opened, returned (M1 = 80) and closed: its figures are published."""
    app = build(tmp_path / "data", clock=ManualClock(datetime(2026, 1, 12, 10, tzinfo=LONDON)))
    app.store.register.apply([make_measure("M1"), make_measure("M2")], [], actor="test")
    app.store.rounds.open(Q3, deadline=datetime(2026, 1, 23, 23, 59, tzinfo=LONDON), actor="test")
    app.store.returns.save(Return("M1", Q3, 80.0, commentary="Short-staffed", action="Agency cover"))
    app.cycle.close_round(Q3, actor=OFFICER)
    return app


def test_a_correction_needs_a_reason_and_changes_nothing_without_one(tmp_path):
    app = closed_q3(tmp_path)
    refused = app.corrections.correct(Correction("M1", Q3, 92, reason="  ", actor=OFFICER))
    assert refused.errors == {"reason": NO_REASON} and not refused.accepted
    assert app.store.returns.get("M1", Q3).value == 80.0


def test_a_published_figure_corrected_is_kept_beside_the_published_edition(tmp_path):
    app = closed_q3(tmp_path)
    done = app.corrections.correct(Correction("M1", Q3, 92, reason="the contractor's late data", actor=OFFICER))
    assert done.accepted and done.was_published and done.edition is None
    assert (done.before.value, done.after.value, done.after.revision) == (80.0, 92.0, 2)
    assert done.after.reason == "the contractor's late data"
    assert app.store.rounds.get(Q3).state is RoundState.CLOSED
    assert app.store.publications.latest(Q3).edition == 1  # what was published stays published


def test_republishing_reopens_and_closes_the_round_as_a_new_edition(tmp_path):
    app = closed_q3(tmp_path)
    done = app.corrections.correct(Correction("M1", Q3, 92, reason="auditor's correction", actor=OFFICER,
                                              republish=True))  # fmt: skip
    assert done.accepted and done.edition == 2
    latest = app.store.publications.latest(Q3)
    assert latest.rows["M1"]["value"] == 92.0 and app.store.rounds.get(Q3).state is RoundState.CLOSED
    states = [r.action for r in app.store.audit.about(f"round {Q3}") if r.action != "round.published"]
    assert states == ["round.opened", "round.closed", "round.open", "round.closed"]  # reopened, closed again


def test_only_a_closed_round_is_republished_and_the_write_rule_still_applies(tmp_path):
    app = closed_q3(tmp_path)
    open_q4 = app.corrections.correct(Correction("M1", Period(2025, 2), 92, reason="r", actor=OFFICER,
                                                 republish=True))  # fmt: skip
    assert "no closed round" in open_q4.errors["period"]
    future = app.corrections.correct(Correction("M1", Period(2026, 1), 92, reason="r", actor=OFFICER))
    assert "has not ended yet" in future.errors["period"]
    unknown = app.corrections.correct(Correction("NOPE", Q3, 1, reason="r", actor=OFFICER))
    assert "NOPE" in unknown.errors["measure"]


def test_a_withdrawal_needs_a_reason_and_a_figure_and_keeps_every_version(tmp_path):
    app = closed_q3(tmp_path)
    assert app.corrections.withdraw(Withdrawal("M1", Q3, "", actor=OFFICER)).errors == {"reason": NO_WITHDRAW_REASON}
    assert "no return for 'M2'" in app.corrections.withdraw(Withdrawal("M2", Q3, "typo", actor=OFFICER)).errors["measure_id"]
    done = app.corrections.withdraw(Withdrawal("M1", Q3, " sent for the wrong service ", actor=OFFICER))
    assert done.accepted and done.withdrawn.value == 80.0
    assert app.store.returns.get("M1", Q3) is None
    assert app.store.returns.withdrawal("M1", Q3)["reason"] == "sent for the wrong service"
