"""The measure register: measures, per-period targets and the history of target changes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from perfbot.clock import Clock
from perfbot.model import Measure, TargetOverride
from perfbot.periods import Period
from perfbot.store import audit
from perfbot.store.files import FileSet


@dataclass(frozen=True, slots=True)
class RegisterChanges:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    retired: tuple[str, ...]
    targets_set: int


class Register:
    """Measures keyed by `measure_id`; retired measures are kept for history, not deleted."""

    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def measures(self, *, include_retired: bool = False) -> list[Measure]:
        everything = self._files.core.table("measures").derived("measures by id", _measures_by_id)
        return [m for m, retired in everything if include_retired or not retired]

    def measure(self, measure_id: str) -> Measure | None:
        doc = self._files.core.table("measures").find_one("measure_id", measure_id)
        return Measure.from_doc(doc) if doc and not doc.get("retired") else None

    def target_overrides(self) -> dict[tuple[str, Period], float]:
        docs = self._files.core.table("targets").all()
        return {(d["measure_id"], Period.parse(d["period"])): d["target"] for d in docs}

    def target_override(self, measure_id: str, period: Period) -> float | None:
        """The register's per-period target for a measure, None when it gives none."""
        wanted = str(period)
        docs = self._files.core.table("targets").find("measure_id", measure_id)
        return next((d["target"] for d in docs if d.get("period") == wanted), None)

    def target_history(self, measure_id: str) -> list[dict[str, Any]]:
        docs = self._files.core.table("target_history").find("measure_id", measure_id)
        return sorted(docs, key=lambda d: d["at"])

    def apply(
        self, measures: list[Measure], targets: list[TargetOverride], *, actor: str
    ) -> RegisterChanges:
        """Upsert the whole register in one transaction; absent measures are retired."""
        now = self._clock.now()
        added, updated, unchanged = [], [], []
        with self._files.core.transaction():
            table = self._files.core.table("measures")
            audit_table = self._files.core.table("audit")
            existing = {d["measure_id"]: d for d in table.all()}
            for measure in measures:
                new_doc = measure.to_doc() | {"retired": False}
                old_doc = existing.get(measure.measure_id)
                if old_doc is None:
                    table.insert(new_doc)
                    added.append(measure.measure_id)
                elif {k: old_doc.get(k) for k in new_doc} != new_doc:
                    table.update(new_doc, doc_ids=[old_doc.doc_id])
                    updated.append(measure.measure_id)
                else:
                    unchanged.append(measure.measure_id)
                    continue
                self._note_target(measure, old_doc, actor=actor, at=now.isoformat())
                audit.record(
                    audit_table, at=now, actor=actor, subject=f"measure {measure.measure_id}",
                    action="measure.added" if old_doc is None else "measure.updated",
                    before=_plain(old_doc), after=new_doc,
                )
            retired = self._retire_absent(existing, {m.measure_id for m in measures}, actor=actor)
            self._replace_targets(targets, actor=actor)
        return RegisterChanges(
            tuple(added), tuple(updated), tuple(unchanged), tuple(retired), len(targets)
        )

    def _note_target(self, measure: Measure, old: dict[str, Any] | None, *, actor: str, at: str) -> None:
        if old is not None and old.get("target") == measure.target:
            return
        self._files.core.table("target_history").insert(
            {
                "measure_id": measure.measure_id,
                "previous": old.get("target") if old else None,
                "target": measure.target,
                "at": at,
                "by": actor,
            }
        )

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
