"""The demo's heads of service at work: each service's figures approved, sent back and revised,
or left to the officer to approve on the head's behalf (after the reminder and escalation)."""

from __future__ import annotations

from typing import Protocol

from perfbot.cli.demo_data import HEAD_SILENT, OFFICER, OFFICER_STEPS_IN, SEND_BACK
from perfbot.clock import LONDON
from perfbot.formatting import format_value
from perfbot.periods import Period
from perfbot.sign_off import ServiceSignOff, SignOffState
from perfbot.submission import Submission


class Printer(Protocol):
    def step(self, clock: object, text: str) -> None: ...


def decide_today(app, out: Printer, clock, period: Period) -> None:  # noqa: ANN001 - demo plumbing
    """At 15:00: heads decide on figures asked about on an earlier day; sent-back figures are
    revised; the officer steps in once an escalation has gone out."""
    today = clock.now().date()
    for kept in app.store.sign_offs.for_period(period):
        asked = kept.requested_at.astimezone(LONDON).date()
        if kept.state is SignOffState.SENT_BACK:
            _revise(app, out, clock, kept)
        elif kept.state is SignOffState.AWAITING and asked < today:
            _decide(app, out, clock, kept, asked)


def _decide(app, out: Printer, clock, kept: ServiceSignOff, asked) -> None:  # noqa: ANN001
    head = kept.approvers[0]
    if kept.service in SEND_BACK and not kept.decisions:
        app.sign_off.decide(kept.period, kept.service, by=head, approve=False, reason=SEND_BACK[kept.service])
        out.step(clock, f"{head} sends the figures for {kept.service} back: {SEND_BACK[kept.service]}")
    elif kept.service in OFFICER_STEPS_IN and _escalated(app, kept):
        why = OFFICER_STEPS_IN[kept.service]
        app.sign_off.decide(kept.period, kept.service, by=OFFICER, approve=True, reason=why)
        out.step(clock, f"The performance officer approves the figures for {kept.service} on {head}'s behalf: {why}")
    elif kept.service not in HEAD_SILENT:
        app.sign_off.decide(kept.period, kept.service, by=head, approve=True)
        out.step(clock, f"{head} approves the figures for {kept.service} (asked {asked:%-d %b}).")


def _escalated(app, kept: ServiceSignOff) -> bool:  # noqa: ANN001
    return any(m.kind == "sign-off-escalation" and m.sent_at for m in app.store.outbox.for_period(kept.period)
               if f"#{kept.service}/" in m.key)  # fmt: skip


def _revise(app, out: Printer, clock, kept: ServiceSignOff) -> None:  # noqa: ANN001
    """The owner of the queried measure corrects it (the sign-off is asked for again)."""
    measure_id = next(iter(sorted(kept.covers)))
    for candidate in sorted(kept.covers):
        if candidate in (kept.last_decision.reason if kept.last_decision else ""):
            measure_id = candidate
    stored = app.store.returns.get(measure_id, kept.period)
    measure = app.store.register.measure(measure_id)
    fixed = round(float(stored.value) * 1.02, 1)
    result = app.collector.submit(Submission(measure_id, kept.period, fixed, commentary="Corrected against the weighbridge records.",
                                             submitted_by=measure.owner_email, channel="local", confirmed=True))  # fmt: skip
    shown = format_value(fixed, measure.unit.value)
    out.step(clock, f"{measure.owner_email} revises {measure_id} to {shown}"
                    + (": the figures go back to the head of service." if result.accepted else f" — refused: {result.errors}"))


__all__ = ["decide_today"]
