"""A case study as every channel hands it in, and what comes back: the typed input and result.

The fields are the same on the web form, the Slack modal, the Teams card, the SharePoint list and
the CLI; errors come back keyed by these field names — "title", "theme", "service",
"what_happened", "impact", "consent", "submitted_by" — and each channel puts them on its own
inputs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from perfbot.model import CaseStudy
from perfbot.periods import Period
from perfbot.store.interfaces import Store

TEXT_FIELDS = ("title", "theme", "service", "what_happened", "impact")
LIMITS = {"title": 120, "what_happened": 3000, "impact": 3000}
Wording = Mapping[str, str]  # a channel's own words for a missing answer, by field


@dataclass(frozen=True, slots=True)
class Choices:
    """The register's themes and services: the only answers accepted for those two fields."""

    themes: list[str]
    services: list[str]

    @classmethod
    def of(cls, store: Store) -> Choices:
        measures = store.register.measures()
        return cls(sorted({m.theme for m in measures}), sorted({m.service for m in measures}))


@dataclass(frozen=True, slots=True)
class CaseStudySubmission:
    title: str
    theme: str
    service: str
    what_happened: str
    impact: str
    consent: bool | None  # None: not answered
    submitted_by: str
    channel: str
    idempotency_key: str  # one delivery: a web form, a Slack view, a Teams activity, a list row
    period: Period | None = None  # None: the open round's quarter, else the last that has ended
    attachments: tuple[str, ...] = ()

    @property
    def case_id(self) -> str:
        """Stable for the delivery, so a repeat of it is not stored twice."""
        return f"{self.channel}-{hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:16]}"

    def texts(self) -> dict[str, str]:
        """The five text fields, stripped."""
        return {name: getattr(self, name).strip() for name in TEXT_FIELDS}


@dataclass(frozen=True, slots=True)
class CaseStudyResult:
    errors: dict[str, str] = field(default_factory=dict)
    study: CaseStudy | None = None
    fresh: bool = False  # False when the same delivery was stored before

    @property
    def accepted(self) -> bool:
        return self.study is not None


def consent_of(answer: str) -> bool | None:
    """A "yes"/"no" answer as a bool; anything else is no answer."""
    return {"yes": True, "no": False}.get(answer)
