"""Case studies and their moderation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from tinydb import Query

from perfbot.clock import Clock
from perfbot.model import CaseStudy, CaseStudyStatus
from perfbot.store import audit
from perfbot.store.files import FileSet


class CaseStudies:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("case_studies")

    def add(self, study: CaseStudy) -> tuple[CaseStudy, bool]:
        """Store a case study; a repeat of the same `case_id` is not stored twice."""
        with self._files.core.transaction():
            existing = self.get(study.case_id)
            if existing is not None:
                return existing, False
            self._table().insert(study.to_doc())
            audit.record(
                self._files.core.table("audit"), at=self._clock.now(), actor=study.submitted_by,
                action="casestudy.submitted", subject=f"case study {study.case_id}",
                after=study.to_doc(),
            )
        return study, True

    def get(self, case_id: str) -> CaseStudy | None:
        doc = self._table().get(Query().case_id == case_id)
        return CaseStudy.from_doc(doc) if doc else None

    def list(self, *, status: CaseStudyStatus | None = None) -> list[CaseStudy]:
        studies = [CaseStudy.from_doc(d) for d in self._table().all()]
        if status is not None:
            studies = [s for s in studies if s.status is status]
        return sorted(studies, key=lambda s: s.submitted_at)

    def update(self, case_id: str, *, actor: str, reason: str = "", **changes: Any) -> CaseStudy:
        """Moderate or edit: status, for_annual_report, or any text field (`reason`, e.g. why it
        was rejected, is kept in the audit trail)."""
        with self._files.core.transaction():
            current = self.get(case_id)
            if current is None:
                raise KeyError(case_id)
            updated = replace(current, **changes)
            self._table().update(updated.to_doc(), Query().case_id == case_id)
            audit.record(
                self._files.core.table("audit"), at=self._clock.now(), actor=actor,
                action="casestudy.updated", subject=f"case study {case_id}",
                before=current.to_doc(), after=updated.to_doc() | ({"reason": reason} if reason else {}),
            )
        return updated
