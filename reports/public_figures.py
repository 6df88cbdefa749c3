"""What the public performance page shows: the measures the register marks public, in the
quarters whose round is closed, exactly as published — never live figures, never a correction
that has not been published, never who submitted or published them.

A quarter's figures are its latest edition (a reopened and closed round publishes a new one);
where a figure differs from the first edition it is shown as a revision, with both dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from perfbot.formatting import format_value
from perfbot.model import Measure, RoundState
from perfbot.periods import Period
from perfbot.store import Publication, Store
from reports.trends import Point, published_point

_ADDRESS = re.compile(r"[^@\s<>()\[\]]+@[^@\s<>()\[\]]+\.[A-Za-z]{2,}")
ADDRESS_REMOVED = "[e-mail address removed]"


@dataclass(frozen=True, slots=True)
class PublicQuarter:
    period: Period
    published_on: date  # the latest edition's date
    first_published_on: date


@dataclass(frozen=True, slots=True)
class PublicFigure:
    """One public measure in one published quarter."""

    measure: Measure
    period: Period
    value: Any  # a number, text, or None when no figure was published
    target: float | None
    rag: str
    ytd: float | None
    dot_previous: str
    commentary: str
    action: str
    published_on: date
    revision: str | None  # "Revised on 3 March 2026: first published on … as 82%."
    submitted_at: str | None = None  # ISO 8601, when the service sent the figure

    @property
    def rated_figure(self) -> Any:  # noqa: ANN401
        """What the status was worked out on: the year to date for cumulative measures."""
        return self.ytd if self.ytd is not None else self.value


def without_addresses(text: str) -> str:
    """Commentary for the public: any e-mail address typed into it taken out."""
    return _ADDRESS.sub(ADDRESS_REMOVED, text or "")


def _day(iso: str) -> date:
    return datetime.fromisoformat(iso).date()


def public_measures(store: Store) -> list[Measure]:
    """The register's measures marked public, by theme, service and id."""
    return sorted((m for m in store.register.measures() if m.public),
                  key=lambda m: (m.theme, m.service, m.measure_id))  # fmt: skip


def _editions(store: Store) -> dict[Period, list[Publication]]:
    """Each closed round's published editions, newest quarter first."""
    closed = sorted((r.period for r in store.rounds.all() if r.state is RoundState.CLOSED), reverse=True)
    found = {p: store.publications.editions(p) for p in closed}
    return {p: editions for p, editions in found.items() if editions}


def public_quarters(store: Store) -> list[PublicQuarter]:
    """The quarters the public may see (closed and published), newest first."""
    return [PublicQuarter(p, _day(e[-1].at), _day(e[0].at)) for p, e in _editions(store).items()]


def public_figures(store: Store) -> dict[str, list[PublicFigure]]:
    """Every public measure's published quarters, oldest first, by measure id."""
    editions = _editions(store)
    figures: dict[str, list[PublicFigure]] = {}
    for measure in public_measures(store):
        for period in sorted(editions):
            row = editions[period][-1].rows.get(measure.measure_id)
            if row is not None:
                figures.setdefault(measure.measure_id, []).append(_figure(measure, period, editions[period]))
    return figures


def _figure(measure: Measure, period: Period, editions: list[Publication]) -> PublicFigure:
    latest = editions[-1]
    row = latest.rows[measure.measure_id]
    return PublicFigure(
        measure=measure, period=period, value=row.get("value"), target=row.get("target"),
        rag=row.get("rag") or "missing", ytd=row.get("ytd"), dot_previous=row.get("dot_previous") or "n/a",
        commentary=without_addresses(row.get("commentary") or ""),
        action=without_addresses(row.get("action") or ""), published_on=_day(latest.at),
        revision=_revision(measure, editions), submitted_at=row.get("submitted_at"),
    )  # fmt: skip


def _revision(measure: Measure, editions: list[Publication]) -> str | None:
    """How the figure changed since it was first published, if it did."""
    first = next((e for e in editions if measure.measure_id in e.rows), None)
    latest = editions[-1]
    if first is None or first is latest:
        return None
    was, now = first.rows[measure.measure_id], latest.rows[measure.measure_id]
    if (was.get("value"), was.get("rag")) == (now.get("value"), now.get("rag")):
        return None
    unit = measure.unit.value
    shown = format_value(was.get("value"), unit) if was.get("value") is not None else "no figure"
    return (f"Revised on {_day(latest.at):%-d %B %Y}: first published on {_day(first.at):%-d %B %Y} "
            f"as {shown}.")  # fmt: skip


def public_points(figures: dict[str, list[PublicFigure]]) -> list[Point]:
    """The open data of the public page: every public measure in every published quarter."""
    return [published_point(f.measure, f.period, {
        "value": f.value, "target": f.target, "rag": f.rag, "ytd": f.ytd, "commentary": f.commentary,
        "action": f.action, "submitted_at": f.submitted_at,
    }) for mine in figures.values() for f in mine]  # fmt: skip
