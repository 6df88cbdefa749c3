"""Every case study, whatever its platform, becomes one `CaseStudySubmission`, checked and stored.

Errors are keyed by field — "title", "theme", "service", "what_happened", "impact", "consent",
"submitted_by" — and each channel puts them back on its own inputs. A repeat of the same delivery
(a double click, a retried activity, a list row seen again) has the same `case_id`, so it is
stored once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from perfbot.model import CaseStudy, RoundState
from perfbot.periods import Period
from perfbot.store import Store

TEXT_FIELDS = ("title", "theme", "service", "what_happened", "impact")
LIMITS = {"title": 120, "what_happened": 3000, "impact": 3000}
MISSING = {
    "title": "Enter a title for the case study",
    "theme": "Select the Corporate Plan theme it belongs to",
    "service": "Select the service",
    "what_happened": "Describe what happened",
    "impact": "Describe the difference it made",
    "consent": "Select yes if the council may publish this case study",
    "submitted_by": "Enter your work e-mail address",
}  # fmt: skip
TOO_LONG = "Keep this to {limit} characters or fewer"
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


def _words(wording: Wording | None) -> dict[str, str]:
    return {**MISSING, **wording} if wording is not None else dict(MISSING)


def check_texts(
    values: Mapping[str, str], choices: Choices, *, wording: Wording | None = None
) -> dict[str, str]:
    """Errors for the five text fields (also used when an officer edits a case study)."""
    words = _words(wording)
    allowed = {"theme": choices.themes, "service": choices.services}
    errors: dict[str, str] = {}
    for name in TEXT_FIELDS:
        value, limit = values.get(name, "").strip(), LIMITS.get(name)
        if not value or (name in allowed and value not in allowed[name]):
            errors[name] = words[name]
        elif limit is not None and len(value) > limit:
            errors[name] = TOO_LONG.format(limit=limit)
    return errors


def check(
    submission: CaseStudySubmission, choices: Choices, *, wording: Wording | None = None
) -> dict[str, str]:
    """Every problem with the submission, by field, in the order the fields are asked."""
    words = _words(wording)
    errors = check_texts(submission.texts(), choices, wording=wording)
    if submission.consent is None:
        errors["consent"] = words["consent"]
    if "@" not in submission.submitted_by:
        errors["submitted_by"] = words["submitted_by"]
    return errors


def submit(
    store: Store, submission: CaseStudySubmission, *, wording: Wording | None = None
) -> CaseStudyResult:
    """Check and, when valid, store with `store.case_studies.add` (durable before this returns)."""
    errors = check(submission, Choices.of(store), wording=wording)
    if errors:
        return CaseStudyResult(errors=errors)
    period = submission.period if submission.period is not None else current_period(store)
    study = CaseStudy(
        case_id=submission.case_id, **submission.texts(), consent_to_publish=bool(submission.consent),
        submitted_by=submission.submitted_by, submitted_at=store.clock.now(), period=period,
        channel=submission.channel, attachments=submission.attachments,
    )  # fmt: skip
    saved, fresh = store.case_studies.add(study)
    return CaseStudyResult(study=saved, fresh=fresh)


def current_period(store: Store) -> Period:
    """The open round's quarter, else the last quarter that has ended."""
    open_rounds = [r.period for r in store.rounds.all() if r.state is RoundState.OPEN]
    return open_rounds[-1] if open_rounds else Period.containing(store.clock.now().date()).previous()
