"""A closed quarter as it was published, with any later correction shown beside it.

The analysis of a closed round takes each measure's published row (figure, target, RAG, reason,
direction of travel, exceptions) and never re-rates it. When the return was corrected or withdrawn
after publication, the row says so — who, when, what and why — in `revision` and among its
exceptions, so the digest, the reports and the dashboard all show it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from perfbot.formatting import format_value
from perfbot.model import Return, RoundState
from perfbot.periods import Period
from perfbot.store import Publication, Store

FROZEN = (
    "value", "target", "rag", "rag_reason", "previous_value", "dot_previous", "last_year_value",
    "dot_last_year", "ytd", "commentary", "action", "submitted_by", "submitted_at", "returned",
    "on_time", "exceptions", "numerator", "denominator", "annual_target", "projection",
    "projection_method", "projected_rag",
)  # fmt: skip


def frozen_row(row: dict[str, Any]) -> dict[str, Any]:
    """What is kept of a live analysis row when its round closes (JSON-ready)."""
    return {"measure_id": row["measure_id"], **{k: _plain(row.get(k)) for k in FROZEN}}


def _plain(value: Any) -> Any:  # noqa: ANN401
    if isinstance(value, float) and value != value:  # NaN from pandas
        return None
    return value.item() if hasattr(value, "item") else value


def as_published(
    rows: list[dict[str, Any]], publication: Publication, store: Store, period: Period
) -> list[dict[str, Any]]:
    """`rows` (live) with each published measure's frozen figures and any revision since."""
    out = []
    for row in rows:
        frozen = publication.rows.get(row["measure_id"])
        if frozen is None:
            out.append(row | {"published": False, "revision": None})
            continue
        revision = _revision(store, row, frozen, period)
        merged = row | {k: frozen.get(k) for k in FROZEN} | {"published": True, "revision": revision}
        if revision:
            merged["exceptions"] = [*list(frozen.get("exceptions") or []), revision]
        out.append(merged)
    return out


def _revision(store: Store, live: dict[str, Any], frozen: dict[str, Any], period: Period) -> str | None:
    same = (live.get("value") == frozen.get("value") and live.get("commentary") == frozen.get("commentary")
            and bool(live.get("returned")) == bool(frozen.get("returned")))  # fmt: skip
    if same:
        return None
    current = store.returns.get(live["measure_id"], period)
    if current is None:
        gone = store.returns.withdrawal(live["measure_id"], period)
        if gone is None:
            return None
        return f"withdrawn after publication on {_day(gone['at'])} by {gone['by']}: {gone['reason']}"
    return _revised(current, live)


def _revised(current: Return, live: dict[str, Any]) -> str:
    shown = format_value(current.value, live.get("unit") or "number")
    why = f": {current.reason}" if current.reason else ""
    when = _day(current.submitted_at.isoformat()) if current.submitted_at else "a later date"
    return (f"revised after publication on {when} by {current.submitted_by} to {shown} "
            f"(would now be {live.get('rag')}){why}")  # fmt: skip


def _day(iso: str) -> str:
    return f"{datetime.fromisoformat(iso):%-d %B %Y}"


def published_rows(store: Store, periods: list[Period]) -> dict[tuple[str, Period], dict[str, Any]]:
    """The published row of every measure in each closed quarter of `periods`."""
    found: dict[tuple[str, Period], dict[str, Any]] = {}
    for period in periods:
        this = store.rounds.get(period)
        publication = store.publications.latest(period) if this and this.state is RoundState.CLOSED else None
        if publication is not None:
            found.update({(mid, period): row for mid, row in publication.rows.items()})
    return found
