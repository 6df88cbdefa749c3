"""Returns: the current revision of each (measure, quarter), with every earlier version kept."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from perfbot.clock import Clock
from perfbot.model import Return, Value
from perfbot.periods import Period
from perfbot.store import audit
from perfbot.store.files import FileSet
from perfbot.store.records import SaveOutcome, SaveStatus

_BY_MEASURE = "returns by measure"


def _same_content(a: Return, b: Return) -> bool:
    def content(r: Return) -> tuple:
        return (r.value, r.commentary, r.action, r.numerator, r.denominator, r.confirmed)

    return content(a) == content(b)


class Returns:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def get(self, measure_id: str, period: Period) -> Return | None:
        table = self._files.period(period).table("returns")
        return table.find_one_converted("measure_id", measure_id, "returns", Return.from_doc)

    def current_values(self, measure_id: str, periods: Iterable[Period]) -> dict[Period, Value]:
        """The figures of `measure_id`'s current returns in `periods`, by quarter (quarters without
        one left out). Each quarter is its own file, so this is one look-up per quarter."""
        found = {period: self.get(measure_id, period) for period in set(periods)}
        return {period: ret.value for period, ret in found.items() if ret is not None}

    def for_period(self, period: Period) -> dict[str, Return]:
        """Current returns of a quarter, by measure id."""
        table = self._files.period(period).table("returns")
        return dict(table.derived(_BY_MEASURE, lambda _: {
            r.measure_id: r for r in table.converted("returns", Return.from_doc).values()}))  # fmt: skip

    def of_measures(self, period: Period, measure_ids: Iterable[str]) -> dict[str, Return]:
        """The current returns of these measures in `period` (the quarter's file is read and
        indexed once, so picking from it is cheap)."""
        current = self.for_period(period)
        return {i: current[i] for i in dict.fromkeys(measure_ids) if i in current}

    def for_periods(self, periods: Iterable[Period]) -> dict[Period, dict[str, Return]]:
        """Current returns of each of `periods` that has any, by quarter, then measure id (each
        quarter is its own file: one read per quarter)."""
        known = set(self.periods())  # no file is opened for a quarter that has none
        found = {period: self.for_period(period) for period in dict.fromkeys(periods) if period in known}
        return {period: returns for period, returns in found.items() if returns}

    def versions(self, measure_id: str, period: Period) -> list[Return]:
        """Every version of a return, oldest first, the current one last."""
        table = self._files.period(period).table("return_history")
        earlier = [Return.from_doc(d) for d in table.find("measure_id", measure_id)]
        current = self.get(measure_id, period)
        return sorted(earlier, key=lambda r: r.revision) + ([current] if current else [])

    def withdrawal(self, measure_id: str, period: Period) -> dict[str, str] | None:
        """Who withdrew the return, when and why, if it stands withdrawn (no current revision)."""
        if self.get(measure_id, period) is not None:
            return None
        table = self._files.period(period).table("return_history")
        found = [d for d in table.find("measure_id", measure_id) if d.get("withdrawn_by")]
        if not found:
            return None
        last = max(found, key=lambda d: d.get("revision", 0))
        return {"by": last["withdrawn_by"], "at": last["superseded_at"], "reason": last.get("withdrawn_reason", "")}

    def withdraw(self, measure_id: str, period: Period, *, actor: str, reason: str) -> Return:
        """Withdraw a return: it stops counting, and every version is kept (with who and why)."""
        file = self._files.period(period)
        with file.transaction():
            returns = file.table("returns")
            doc = returns.find_one("measure_id", measure_id)
            if doc is None:
                raise KeyError(f"{measure_id} {period}")
            current = Return.from_doc(doc)
            now = self._clock.now()
            file.table("return_history").insert(current.to_doc() | {
                "superseded_at": now.isoformat(), "withdrawn_by": actor, "withdrawn_reason": reason})  # fmt: skip
            returns.remove(doc_ids=[doc.doc_id])
            audit.record(
                file.table("audit"), at=now, actor=actor, action="return.withdrawn",
                subject=f"return {measure_id} {period}", before=current.to_doc(),
                after={"withdrawn": True, "reason": reason},
            )
        return current

    def periods(self) -> list[Period]:
        return list(self._files.periods())

    def save(self, submitted: Return, *, idempotency_key: str | None = None) -> SaveOutcome:
        """Store a return durably; a repeat of the same submission is recognised, not duplicated.

        `idempotency_key` identifies one delivery (a Slack view id, a Teams activity id…): when it
        has been applied already the current return is given back unchanged.
        """
        file = self._files.period(submitted.period)
        with file.transaction():
            applied = file.table("applied")
            if idempotency_key and applied.find_one("key", idempotency_key) is not None:
                return SaveOutcome(SaveStatus.UNCHANGED, self._current(submitted))
            outcome = self._write(submitted)
            if idempotency_key:
                applied.insert({"key": idempotency_key, "at": self._clock.now().isoformat()})
        return outcome

    def save_many(self, returns: list[Return]) -> list[SaveOutcome]:
        """Store many returns (a bulk import): one durable transaction per quarter file."""
        outcomes = []
        by_period: dict[Period, list[Return]] = {}
        for item in returns:
            by_period.setdefault(item.period, []).append(item)
        for period, items in sorted(by_period.items()):
            with self._files.period(period).transaction():
                outcomes.extend(self._write(item) for item in items)
        return outcomes

    @staticmethod
    def _after_withdrawn(file, submitted: Return) -> int:  # noqa: ANN001 - a quarter's file
        """The first revision number of a new return: after any withdrawn ones, never reused."""
        earlier = file.table("return_history").find("measure_id", submitted.measure_id)
        return max((d.get("revision", 0) for d in earlier), default=0) + 1

    def _current(self, submitted: Return) -> Return:
        current = self.get(submitted.measure_id, submitted.period)
        assert current is not None, "an applied submission always leaves a return"
        return current

    def _write(self, submitted: Return) -> SaveOutcome:
        file = self._files.period(submitted.period)
        returns = file.table("returns")
        now = self._clock.now()
        doc = returns.find_one("measure_id", submitted.measure_id)
        previous = Return.from_doc(doc) if doc else None
        if previous is not None and _same_content(previous, submitted):
            return SaveOutcome(SaveStatus.UNCHANGED, previous)
        stamped = replace(
            submitted,
            submitted_at=submitted.submitted_at or (None if submitted.unknown_time else now),
            revision=previous.revision + 1 if previous else self._after_withdrawn(file, submitted),
        )
        if previous is None:
            returns.insert(stamped.to_doc())
        else:
            file.table("return_history").insert(previous.to_doc() | {"superseded_at": now.isoformat()})
            returns.update(stamped.to_doc(), doc_ids=[doc.doc_id])
        audit.record(
            file.table("audit"), at=now, actor=stamped.submitted_by or "unknown",
            action="return.revised" if previous else "return.created",
            subject=f"return {stamped.measure_id} {stamped.period}",
            before=previous.to_doc() if previous else None, after=stamped.to_doc(),
        )
        status = SaveStatus.REVISED if previous else SaveStatus.CREATED
        return SaveOutcome(status, stamped, previous)
