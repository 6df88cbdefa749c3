"""Refreshes after a submission: off the listener threads, merged while queued, never stuck."""

import threading

from bot.slack.followups import FollowUps
from perfbot.periods import Period

Q3 = Period(2025, 3)


class Recorder:
    def __init__(self, *, gate: threading.Event | None = None, fail_first: bool = False) -> None:
        self.notices: list[tuple[Period, set[str]]] = []
        self.homes: list[tuple[str, str | None]] = []
        self.started = threading.Event()
        self._gate = gate
        self._fail = fail_first

    def refresh(self, period: Period, ids: set[str]) -> None:
        self.started.set()
        if self._gate is not None:
            self._gate.wait(5)
        if self._fail:
            self._fail = False
            raise RuntimeError("Slack said no")
        self.notices.append((period, set(ids)))

    def publish(self, user_id: str, email: str | None) -> None:
        self.homes.append((user_id, email))


def test_requests_queued_while_busy_are_merged_into_one_refresh_each():
    gate = threading.Event()
    seen = Recorder(gate=gate)
    followups = FollowUps(seen.refresh, seen.publish)
    followups.after_returns(Q3, ["M1"], "U1", "a@council.gov.uk")
    assert seen.started.wait(5)  # the worker is now busy with the first request
    for measure, user in (("M2", "U2"), ("M3", "U3"), ("M4", "U2")):
        followups.after_returns(Q3, [measure], user, f"{user}@council.gov.uk")
    gate.set()
    assert followups.wait_idle(5)
    assert seen.notices == [(Q3, {"M1"}), (Q3, {"M2", "M3", "M4"})]
    assert seen.homes == [("U1", "a@council.gov.uk"), ("U2", "U2@council.gov.uk"), ("U3", "U3@council.gov.uk")]


def test_the_caller_does_not_wait_for_the_refresh():
    gate = threading.Event()
    seen = Recorder(gate=gate)
    followups = FollowUps(seen.refresh, seen.publish)
    followups.after_returns(Q3, ["M1"], "U1", None)
    assert seen.started.wait(5)
    assert seen.notices == [] and not followups.wait_idle(0.05)  # still refreshing, caller free
    gate.set()
    assert followups.wait_idle(5) and seen.notices == [(Q3, {"M1"})]


def test_a_failure_is_logged_and_the_worker_carries_on(caplog):
    seen = Recorder(fail_first=True)
    followups = FollowUps(seen.refresh, seen.publish)
    followups.after_returns(Q3, ["M1"], "U1", None)
    assert followups.wait_idle(5)
    followups.after_returns(Q3, ["M2"], "U1", None)
    assert followups.wait_idle(5)
    assert seen.notices == [(Q3, {"M2"})]
    assert seen.homes == [("U1", None), ("U1", None)]
    assert "refreshing the 2025/26 Q3 notices failed" in caplog.text


def test_refreshes_wait_until_submissions_stop_arriving():
    seen = Recorder()
    followups = FollowUps(seen.refresh, seen.publish, quiet=0.3, most_held=10)
    for n in range(5):  # a burst: each arrives before the last one's quiet time is up
        followups.after_returns(Q3, [f"M{n}"], f"U{n}", None)
        assert seen.notices == [] and seen.homes == []
        threading.Event().wait(0.1)
    assert followups.wait_idle(5)
    assert seen.notices == [(Q3, {"M0", "M1", "M2", "M3", "M4"})]  # one redraw for the burst
    assert sorted(seen.homes) == [(f"U{n}", None) for n in range(5)]


def test_a_long_busy_spell_does_not_hold_refreshes_back_for_ever():
    seen = Recorder()
    followups = FollowUps(seen.refresh, seen.publish, quiet=0.3, most_held=0.4)
    for n in range(12):  # 1.2 s of submissions, never 0.3 s apart
        followups.after_returns(Q3, [f"M{n}"], "U1", None)
        threading.Event().wait(0.1)
    assert seen.notices, "nothing was redrawn during a busy spell longer than most_held"
    assert followups.wait_idle(5)
    assert set().union(*(ids for _, ids in seen.notices)) == {f"M{n}" for n in range(12)}
