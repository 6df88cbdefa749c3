"""People's deputies and absences, kept in the core file with an audit record per change."""

from __future__ import annotations

from tinydb import Query

from perfbot.clock import Clock
from perfbot.people import Absence, Person, normalise_email
from perfbot.store import audit
from perfbot.store.files import FileSet

_KEEP = object()  # "leave this setting as it is"


class People:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def _table(self):  # noqa: ANN202 - a TinyDB table
        return self._files.core.table("people")

    def get(self, email: str) -> Person | None:
        doc = self._table().find_one("email", email.strip().lower())
        return Person.from_doc(doc) if doc else None

    def all(self) -> dict[str, Person]:
        """Everyone with a deputy or absences recorded, by e-mail."""
        people = (Person.from_doc(d) for d in self._table().all())
        return {p.email: p for p in sorted(people, key=lambda p: p.email)}

    def set(
        self,
        email: str,
        *,
        actor: str,
        deputy: str | None | object = _KEEP,
        add_absences: tuple[Absence, ...] = (),
        clear_absences: bool = False,
    ) -> Person:
        """Change a person's deputy (None removes it) and absences; unchanged settings are kept."""
        email = normalise_email(email)
        with self._files.core.transaction():
            current = self.get(email) or Person(email)
            new_deputy = current.deputy if deputy is _KEEP else deputy
            if isinstance(new_deputy, str):
                new_deputy = normalise_email(new_deputy, what="deputy")
            kept = () if clear_absences else current.absences
            absences = tuple(sorted(set(kept) | set(add_absences)))
            updated = Person(email, new_deputy, absences)  # type: ignore[arg-type]
            if updated == current:
                return current
            self._table().upsert(updated.to_doc(), Query().email == email)
            audit.record(
                self._files.core.table("audit"), at=self._clock.now(), actor=actor,
                action="person.updated", subject=f"person {email}",
                before=current.to_doc(), after=updated.to_doc(),
            )  # fmt: skip
        return updated
