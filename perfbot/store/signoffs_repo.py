"""Each service's sign-off in each round, kept in the round's quarter file (with its returns)."""

from __future__ import annotations

from perfbot.clock import Clock
from perfbot.periods import Period
from perfbot.sign_off import ServiceSignOff
from perfbot.store import audit
from perfbot.store.files import FileSet

TABLE = "sign_offs"


class SignOffs:
    def __init__(self, files: FileSet, clock: Clock) -> None:
        self._files = files
        self._clock = clock

    def get(self, period: Period, service: str) -> ServiceSignOff | None:
        return next((s for s in self.for_period(period) if s.service == service), None)

    def for_period(self, period: Period) -> list[ServiceSignOff]:
        """Every service's sign-off in the round, by service name."""
        if period not in set(self._files.periods()):
            return []
        docs = self._files.period(period).table(TABLE).all()
        return sorted((ServiceSignOff.from_doc(d) for d in docs), key=lambda s: s.service)

    def put(self, sign_off: ServiceSignOff, *, actor: str, what: str) -> ServiceSignOff:
        """Store `sign_off` (replacing the service's earlier state), audited as `what`
        ("sign_off.requested", "sign_off.approved", …); durable on return."""
        file = self._files.period(sign_off.period)
        with file.transaction():
            table = file.table(TABLE)
            before = next((d for d in table.all() if d["service"] == sign_off.service), None)
            if before is None:
                table.insert(sign_off.to_doc())
            else:
                table.update(sign_off.to_doc(), doc_ids=[before.doc_id])
            last = sign_off.last_decision
            audit.record(file.table("audit"), at=self._clock.now(), actor=actor, action=what,
                         subject=f"sign-off {sign_off.service} {sign_off.period}",
                         before={"state": before["state"]} if before else None,
                         after={"state": sign_off.state.value, "covers": dict(sign_off.covers),
                                "reason": last.reason if last and what != "sign_off.requested" else ""})  # fmt: skip
        return sign_off
