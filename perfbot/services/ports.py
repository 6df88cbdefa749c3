"""The use cases the core asks of the outer packages, as ports the wiring fills.

`ReturnsIntake` is the submit-or-revise use case (`collectors.submissions.Collector`);
`RoundCommands` is an officer's round commands, chase among them (`schedules.cycle.Cycle`).
Channel adapters are handed these through `perfbot.services.Services`, never the wiring.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from perfbot.dispatch import DeliveryReport
from perfbot.model import Round, Value
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.sign_off import ServiceSignOff
from perfbot.submission import FieldErrors, Submission, SubmissionResult


class ReturnsIntake(Protocol):
    """Check and store a return (submit, revise, confirm an unusual figure), for any channel."""

    def may_submit(self, person: str, measure_id: str) -> bool: ...

    def check(
        self, submission: Submission, *, staged: dict[tuple[str, Period], Value] | None = None
    ) -> tuple[FieldErrors, object, RagResult | None]: ...

    def submit(self, submission: Submission) -> SubmissionResult: ...


class Chased(Protocol):
    recipient: str
    addressee: str


class QuietOwner(Protocol):
    owner: str


class ChaseOutcome(Protocol):
    """Who was chased, who was left alone (chased too recently), and what was sent."""

    period: Period
    chased: Sequence[Chased]
    quiet: Sequence[QuietOwner]
    delivery: DeliveryReport


class RoundCommands(Protocol):
    """An officer's commands on a round, the same from the CLI, the console, Slack and Teams."""

    def chase(
        self, period: Period | None = None, *, service: str | None = None, owner: str | None = None,
        force: bool = False, actor: str,
    ) -> ChaseOutcome: ...  # fmt: skip

    def open_round(self, period: Period, *, actor: str, deadline: date | None = None) -> tuple[Round, Any]: ...


class SignOffNotices(Protocol):
    """What sign-off tells people, recorded in the outbox (`schedules.sign_off_notices`)."""

    def requested(self, sign_off: ServiceSignOff) -> list[str]:
        """Ask the service's head (or whoever stands in) to decide; the outbox keys recorded."""
        ...

    def sent_back(self, sign_off: ServiceSignOff) -> list[str]:
        """Tell the service's owners the figures were sent back, and why; the keys recorded."""
        ...
