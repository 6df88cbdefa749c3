"""Every reply, whatever its platform, becomes one `Submission`, checked and stored.

`Collector` is the submit-or-revise use case (`perfbot.services.ports.ReturnsIntake`): the
who-may-write-which-quarter rule is `perfbot.write_rule`, who may write which measure is
`perfbot.services.duties`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from collectors.validation import check_text, check_unusual, parse_value
from perfbot.config import Config
from perfbot.model import Return, Value
from perfbot.periods import Period
from perfbot.rag import CONFIRMED_ZERO, RagResult
from perfbot.rating import quarters_read_around, rate_in_context, stored_values
from perfbot.services.duties import Duties
from perfbot.store import SaveOutcome, SaveStatus, Store
from perfbot.submission import Assessed, FieldErrors, Saved, Submission, SubmissionResult
from perfbot.write_rule import round_is_open, write_refusal

log = logging.getLogger("perfbot.collector")
OnSaved = Callable[[Saved], None]


def each_observer(*observers: OnSaved) -> OnSaved:
    """One observer that tells each of `observers` in turn; one failing does not stop the rest."""

    def notify(saved: Saved) -> None:
        for observer in observers:
            try:
                observer(saved)
            except Exception:
                log.exception("on_saved observer %s failed for %s",
                              getattr(observer, "__qualname__", observer), saved.outcome.current.measure_id)  # fmt: skip

    return notify


class Collector:
    """Validates submissions against the register and stores them durably with an audit record."""

    def __init__(self, store: Store, config: Config, *, on_saved: OnSaved | None = None) -> None:
        """`on_saved` hears of every stored change (e.g. exception alerts), inside the return's
        commit: what it writes to the same quarter (the alerts) is stored with the return, so a
        crash never keeps one without the other. Its failure is logged, never the submitter's
        problem: the return is stored all the same."""
        self._store = store
        self._config = config
        self._on_saved = on_saved
        self._duties = Duties(store, config)

    def may_submit(self, person: str, measure_id: str) -> bool:
        """Owner, deputy, head of service or performance officer (`Duties.may_write`)."""
        return self._duties.may_write(person, measure_id)

    def check(
        self, submission: Submission, *, staged: dict[tuple[str, Period], Value] | None = None
    ) -> tuple[FieldErrors, object, RagResult | None]:
        """Validate without storing: (errors by field, parsed value, RAG of that value).

        `staged` are returns about to be stored with this one (a bulk import's earlier rows).
        """
        found = self._assess(submission, staged=staged)
        return found.errors, found.value, found.rag

    def submitting(self) -> AbstractContextManager[None]:
        """A block in which `assess` and `store` calls (a form's figures, checked then stored)
        share one store connection and one reading of the register. Keep it to those calls."""
        return _both(self._store.session(), self._store.register.pinned())

    def assess(self, submission: Submission) -> Assessed:
        """Validate without storing; `store` then stores it as assessed (a channel that shows the
        errors first checks each submission once, not twice)."""
        with self.submitting():
            return self._assess(submission)

    def _assess(self, submission: Submission, *, staged: dict[tuple[str, Period], Value] | None = None) -> Assessed:
        def assessed(errors: FieldErrors, value: object = None, rag: RagResult | None = None) -> Assessed:
            return Assessed(submission, errors, value, rag)

        # the quarters before, read once for this rating and the observers' (`Saved.values`);
        # read first, as a database brings the register's and rounds' change counters with it
        values = stored_values(self._store, submission.measure_id, staged,
                               window=quarters_read_around(submission.period))  # fmt: skip
        measure = self._store.register.measure(submission.measure_id)
        if measure is None:
            return assessed(FieldErrors({"measure": f"There is no measure '{submission.measure_id}'"}))
        found = self._store.rounds.get(submission.period)
        problem = write_refusal(submission.period, found, today=self._store.clock.now().date(),
                                officer=submission.officer or submission.submitted_by is None,
                                reason=submission.reason)  # fmt: skip
        if problem:
            return assessed(FieldErrors({"period": problem}))
        who = submission.submitted_by
        if who is not None and not self.may_submit(who, measure.measure_id):
            return assessed(FieldErrors({"measure": f"{who} is not the owner of {measure.measure_id}"}))
        history = not round_is_open(found)  # an officer recording a figure as it was
        value, error = parse_value(measure, submission.value, history=history)
        if error:
            return assessed(FieldErrors({"value": error}))
        rag = rate_in_context(self._store, self._config.rag, measure, submission.period, value,
                              confirmed=submission.confirmed or history, value_for=values)  # fmt: skip
        unusual = check_unusual(rag, confirmed=submission.confirmed or history)
        errors = unusual or check_text(submission.commentary, submission.action, rag, history=history)
        return Assessed(submission, errors, value, rag, measure=measure, round=found, values=values)

    def submit(self, submission: Submission) -> SubmissionResult:
        """Check and, when valid, store; the result is durable before this returns."""
        # one connection and one register, checked once, for the whole submission
        with self.submitting():
            return self.store(self._assess(submission))

    def store(self, assessed: Assessed) -> SubmissionResult:
        """Store a submission `assess` found valid (else its errors); durable before this returns."""
        submission, rag = assessed.submission, assessed.rag
        if assessed.errors:
            return SubmissionResult(errors=assessed.errors.errors, rag=rag)
        stored = Return(
            measure_id=submission.measure_id,
            period=submission.period,
            value=assessed.value,  # type: ignore[arg-type]
            commentary=submission.commentary.strip(),
            action=submission.action.strip(),
            submitted_by=submission.submitted_by or "performance officer",
            channel=submission.channel,
            confirmed=submission.confirmed and _looks_missing(rag),
            reason=submission.reason.strip(),
        )
        with self.submitting(), self._store.quarter_commit(submission.period):  # one commit, one fsync
            outcome = self._store.returns.save(stored, idempotency_key=submission.idempotency_key)
            self._notify(outcome, assessed)
        return SubmissionResult(outcome=outcome, rag=rag)

    def _notify(self, outcome: SaveOutcome, assessed: Assessed) -> None:
        if self._on_saved is None or outcome.status is SaveStatus.UNCHANGED:
            return
        measure, values = assessed.measure, assessed.values
        assert measure is not None and values is not None, "a submission assessed without errors"
        try:
            self._on_saved(Saved(outcome, assessed.rag, measure, assessed.round, values))
        except Exception:
            log.exception("on_saved observer failed for %s", outcome.current.measure_id)



@contextmanager
def _both(first: AbstractContextManager[object], second: AbstractContextManager[object]) -> Iterator[None]:
    with first, second:
        yield


def _looks_missing(rag: RagResult | None) -> bool:
    """Whether the figure was one that looks like missing data (so its confirmation matters)."""
    return rag is not None and CONFIRMED_ZERO in rag.flags
