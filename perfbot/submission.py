"""A return as it arrives from any channel, and what became of it: the submit use case's types."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfbot.model import Measure, Round
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.rating import ValueLookup
from perfbot.store import SaveOutcome


@dataclass(frozen=True, slots=True)
class FieldErrors:
    """Problems keyed by field: "value", "commentary", "action" (or "measure", "period")."""

    errors: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.errors)


@dataclass(frozen=True, slots=True)
class Submission:
    measure_id: str
    period: Period
    value: object
    commentary: str = ""
    action: str = ""
    submitted_by: str | None = None  # None: a trusted operator (the performance officer)
    channel: str = "cli"
    idempotency_key: str | None = None  # one delivery (a Slack view id, a Teams activity id…)
    confirmed: bool = False  # the person confirmed a figure that looks like missing data
    officer: bool = False  # an officer's write (CLI, console): may correct closed/history quarters
    reason: str = ""  # why an officer corrects a quarter whose round is not open (required then)


@dataclass(frozen=True, slots=True)
class Assessed:
    """A submission as checked (`ReturnsIntake.assess`): its errors, parsed value and RAG; what
    `ReturnsIntake.store` stores when there are no errors, without checking it again."""

    submission: Submission
    errors: FieldErrors
    value: object
    rag: RagResult | None
    # what the check read, kept for `store` and its observers (set whenever there are no errors)
    measure: Measure | None = None
    round: Round | None = None  # the quarter's round (None: the cycle never ran it)
    values: ValueLookup | None = None  # the measure's other quarters, as read to rate it


@dataclass(frozen=True, slots=True)
class Saved:
    """A stored change as the collector's observers hear of it (inside the return's commit):
    what was saved and what the collector read to check and rate it, so that an observer need
    not read it again."""

    outcome: SaveOutcome
    rag: RagResult | None
    measure: Measure
    round: Round | None  # the quarter's round as the figure was checked (None: the cycle never ran it)
    values: ValueLookup  # the measure's figures of the quarters before, as read to rate it


@dataclass(frozen=True, slots=True)
class SubmissionResult:
    errors: dict[str, str] = field(default_factory=dict)
    outcome: SaveOutcome | None = None
    rag: RagResult | None = None

    @property
    def accepted(self) -> bool:
        return self.outcome is not None
