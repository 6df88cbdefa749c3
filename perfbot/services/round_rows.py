"""The rows of a round's status, as the `StatusReports` port (`schedules.status`) counts them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class OwnerProgress:
    """One owner's returns in a round, and what was sent to them (times are London, to the minute;
    "" when it never happened)."""

    owner: str
    service: str
    measures: int
    returned: int
    on_time: int
    late: int
    requested: str  # when the request went out, "… via DEPUTY" when their deputy received it
    reminders: int
    escalated: str
    chases: int
    last_chased: str
    deputy: str

    def row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ServiceCompletion:
    service: str
    expected: int
    returned: int
    on_time: int
    completion_pct: float
    sign_off: str | None = None  # with [cycle] sign_off on: returns outstanding, awaiting approval, …

    def row(self) -> dict[str, Any]:
        row = asdict(self)
        if self.sign_off is None:
            del row["sign_off"]
        return row


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A message no channel delivered and that will not be retried: followed up by hand."""

    recipient: str
    kind: str
    addressee: str  # whom it was for, when that is not the recipient (a deputy's copy)
    attempts: int
    reason: str

    def row(self) -> dict[str, Any]:
        return {"recipient": self.recipient, "kind": self.kind, "for": self.addressee,
                "attempts": self.attempts, "reason": self.reason}  # fmt: skip
