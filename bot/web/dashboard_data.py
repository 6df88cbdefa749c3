"""The dashboard's view of a quarter: RAG by theme → service → measure, and which quarters a
person may see (members see published quarters only: those whose round is closed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from perfbot.digest import RAG_ORDER
from perfbot.model import RoundState
from perfbot.periods import Period
from perfbot.store import Store
from reports.analysis import Analysis


@dataclass
class Group:
    """A theme or a service: its RAG counts and what is inside it."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)
    services: list[Group] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)

    def ordered_counts(self) -> list[tuple[str, int]]:
        return [(rag, self.counts[rag]) for rag in RAG_ORDER if self.counts[rag]]


def tree(analysis: Analysis) -> list[Group]:
    """Themes, each with its services, each with its measures (rows of the analysis frame)."""
    frame = analysis.frame.astype(object).where(analysis.frame.notna(), None)
    themes: dict[str, Group] = {}
    services: dict[tuple[str, str], Group] = {}
    for row in frame.sort_values(["theme", "service", "measure_id"]).to_dict(orient="records"):
        theme = themes.setdefault(row["theme"], Group(row["theme"]))
        key = (row["theme"], row["service"])
        if key not in services:
            services[key] = Group(row["service"])
            theme.services.append(services[key])
        services[key].rows.append(row)
        services[key].counts[row["rag"]] += 1
        theme.counts[row["rag"]] += 1
    return list(themes.values())


def visible_periods(store: Store, *, published_only: bool) -> list[Period]:
    """Quarters with returns or a round, newest first; only closed rounds' when `published_only`."""
    rounds = {r.period: r for r in store.rounds.all()}
    periods = set(store.returns.periods()) | set(rounds)
    if published_only:
        periods = {p for p in periods if p not in rounds or rounds[p].state is RoundState.CLOSED}
    return sorted(periods, reverse=True)
