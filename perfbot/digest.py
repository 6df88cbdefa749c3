"""The CMT digest's value types: one object every channel and format renders.

`reports.digest` builds it from an analysis; renderers live with their format (`reports/render_*`)
or their platform (`bot/slack/digest_blocks.py`, `bot/teams/digest_card.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from perfbot.model import Rag

# The order RAG ratings are counted and shown in, everywhere.
RAG_ORDER = [Rag.GREEN.value, Rag.AMBER.value, Rag.RED.value, Rag.NA.value, Rag.MISSING.value]


@dataclass(frozen=True, slots=True)
class ExceptionItem:
    measure_id: str
    title: str
    theme: str
    service: str
    owner: str
    rag: str
    value: float | str | None
    target: float | None
    reasons: tuple[str, ...]
    commentary: str = ""
    action: str = ""
    unit: str = "number"
    ytd: float | None = None  # cumulative measures are rated on the year to date
    dot_previous: str = "n/a"  # direction of travel since last quarter
    dot_last_year: str = "n/a"  # and since the same quarter last year


@dataclass(frozen=True, slots=True)
class Digest:
    council: str
    period: str
    generated_at: datetime
    expected: int
    returned: int
    on_time: int
    rag_by_theme: dict[str, dict[str, int]]
    exceptions: tuple[ExceptionItem, ...]
    completeness_by_service: dict[str, tuple[int, int]] = field(default_factory=dict)
    rag_by_service: dict[str, dict[str, int]] = field(default_factory=dict)
    on_time_by_service: dict[str, int] = field(default_factory=dict)
    # service → quarter ("2025/26 Q3") → % of returns on time; the last four quarters, oldest first
    timeliness: dict[str, dict[str, float | None]] = field(default_factory=dict)
    # services whose figures are not signed off by their head of service yet ([cycle] sign_off)
    provisional: tuple[str, ...] = ()

    @property
    def rag_totals(self) -> dict[str, int]:
        return {rag: sum(t.get(rag, 0) for t in self.rag_by_theme.values()) for rag in RAG_ORDER}
