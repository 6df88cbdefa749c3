"""Case studies by `case_id` (the primary key) and their moderation."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.model import CaseStudy, CaseStudyStatus
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database


class CaseStudies:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def add(self, study: CaseStudy) -> tuple[CaseStudy, bool]:
        """Store a case study; a repeat of the same `case_id` is not stored twice."""
        with self._db.transaction() as conn:
            inserted = conn.execute("INSERT INTO case_studies (case_id, doc) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                                    [study.case_id, Jsonb(study.to_doc())]).fetchone()  # fmt: skip
            if not inserted:
                row = conn.execute("SELECT doc FROM case_studies WHERE case_id = %s", [study.case_id]).fetchone()
                return CaseStudy.from_doc(row[0]), False
            audit.record(conn, at=self._clock.now(), actor=study.submitted_by, action="casestudy.submitted",
                         subject=f"case study {study.case_id}", after=study.to_doc())  # fmt: skip
        return study, True

    def get(self, case_id: str) -> CaseStudy | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT doc FROM case_studies WHERE case_id = %s", [case_id]).fetchone()
        return CaseStudy.from_doc(row[0]) if row else None

    def list(self, *, status: CaseStudyStatus | None = None) -> list[CaseStudy]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM case_studies").fetchall()
        studies = [CaseStudy.from_doc(doc) for (doc,) in rows]
        if status is not None:
            studies = [s for s in studies if s.status is status]
        return sorted(studies, key=lambda s: s.submitted_at)

    def update(self, case_id: str, *, actor: str, reason: str = "", **changes: Any) -> CaseStudy:
        """Moderate or edit (`reason` is kept in the audit trail)."""
        with self._db.transaction() as conn:
            row = conn.execute("SELECT doc FROM case_studies WHERE case_id = %s FOR UPDATE", [case_id]).fetchone()
            if row is None:
                raise KeyError(case_id)
            current = CaseStudy.from_doc(row[0])
            updated = replace(current, **changes)
            conn.execute("UPDATE case_studies SET doc = %s WHERE case_id = %s", [Jsonb(updated.to_doc()), case_id])
            audit.record(conn, at=self._clock.now(), actor=actor, action="casestudy.updated",
                         subject=f"case study {case_id}", before=current.to_doc(),
                         after=updated.to_doc() | ({"reason": reason} if reason else {}))  # fmt: skip
        return updated
