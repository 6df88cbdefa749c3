"""The audit trail: who changed what, when, with the before and after."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tinydb.table import Table

from perfbot.clock import Clock
from perfbot.store.files import FileSet
from perfbot.store.records import AuditRecord


def record(
    table: Table,
    *,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Append one audit record; call inside the transaction that makes the change."""
    table.insert(AuditRecord(at, actor, action, subject, before, after).to_doc())


class AuditLog:
    """The audit records spread over the core file and the quarter files."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def record(
        self,
        *,
        actor: str,
        action: str,
        subject: str,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Append one record to the core file now (inside an open transaction, as part of it)."""
        with self._files.core.transaction():
            record(self._files.core.table("audit"), at=self._clock.now(), actor=actor,
                   action=action, subject=subject, before=before, after=after)  # fmt: skip

    def all(self) -> list[AuditRecord]:
        records = [AuditRecord.from_doc(d) for d in self._files.core.table("audit").all()]
        for period in self._files.periods():
            records.extend(AuditRecord.from_doc(d) for d in self._files.period(period).table("audit").all())
        return sorted(records, key=lambda r: r.at)

    def about(self, subject: str) -> list[AuditRecord]:
        return [r for r in self.all() if r.subject == subject]
