"""People: an owner's deputy and absences, and who stands in for whom on a given day."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Self

_EMAIL = re.compile(r"^[^@\s|]+@[^@\s|]+\.[^@\s|]+$")
MAX_HANDOVERS = 5  # deputy of a deputy of … ; beyond this (or a loop) the person is reached


class PersonError(ValueError):
    """A person's settings are invalid (the message is user-facing)."""


def normalise_email(text: str, *, what: str = "e-mail") -> str:
    """An e-mail address in lower case, or PersonError naming what is wrong."""
    cleaned = str(text).strip().lower()
    if not _EMAIL.match(cleaned):
        raise PersonError(f"{what} '{text}' is not an e-mail address")
    return cleaned


@dataclass(frozen=True, slots=True, order=True)
class Absence:
    """Away from `start` to `end`, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PersonError(f"absence ends ({self.end}) before it starts ({self.start})")

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


@dataclass(frozen=True, slots=True)
class Person:
    email: str
    deputy: str | None = None
    absences: tuple[Absence, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.deputy is not None and self.deputy == self.email:
            raise PersonError(f"{self.email} cannot be their own deputy")

    def away_on(self, day: date) -> bool:
        return any(a.covers(day) for a in self.absences)

    def absence_on(self, day: date) -> Absence | None:
        return next((a for a in self.absences if a.covers(day)), None)

    def to_doc(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "deputy": self.deputy,
            "absences": [[a.start.isoformat(), a.end.isoformat()] for a in self.absences],
        }

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Self:
        absences = tuple(
            Absence(date.fromisoformat(s), date.fromisoformat(e)) for s, e in doc.get("absences", [])
        )
        return cls(email=doc["email"], deputy=doc.get("deputy"), absences=absences)


def stand_in(people: Mapping[str, Person], email: str, day: date) -> str:
    """Who receives `email`'s messages on `day`: them, or the first deputy in line who is not away.

    With nobody to hand over to (no deputy, every deputy away, or a loop) the person themselves is
    reached, so nothing is silently dropped.
    """
    original = email.lower()
    current, seen = original, {original}
    while True:
        person = people.get(current)
        if person is None or not person.away_on(day):
            return current
        if person.deputy is None or person.deputy in seen or len(seen) > MAX_HANDOVERS:
            return original
        current = person.deputy
        seen.add(current)
