"""Sign-off: a service's figures approved by its head of service before they count.

**The rule** (when `[cycle] sign_off = true`). As soon as every return a service owes in a round
is in, its figures go to the service's head of service — or their deputy — to approve or send
back with a reason. An approval covers the returns as they were (each measure's revision): a
later revision lapses it and the figures go back for approval. Sent back, the owners are told why
and the figures await approval again once revised. A performance officer may decide on the
head's behalf, with a reason. Until approved, a service's figures are **provisional** in the CMT
digest and the reports. Every request and decision is kept with who, when and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from perfbot.periods import Period

MAX_REASON = 2_000


class SignOffState(StrEnum):
    AWAITING = "awaiting approval"
    APPROVED = "approved"
    SENT_BACK = "sent back"


class SignOffError(ValueError):
    """A decision that cannot be made, said so the person can put it right."""


@dataclass(frozen=True, slots=True)
class Decision:
    at: datetime
    by: str
    state: SignOffState  # APPROVED or SENT_BACK
    reason: str = ""
    on_behalf_of: str = ""  # the head of service an officer decided for

    def to_doc(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "by": self.by, "state": self.state.value,
                "reason": self.reason, "on_behalf_of": self.on_behalf_of}  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Decision:
        return cls(datetime.fromisoformat(doc["at"]), doc["by"], SignOffState(doc["state"]),
                   doc.get("reason", ""), doc.get("on_behalf_of", ""))  # fmt: skip


@dataclass(frozen=True, slots=True)
class ServiceSignOff:
    """One service's sign-off in one round."""

    period: Period
    service: str
    approvers: tuple[str, ...]  # heads of service, then their deputies, at the time of asking
    covers: Mapping[str, int]  # measure id → the revision the approval is (or was) asked for
    state: SignOffState
    requested_at: datetime
    decisions: tuple[Decision, ...] = ()

    @property
    def last_decision(self) -> Decision | None:
        return self.decisions[-1] if self.decisions else None

    def covers_now(self, revisions: Mapping[str, int]) -> bool:
        """Whether the figures it was asked about are the current ones."""
        return dict(self.covers) == dict(revisions)

    def approved(self, revisions: Mapping[str, int]) -> bool:
        """Approved, and nothing revised since."""
        return self.state is SignOffState.APPROVED and self.covers_now(revisions)

    def asked_again(self, revisions: Mapping[str, int], *, at: datetime) -> ServiceSignOff:
        return replace(self, covers=dict(revisions), state=SignOffState.AWAITING, requested_at=at)

    def decided(self, decision: Decision) -> ServiceSignOff:
        return replace(self, state=decision.state, decisions=(*self.decisions, decision))

    def to_doc(self) -> dict[str, Any]:
        return {
            "period": str(self.period), "service": self.service, "approvers": list(self.approvers),
            "covers": dict(self.covers), "state": self.state.value,
            "requested_at": self.requested_at.isoformat(),
            "decisions": [d.to_doc() for d in self.decisions],
        }  # fmt: skip

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> ServiceSignOff:
        return cls(
            period=Period.parse(doc["period"]), service=doc["service"],
            approvers=tuple(doc["approvers"]), covers=dict(doc["covers"]),
            state=SignOffState(doc["state"]), requested_at=datetime.fromisoformat(doc["requested_at"]),
            decisions=tuple(Decision.from_doc(d) for d in doc.get("decisions", ())),
        )  # fmt: skip


class Need(StrEnum):
    """What a stored return means for its service's sign-off."""

    NOTHING = "nothing"  # returns still outstanding, or the figures asked about are current
    ASK = "ask"  # all in: ask for approval (for the first time, or again after a revision)
    REFRESH = "refresh"  # awaiting already: the request now covers the revised figures


def need_after_save(found: ServiceSignOff | None, revisions: Mapping[str, int], due: set[str]) -> Need:
    """What to do once a service's return is stored: `revisions` are its current returns'
    revisions by measure, `due` the measures it owes this round."""
    if not due or not due <= set(revisions):
        return Need.NOTHING
    if found is None:
        return Need.ASK
    if found.covers_now(revisions):
        return Need.NOTHING
    return Need.REFRESH if found.state is SignOffState.AWAITING else Need.ASK


def decision_for(
    found: ServiceSignOff,
    *,
    by: str,
    approve: bool,
    reason: str,
    at: datetime,
    officer: bool,
) -> Decision:
    """A head's (or an officer's) decision, checked: SignOffError with what to put right."""
    who = by.strip().lower()
    reason = reason.strip()
    if len(reason) > MAX_REASON:
        raise SignOffError(f"the reason is {len(reason):,} characters; keep it under {MAX_REASON:,}")
    is_approver = who in {a.lower() for a in found.approvers}
    if not is_approver and not officer:
        raise SignOffError(f"{by} cannot sign off {found.service}: its head of service "
                           f"({', '.join(found.approvers) or 'none named'}) or their deputy can")  # fmt: skip
    if not is_approver and not reason:
        raise SignOffError("say why you are deciding on the head of service's behalf (a reason)")
    if not approve and not reason:
        raise SignOffError("say why the figures are sent back: the owners will read it")
    state = SignOffState.APPROVED if approve else SignOffState.SENT_BACK
    if found.state is state:
        raise SignOffError(f"{found.service}'s {found.period} figures are already {state.value}")
    if found.state is SignOffState.SENT_BACK and approve:
        raise SignOffError(f"{found.service}'s {found.period} figures were sent back: they come "
                           "back for approval once revised")  # fmt: skip
    on_behalf = "" if is_approver else (found.approvers[0] if found.approvers else "")
    return Decision(at, who, state, reason, on_behalf)
