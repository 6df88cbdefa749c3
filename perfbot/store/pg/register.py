"""The measure register: `measures` (retired ones kept), `targets` by (measure, quarter) and
`terms`, each measure's terms over time. The rules are the TinyDB backend's
(`perfbot.store.register_repo`); whole-register changes serialise on one advisory lock."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from psycopg import Connection
from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.model import Measure, TargetOverride
from perfbot.periods import Period
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock
from perfbot.store.records import (
    RegisterChanges,
    starts_of,
    targets_of,
    terms_book_of,
    terms_entry_doc,
    timeline_of,
)
from perfbot.terms import Terms, TermsBook, TermsEntry, Timeline

# The register each Register read in the innermost `pinned` scope of this thread (or task).
_PINNED: ContextVar[dict[Register, _Loaded] | None] = ContextVar("perfbot_pg_register_pinned", default=None)


def _terms_docs(conn: Connection, measure_id: str) -> list[tuple[int, dict[str, Any]]]:
    rows = conn.execute("SELECT id, doc FROM terms WHERE measure_id = %s ORDER BY id", [measure_id]).fetchall()
    return [(row_id, doc) for row_id, doc in rows]


def _add_terms(conn: Connection, measure_id: str, entry: TermsEntry) -> None:
    doc = terms_entry_doc(measure_id, entry)
    conn.execute("INSERT INTO terms (measure_id, start, doc) VALUES (%s, %s, %s)", [measure_id, doc["start"], Jsonb(doc)])


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The register as read at one `store_versions` version."""

    version: int
    measures: tuple[tuple[Measure, bool], ...]  # by id, with whether it is retired
    book: TermsBook
    current: dict[str, Measure]  # measures in force (not retired), by id
    targets: dict[tuple[str, Period], float]  # per-period targets (only `apply` changes them)

    @classmethod
    def read(cls, conn: Connection, version: int) -> _Loaded:
        rows = conn.execute("SELECT doc, retired FROM measures ORDER BY measure_id").fetchall()
        terms = conn.execute("SELECT id, doc FROM terms ORDER BY id").fetchall()
        targets = conn.execute("SELECT measure_id, period, target FROM targets").fetchall()
        measures = tuple((Measure.from_doc(doc), retired) for doc, retired in rows)
        return cls(version, measures, terms_book_of({str(row_id): doc for row_id, doc in terms}),
                   {m.measure_id: m for m, retired in measures if not retired},
                   {(m, Period.parse(p)): t for m, p, t in targets})  # fmt: skip


class Register:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock
        self._loaded: _Loaded | None = None

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within the block, this thread reads the register as it was at the block's first read:
        one version check for the whole block, not one per read.

        Why a scope and not a time-to-live: a block that starts after another process changed the
        register checks the version at its first read, so it never sees the register as it was
        before the change; a change made while the block runs is seen by the next block, as if
        the block had run a moment earlier. A rating (`perfbot.rating.rate_in_context`) is one
        such block. Nested blocks share the outermost one; `apply` in a block unpins it."""
        if _PINNED.get() is not None:
            yield
            return
        token = _PINNED.set({})
        try:
            yield
        finally:
            _PINNED.reset(token)

    def _current(self) -> _Loaded:
        """The register, re-read only when its version moved (a submission's hot path reads it
        several times: one small query instead of every measure and term), and not checked
        again within a `pinned` block."""
        pins = _PINNED.get()
        if pins is not None and self in pins:
            return pins[self]
        loaded = self._checked()
        if pins is not None:
            pins[self] = loaded
        return loaded

    def _checked(self) -> _Loaded:
        """The register at its current version (one small query when it has not moved)."""
        version = self._db.versions()["register"]
        loaded = self._loaded
        if loaded is not None and loaded.version == version:
            return loaded
        with self._db.reading() as conn:
            fresh = _Loaded.read(conn, version)
        if not self._db.in_transaction():  # what a transaction reads may yet roll back
            self._loaded = fresh
        return fresh

    def measures(self, *, include_retired: bool = False) -> list[Measure]:
        return [m for m, retired in self._current().measures if include_retired or not retired]

    def measure(self, measure_id: str) -> Measure | None:
        return self._current().current.get(measure_id)

    def targets(self) -> list[TargetOverride]:
        return targets_of(self.target_overrides())

    def starts(self) -> dict[str, Period]:
        return starts_of(self.terms_book(), self.measures())

    def target_overrides(self) -> dict[tuple[str, Period], float]:
        return dict(self._current().targets)

    def target_override(self, measure_id: str, period: Period) -> float | None:
        return self._current().targets.get((measure_id, period))

    def terms_book(self) -> TermsBook:
        return self._current().book

    def timeline(self, measure: Measure) -> Timeline:
        return self.terms_book().timeline(measure)

    def in_force(self, measure: Measure, period: Period) -> Measure:
        return self.terms_book().measure_for(measure, period)

    def apply(
        self,
        measures: list[Measure],
        targets: list[TargetOverride] | None,
        *,
        actor: str,
        starts: Mapping[str, Period] | None = None,
    ) -> RegisterChanges:
        """Upsert the whole register in one transaction; absent measures are retired (see the
        TinyDB backend's `Register.apply` for how changed terms are dated)."""
        now = self._clock.now()
        default_start = Period(Period.containing(now.date()).year, 1)
        added, updated, unchanged, moved = [], [], [], []
        with self._db.transaction() as conn:
            lock(conn, "register")
            existing = {doc["measure_id"]: doc | {"retired": retired}
                        for doc, retired in conn.execute("SELECT doc, retired FROM measures").fetchall()}  # fmt: skip
            for measure in measures:
                new_doc = measure.to_doc() | {"retired": False}
                old_doc = existing.get(measure.measure_id)
                start = (starts or {}).get(measure.measure_id)
                change = self._record_terms(conn, measure, old_doc, start or default_start,
                                            explicit=start is not None, actor=actor, at=now.isoformat())  # fmt: skip
                if change:
                    moved.append(change)
                if old_doc is not None and not old_doc.get("retired") and Measure.from_doc(dict(old_doc)) == measure:
                    unchanged.append(measure.measure_id)
                    continue
                conn.execute("INSERT INTO measures (measure_id, retired, doc) VALUES (%s, false, %s) "
                             "ON CONFLICT (measure_id) DO UPDATE SET retired = false, doc = excluded.doc",
                             [measure.measure_id, Jsonb(new_doc)])  # fmt: skip
                (added if old_doc is None else updated).append(measure.measure_id)
                audit.record(conn, at=now, actor=actor, subject=f"measure {measure.measure_id}",
                             action="measure.added" if old_doc is None else "measure.updated",
                             before=old_doc, after=new_doc)  # fmt: skip
            retired = self._retire_absent(conn, existing, {m.measure_id for m in measures}, actor=actor)
            if targets is not None:  # None: the file could not hold them (CSV)
                self._replace_targets(conn, targets, actor=actor)
            count = conn.execute("SELECT count(*) FROM targets").fetchone()[0]
            conn.execute("UPDATE store_versions SET version = version + 1 WHERE name = 'register'")
        pins = _PINNED.get()
        if pins is not None:  # what this block pinned is now out of date
            pins.pop(self, None)
        return RegisterChanges(tuple(added), tuple(updated), tuple(unchanged), tuple(retired), count, tuple(moved))

    def _record_terms(
        self, conn: Connection, measure: Measure, old: dict[str, Any] | None, start: Period, *,
        explicit: bool, actor: str, at: str,
    ) -> str | None:  # fmt: skip
        """Add a terms entry when the terms change; say what changed and from when."""
        new = Terms.of(measure)
        found = _terms_docs(conn, measure.measure_id)
        if old is None:
            if not found:
                _add_terms(conn, measure.measure_id, TermsEntry(None, new, at, actor))
            return None
        if not found:  # recorded before terms were dated: what it had applies to every quarter so far
            _add_terms(conn, measure.measure_id, TermsEntry(None, Terms.of(Measure.from_doc(dict(old))), old.get("at", ""), ""))
            found = _terms_docs(conn, measure.measure_id)
        latest = timeline_of([doc for _, doc in found]).latest
        if new == latest.terms:
            if explicit and latest.start is not None and latest.start != start:
                ids = [row_id for row_id, doc in found if doc.get("start") == str(latest.start)]
                conn.execute("UPDATE terms SET start = %s, doc = doc || %s WHERE id = ANY(%s)",
                             [str(start), Jsonb({"start": str(start), "at": at, "by": actor}), ids])  # fmt: skip
                return f"{measure.measure_id} terms now apply from {start} (not {latest.start})"
            return None
        before = timeline_of([doc for _, doc in found]).in_force(start.previous())
        superseded = [row_id for row_id, doc in found if doc.get("start") and Period.parse(doc["start"]) >= start]
        if superseded:
            conn.execute("DELETE FROM terms WHERE id = ANY(%s)", [superseded])
        _add_terms(conn, measure.measure_id, TermsEntry(start, new, at, actor))
        keep = f"; earlier quarters keep {before.target:g}" if before.target is not None else ""
        return f"{measure.measure_id} {', '.join(new.changes_from(before))} from {start}{keep}"

    def _retire_absent(self, conn: Connection, existing: dict[str, Any], kept: set[str], *, actor: str) -> list[str]:
        now = self._clock.now()
        retired = []
        for measure_id, doc in sorted(existing.items()):
            if measure_id in kept or doc.get("retired"):
                continue
            conn.execute("UPDATE measures SET retired = true, doc = doc || '{\"retired\": true}' WHERE measure_id = %s",
                         [measure_id])  # fmt: skip
            audit.record(conn, at=now, actor=actor, action="measure.retired", subject=f"measure {measure_id}",
                         before=doc, after=None)  # fmt: skip
            retired.append(measure_id)
        return retired

    def _replace_targets(self, conn: Connection, targets: list[TargetOverride], *, actor: str) -> None:
        before = {(m, p): t for m, p, t in conn.execute("SELECT measure_id, period, target FROM targets").fetchall()}
        after = {(t.measure_id, str(t.period)): t.target for t in targets}
        if before == after:
            return
        conn.execute("DELETE FROM targets")
        with conn.cursor() as cursor:
            cursor.executemany("INSERT INTO targets (measure_id, period, target) VALUES (%s, %s, %s)",
                               [(m, p, t) for (m, p), t in sorted(after.items())])  # fmt: skip
        audit.record(conn, at=self._clock.now(), actor=actor, action="targets.replaced", subject="period targets",
                     before={"count": len(before)}, after={"count": len(after)})  # fmt: skip
