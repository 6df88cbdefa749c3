"""People's deputies and absences by e-mail (the primary key), audited."""

from __future__ import annotations

from psycopg.types.json import Jsonb

from perfbot.clock import Clock
from perfbot.people import Absence, Person, normalise_email
from perfbot.store.pg import audit
from perfbot.store.pg.db import Database, lock

_KEEP = object()  # "leave this setting as it is"


class People:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def get(self, email: str) -> Person | None:
        with self._db.reading() as conn:
            row = conn.execute("SELECT doc FROM people WHERE email = %s", [email.strip().lower()]).fetchone()
        return Person.from_doc(row[0]) if row else None

    def all(self) -> dict[str, Person]:
        with self._db.reading() as conn:
            rows = conn.execute("SELECT doc FROM people ORDER BY email").fetchall()
        return {p.email: p for p in (Person.from_doc(doc) for (doc,) in rows)}

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
        with self._db.transaction() as conn:
            lock(conn, "person", email)
            row = conn.execute("SELECT doc FROM people WHERE email = %s", [email]).fetchone()
            current = Person.from_doc(row[0]) if row else Person(email)
            new_deputy = current.deputy if deputy is _KEEP else deputy
            if isinstance(new_deputy, str):
                new_deputy = normalise_email(new_deputy, what="deputy")
            kept = () if clear_absences else current.absences
            updated = Person(email, new_deputy, tuple(sorted(set(kept) | set(add_absences))))  # type: ignore[arg-type]
            if updated == current:
                return current
            conn.execute("INSERT INTO people (email, doc) VALUES (%s, %s) "
                         "ON CONFLICT (email) DO UPDATE SET doc = excluded.doc", [email, Jsonb(updated.to_doc())])
            audit.record(conn, at=self._clock.now(), actor=actor, action="person.updated",
                         subject=f"person {email}", before=current.to_doc(), after=updated.to_doc())  # fmt: skip
        return updated
