"""Collection rounds: one per quarter, opened once, closed once."""

from __future__ import annotations

from datetime import datetime

from tinydb import Query

from perfbot.clock import Clock
from perfbot.model import Round, RoundState
from perfbot.periods import Period
from perfbot.store import audit
from perfbot.store.files import FileSet


class Rounds:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def get(self, period: Period) -> Round | None:
        doc = self._files.core.table("rounds").find_one("period", str(period))
        return Round.from_doc(doc) if doc else None

    def all(self) -> list[Round]:
        rounds = [Round.from_doc(d) for d in self._files.core.table("rounds").all()]
        return sorted(rounds, key=lambda r: r.period)

    def open(self, period: Period, *, deadline: datetime, actor: str) -> tuple[Round, bool]:
        """Open the round (idempotent). Returns the round and whether this call opened it."""
        with self._files.core.transaction():
            existing = self.get(period)
            if existing is not None:
                return existing, False
            opened = Round(period, RoundState.OPEN, self._clock.now(), deadline)
            self._files.core.table("rounds").insert(opened.to_doc())
            audit.record(
                self._files.core.table("audit"), at=opened.opened_at, actor=actor,
                action="round.opened", subject=f"round {period}", after=opened.to_doc(),
            )
        return opened, True

    def set_state(self, period: Period, state: RoundState, *, actor: str, reason: str = "") -> Round:
        """Close or reopen a round (`reason` is kept in the audit trail)."""
        with self._files.core.transaction():
            current = self.get(period)
            if current is None:
                raise KeyError(str(period))
            closed_at = self._clock.now() if state is RoundState.CLOSED else None
            doc = current.to_doc() | {
                "state": state.value,
                "closed_at": closed_at.isoformat() if closed_at else None,
            }
            self._files.core.table("rounds").update(doc, Query().period == str(period))
            audit.record(
                self._files.core.table("audit"), at=self._clock.now(), actor=actor,
                action=f"round.{state.value}", subject=f"round {period}",
                before=current.to_doc(), after=doc | ({"reason": reason} if reason else {}),
            )
        return Round.from_doc(doc)
