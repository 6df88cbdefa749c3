"""The measure register: measures, per-period targets and the history of target changes."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from perfbot.clock import Clock
from perfbot.model import Measure, TargetOverride
from perfbot.periods import Period
from perfbot.store import audit
from perfbot.store.files import FileSet
from perfbot.store.records import (
    RegisterChanges,
    starts_of,
    targets_of,
    terms_book_of,
    terms_entry_doc,
    timeline_of,
)
from perfbot.terms import Terms, TermsBook, TermsEntry, Timeline


class Register:
    """Measures keyed by `measure_id`; retired measures are kept for history, not deleted."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def measures(self, *, include_retired: bool = False) -> list[Measure]:
        everything = self._files.core.table("measures").derived("measures by id", _measures_by_id)
        return [m for m, retired in everything if include_retired or not retired]

    def pinned(self) -> AbstractContextManager[None]:
        """Nothing to pin: this process's files are the register, always current."""
        return nullcontext()

    def measure(self, measure_id: str) -> Measure | None:
        doc = self._files.core.table("measures").find_one("measure_id", measure_id)
        return Measure.from_doc(doc) if doc and not doc.get("retired") else None

    def targets(self) -> list[TargetOverride]:
        """The per-period targets (the register's `targets` sheet)."""
        return targets_of(self.target_overrides())

    def starts(self) -> dict[str, Period]:
        """From which quarter each measure's latest terms apply (its `target_from`), where dated."""
        return starts_of(self.terms_book(), self.measures())

    def target_overrides(self) -> dict[tuple[str, Period], float]:
        docs = self._files.core.table("targets").all()
        return {(d["measure_id"], Period.parse(d["period"])): d["target"] for d in docs}

    def target_override(self, measure_id: str, period: Period) -> float | None:
        """The register's per-period target for a measure, None when it gives none."""
        wanted = str(period)
        docs = self._files.core.table("targets").find("measure_id", measure_id)
        return next((d["target"] for d in docs if d.get("period") == wanted), None)

    def terms_book(self) -> TermsBook:
        """Every measure's terms over time (what each quarter is rated against)."""
        return self._files.core.table("terms").derived("terms book", terms_book_of)

    def timeline(self, measure: Measure) -> Timeline:
        """One measure's terms over time; its register terms throughout if none are recorded."""
        return self.terms_book().timeline(measure)

    def in_force(self, measure: Measure, period: Period) -> Measure:
        """`measure` with the target, tolerance, rule and range in force for `period` (from the
        book, built once per change to the register: a submission's hot path only bisects)."""
        return self.terms_book().measure_for(measure, period)

    def apply(
        self,
        measures: list[Measure],
        targets: list[TargetOverride] | None,
        *,
        actor: str,
        starts: Mapping[str, Period] | None = None,
    ) -> RegisterChanges:
        """Upsert the whole register in one transaction; absent measures are retired.

        A measure whose terms (target, tolerance, rule, range) change keeps its old terms for
        earlier quarters: the new ones apply from `starts[measure_id]` (the register's
        `target_from`), else from Q1 of the current financial year.
        """
        now = self._clock.now()
        default_start = Period(Period.containing(now.date()).year, 1)
        added, updated, unchanged, moved = [], [], [], []
        with self._files.core.transaction():
            table = self._files.core.table("measures")
            audit_table = self._files.core.table("audit")
            existing = {d["measure_id"]: d for d in table.all()}
            for measure in measures:
                new_doc = measure.to_doc() | {"retired": False}
                old_doc = existing.get(measure.measure_id)
                start = (starts or {}).get(measure.measure_id)
                change = self._record_terms(measure, old_doc, start or default_start,
                                            explicit=start is not None, actor=actor, at=now.isoformat())  # fmt: skip
                if change:
                    moved.append(change)
                if old_doc is None:
                    table.insert(new_doc)
                    added.append(measure.measure_id)
                elif old_doc.get("retired") or Measure.from_doc(dict(old_doc)) != measure:
                    # compared as measures: a column added since (stored without it) is no change
                    table.update(new_doc, doc_ids=[old_doc.doc_id])
                    updated.append(measure.measure_id)
                else:
                    unchanged.append(measure.measure_id)
                    continue
                audit.record(
                    audit_table, at=now, actor=actor, subject=f"measure {measure.measure_id}",
                    action="measure.added" if old_doc is None else "measure.updated",
                    before=_plain(old_doc), after=new_doc,
                )
            retired = self._retire_absent(existing, {m.measure_id for m in measures}, actor=actor)
            if targets is not None:  # None: the file could not hold them (CSV)
                self._replace_targets(targets, actor=actor)
        count = len(targets) if targets is not None else len(self._files.core.table("targets").all())
        return RegisterChanges(
            tuple(added), tuple(updated), tuple(unchanged), tuple(retired), count, tuple(moved)
        )

    def _record_terms(
        self, measure: Measure, old: dict[str, Any] | None, start: Period, *,
        explicit: bool, actor: str, at: str,
    ) -> str | None:  # fmt: skip
        """Add a terms entry when the terms change; say what changed and from when."""
        table = self._files.core.table("terms")
        new = Terms.of(measure)
        if old is None:
            if not table.find("measure_id", measure.measure_id):
                table.insert(terms_entry_doc(measure.measure_id, TermsEntry(None, new, at, actor)))
            return None
        docs = table.find("measure_id", measure.measure_id)
        if not docs:  # recorded before terms were dated: what it had applies to every quarter so far
            base = TermsEntry(None, Terms.of(Measure.from_doc(dict(old))), old.get("at", ""), "")
            table.insert(terms_entry_doc(measure.measure_id, base))
            docs = table.find("measure_id", measure.measure_id)
        timeline = timeline_of(docs)
        latest = timeline.latest
        if new == latest.terms:
            if explicit and latest.start is not None and latest.start != start:
                table.update({"start": str(start), "at": at, "by": actor},
                             doc_ids=[d.doc_id for d in docs if d.get("start") == str(latest.start)])  # fmt: skip
                return f"{measure.measure_id} terms now apply from {start} (not {latest.start})"
            return None
        before = timeline.in_force(start.previous())
        superseded = [d.doc_id for d in docs if d.get("start") and Period.parse(d["start"]) >= start]
        if superseded:
            table.remove(doc_ids=superseded)
        table.insert(terms_entry_doc(measure.measure_id, TermsEntry(start, new, at, actor)))
        keep = f"; earlier quarters keep {before.target:g}" if before.target is not None else ""
        return f"{measure.measure_id} {', '.join(new.changes_from(before))} from {start}{keep}"

    def _retire_absent(self, existing: dict[str, Any], kept: set[str], *, actor: str) -> list[str]:
        now = self._clock.now()
        retired = []
        for measure_id, doc in existing.items():
            if measure_id in kept or doc.get("retired"):
                continue
            self._files.core.table("measures").update({"retired": True}, doc_ids=[doc.doc_id])
            audit.record(
                self._files.core.table("audit"), at=now, actor=actor, action="measure.retired",
                subject=f"measure {measure_id}", before=_plain(doc), after=None,
            )
            retired.append(measure_id)
        return retired

    def _replace_targets(self, targets: list[TargetOverride], *, actor: str) -> None:
        table = self._files.core.table("targets")
        before = {(d["measure_id"], d["period"]): d["target"] for d in table.all()}
        after = {(t.measure_id, str(t.period)): t.target for t in targets}
        if before == after:
            return
        table.truncate()
        table.insert_multiple(
            {"measure_id": m, "period": p, "target": t} for (m, p), t in sorted(after.items())
        )
        audit.record(
            self._files.core.table("audit"), at=self._clock.now(), actor=actor,
            action="targets.replaced", subject="period targets",
            before={"count": len(before)}, after={"count": len(after)},
        )


def _measures_by_id(docs: Mapping[str, Mapping[str, Any]]) -> list[tuple[Measure, bool]]:
    """Every measure, sorted by id, with whether it is retired."""
    ordered = sorted(docs.values(), key=lambda d: d["measure_id"])
    return [(Measure.from_doc(dict(d)), bool(d.get("retired"))) for d in ordered]


def _plain(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    return dict(doc) if doc is not None else None
