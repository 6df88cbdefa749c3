"""Corrections: an officer fixes or withdraws a figure, above all one already published.

**The rule.** Owners write only quarters whose round is open (`perfbot.write_rule`); a closed
quarter, or a history quarter with no round, is corrected by a performance officer (the CLI, the
officers' console), always with a reason kept in the audit trail. What was published stays
published: a correction to a closed quarter is shown beside its published figure as a revision
(`reports.published`), never re-rated in place; with `republish` the round is reopened and
closed again, so its figures are published as a new edition that includes the correction. A
withdrawal keeps every version. The caller establishes that `actor` is an officer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfbot.model import Return, RoundState
from perfbot.periods import Period
from perfbot.rag import RagResult
from perfbot.services.ports import ReturnsIntake, RoundCommands
from perfbot.store import SaveOutcome
from perfbot.store.interfaces import Store
from perfbot.submission import Submission

NO_REASON = "Say why it is corrected (the reason is kept in the audit trail)"
NO_WITHDRAW_REASON = "Say why it is withdrawn (the reason is kept in the audit trail)"


@dataclass(frozen=True, slots=True)
class Correction:
    measure_id: str
    period: Period
    value: object
    reason: str
    actor: str  # who corrects it, for the audit trail
    submitted_by: str | None = None  # an officer's e-mail; None: the operator at the CLI
    commentary: str = ""
    action: str = ""
    confirmed: bool = False
    channel: str = "cli"
    republish: bool = False  # reopen and close the round: a new edition with the correction


@dataclass(frozen=True, slots=True)
class Corrected:
    errors: dict[str, str] = field(default_factory=dict)  # by field: measure, period, value, reason…
    before: Return | None = None  # None: the quarter had no figure
    outcome: SaveOutcome | None = None  # the stored figure: created, revised or unchanged
    rag: RagResult | None = None
    was_published: bool = False  # the quarter's figures had been published
    edition: int | None = None  # the new edition, when republished

    @property
    def accepted(self) -> bool:
        return self.outcome is not None

    @property
    def after(self) -> Return | None:
        return self.outcome.current if self.outcome else None


@dataclass(frozen=True, slots=True)
class Withdrawal:
    measure_id: str
    period: Period
    reason: str
    actor: str


@dataclass(frozen=True, slots=True)
class Withdrawn:
    errors: dict[str, str] = field(default_factory=dict)  # by field: measure_id, reason
    withdrawn: Return | None = None  # the version that was current

    @property
    def accepted(self) -> bool:
        return self.withdrawn is not None


class Corrections:
    """An officer's corrections and withdrawals, through the same intake as every return."""

    def __init__(self, store: Store, intake: ReturnsIntake, rounds: RoundCommands) -> None:
        self._store = store
        self._intake = intake
        self._rounds = rounds

    def correct(self, correction: Correction) -> Corrected:
        """Store the corrected figure (the write rule's officer path); republish when asked."""
        reason = correction.reason.strip()
        if not reason:
            return Corrected(errors={"reason": NO_REASON})
        period, found = correction.period, self._store.rounds.get(correction.period)
        if correction.republish and (found is None or found.state is not RoundState.CLOSED):
            return Corrected(errors={"period": f"{period} has no closed round to publish again"})
        before = self._store.returns.get(correction.measure_id, period)
        was_published = self._store.publications.latest(period) is not None
        result = self._intake.submit(Submission(
            measure_id=correction.measure_id, period=period, value=correction.value,
            commentary=correction.commentary, action=correction.action, submitted_by=correction.submitted_by,
            channel=correction.channel, confirmed=correction.confirmed, officer=True, reason=reason,
        ))  # fmt: skip
        if result.outcome is None:
            return Corrected(errors=result.errors, before=before, rag=result.rag, was_published=was_published)
        edition = self._republish(period, actor=correction.actor, reason=reason) if correction.republish else None
        return Corrected(before=before, outcome=result.outcome, rag=result.rag, was_published=was_published,
                         edition=edition)  # fmt: skip

    def _republish(self, period: Period, *, actor: str, reason: str) -> int | None:
        self._rounds.reopen_round(period, actor=actor, reason=reason)
        self._rounds.close_round(period, actor=actor)
        latest = self._store.publications.latest(period)
        return latest.edition if latest else None

    def withdraw(self, withdrawal: Withdrawal) -> Withdrawn:
        """Withdraw the current figure (every version is kept), with a reason."""
        errors = {}
        if self._store.returns.get(withdrawal.measure_id, withdrawal.period) is None:
            errors["measure_id"] = f"There is no return for '{withdrawal.measure_id}' in {withdrawal.period}"
        if not withdrawal.reason.strip():
            errors["reason"] = NO_WITHDRAW_REASON
        if errors:
            return Withdrawn(errors=errors)
        gone = self._store.returns.withdraw(withdrawal.measure_id, withdrawal.period, actor=withdrawal.actor,
                                            reason=withdrawal.reason.strip())  # fmt: skip
        return Withdrawn(withdrawn=gone)
