"""Every case study, whatever its platform, becomes one `CaseStudySubmission`, checked and stored.

`CaseStudyCollector` is the `CaseStudyIntake` port behind `perfbot.services.case_studies`, which
every channel calls. Errors are keyed by field — "title", "theme", "service", "what_happened",
"impact", "consent", "submitted_by" — and each channel puts them back on its own inputs. A repeat
of the same delivery (a double click, a retried activity, a list row seen again) has the same
`case_id`, so it is stored once.
"""

from __future__ import annotations

from collections.abc import Mapping

from perfbot.model import CaseStudy
from perfbot.services.case_study_forms import (
    LIMITS,
    TEXT_FIELDS,
    CaseStudyResult,
    CaseStudySubmission,
    Choices,
    Wording,
)  # fmt: skip
from perfbot.store import Store

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


class CaseStudyCollector:
    """Checks a case study against the register and stores it with `store.case_studies.add`."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def check(self, submission: CaseStudySubmission, choices: Choices, *,
              wording: Wording | None = None) -> dict[str, str]:  # fmt: skip
        return check(submission, choices, wording=wording)

    def check_texts(self, values: Mapping[str, str], choices: Choices, *,
                    wording: Wording | None = None) -> dict[str, str]:  # fmt: skip
        return check_texts(values, choices, wording=wording)

    def submit(self, submission: CaseStudySubmission, *, wording: Wording | None = None) -> CaseStudyResult:
        """Check and, when valid, store (durable before this returns); `submission.period` is set."""
        assert submission.period is not None, "the service gives every case study its quarter"
        errors = check(submission, Choices.of(self._store), wording=wording)
        if errors:
            return CaseStudyResult(errors=errors)
        study = CaseStudy(
            case_id=submission.case_id, **submission.texts(), consent_to_publish=bool(submission.consent),
            submitted_by=submission.submitted_by, submitted_at=self._store.clock.now(), period=submission.period,
            channel=submission.channel, attachments=submission.attachments,
        )  # fmt: skip
        saved, fresh = self._store.case_studies.add(study)
        return CaseStudyResult(study=saved, fresh=fresh)
