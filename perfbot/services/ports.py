"""The use cases the core asks of the outer packages, as ports the wiring fills.

`ReturnsIntake` is the submit-or-revise use case (`collectors.submissions.Collector`);
`RoundCommands` is an officer's round commands, chase among them (`schedules.cycle.Cycle`);
`StatusReports` counts a round's progress (`schedules.status.StatusReports`); `CaseStudyIntake`
checks and stores a case study (`collectors.case_studies.CaseStudyCollector`). The services in
this package call them; channel adapters are handed them through `perfbot.services.Services`,
never the wiring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Any, Protocol

from perfbot.dispatch import DeliveryReport
from perfbot.model import Round, Value
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.services.case_study_forms import CaseStudyResult, CaseStudySubmission, Choices, Wording
from perfbot.services.round_rows import OwnerProgress, ServiceCompletion, Undelivered
from perfbot.sign_off import ServiceSignOff
from perfbot.submission import Assessed, FieldErrors, Submission, SubmissionResult


class RoundError(ValueError):
    """A round command an officer asked for cannot be done, e.g. opening a quarter not yet ended
    or chasing a round not open (the message is user-facing): raised by `RoundCommands`."""


class ReturnsIntake(Protocol):
    """Check and store a return (submit, revise, confirm an unusual figure), for any channel."""

    def may_submit(self, person: str, measure_id: str) -> bool: ...

    def check(
        self, submission: Submission, *, staged: dict[tuple[str, Period], Value] | None = None
    ) -> tuple[FieldErrors, object, RagResult | None]: ...

    def submitting(self) -> AbstractContextManager[None]: ...

    def assess(self, submission: Submission) -> Assessed: ...

    def store(self, assessed: Assessed) -> SubmissionResult: ...

    def submit(self, submission: Submission) -> SubmissionResult: ...


class Chased(Protocol):
    recipient: str
    addressee: str
    measure_ids: tuple[str, ...]

    @property
    def on_behalf_of(self) -> str: ...


class QuietOwner(Protocol):
    owner: str
    last_at: datetime
    until: datetime


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

    def close_round(self, period: Period, *, actor: str) -> Round: ...

    def reopen_round(self, period: Period, *, actor: str, reason: str) -> Round: ...


class StatusReports(Protocol):
    """A round's progress counted from the register, the returns and the outbox."""

    def owners(self, period: Period) -> Sequence[OwnerProgress]: ...

    def services(self, period: Period) -> Sequence[ServiceCompletion]: ...

    def undelivered(self, period: Period) -> Sequence[Undelivered]: ...


class CaseStudyIntake(Protocol):
    """Check a case study's answers against the register's choices, and store it once."""

    def check(self, submission: CaseStudySubmission, choices: Choices, *,
              wording: Wording | None = None) -> dict[str, str]: ...  # fmt: skip

    def check_texts(self, values: Mapping[str, str], choices: Choices, *,
                    wording: Wording | None = None) -> dict[str, str]: ...  # fmt: skip

    def submit(self, submission: CaseStudySubmission, *, wording: Wording | None = None) -> CaseStudyResult:
        """Check and store a submission whose `period` is set."""
        ...


class SignOffNotices(Protocol):
    """What sign-off tells people, recorded in the outbox (`schedules.sign_off_notices`)."""

    def requested(self, sign_off: ServiceSignOff) -> list[str]:
        """Ask the service's head (or whoever stands in) to decide; the outbox keys recorded."""
        ...

    def sent_back(self, sign_off: ServiceSignOff) -> list[str]:
        """Tell the service's owners the figures were sent back, and why; the keys recorded."""
        ...
