"""Round status: per owner what was asked, sent, returned and chased; completion per service."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from perfbot.model import Measure
from perfbot.notices import NoticeKind
from perfbot.periods import Period
from perfbot.store import OutboxStatus, Store
from reports.analysis import expected

OWNER_COLUMNS = ["owner", "service", "measures", "returned", "late", "requested", "reminders",
                 "escalated", "last_chased"]  # fmt: skip
SERVICE_COLUMNS = ["service", "expected", "returned", "completion_pct"]


def _short(moment: str | None) -> str:
    return moment[:16].replace("T", " ") if moment else ""


def owner_status(store: Store, period: Period) -> list[dict[str, Any]]:
    found = store.rounds.get(period)
    returns = store.returns.for_period(period)
    sent = [m for m in store.outbox.for_period(period) if m.status is OutboxStatus.SENT]
    by_owner: dict[str, list[Measure]] = defaultdict(list)
    for measure in store.register.measures():
        if expected(measure, period):
            by_owner[measure.owner_email].append(measure)
    rows = []
    for owner, measures in sorted(by_owner.items()):
        ids = {m.measure_id for m in measures}
        mine = [m for m in sent if ids & {x["measure_id"] for x in m.content.get("measures", [])}]
        late = [r for i, r in returns.items() if i in ids and found and r.submitted_at
                and r.submitted_at > found.deadline]  # fmt: skip
        rows.append({
            "owner": owner,
            "service": ", ".join(sorted({m.service for m in measures})),
            "measures": len(ids),
            "returned": len(ids & set(returns)),
            "late": len(late),
            "requested": _short(_last(mine, NoticeKind.REQUEST)),
            "reminders": sum(1 for m in mine if m.kind in (NoticeKind.REMINDER, NoticeKind.DEADLINE)),
            "escalated": "yes" if _last(mine, NoticeKind.ESCALATION) else "",
            "last_chased": _short(_last(mine, NoticeKind.CHASE)),
        })  # fmt: skip
    return rows


def _last(messages: list, kind: NoticeKind) -> str | None:  # noqa: ANN001 - OutboxMessage list
    times = [m.sent_at for m in messages if m.kind == kind.value and m.sent_at]
    return max(times) if times else None


def service_status(store: Store, period: Period) -> list[dict[str, Any]]:
    returns = store.returns.for_period(period)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for measure in store.register.measures():
        if expected(measure, period):
            counts[measure.service][0] += 1
            counts[measure.service][1] += measure.measure_id in returns
    return [
        {"service": s, "expected": e, "returned": r, "completion_pct": round(100 * r / e, 1)}
        for s, (e, r) in sorted(counts.items())
    ]
