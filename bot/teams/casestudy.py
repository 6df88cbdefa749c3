"""A case study sent from the Teams card: the card's answers in, the case-study service
(`Services.case_studies`) checks and stores it, and its errors go back under the card's inputs
(which have the fields' names)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.teams.cards import FormState
from perfbot.model import CaseStudy
from perfbot.services.case_study_forms import TEXT_FIELDS, CaseStudySubmission, consent_of

if TYPE_CHECKING:
    from perfbot.services import Services

FIELDS = (*TEXT_FIELDS, "consent")


def choices(app: Services) -> tuple[list[str], list[str]]:
    """The register's themes and services."""
    found = app.case_studies.choices()
    return found.themes, found.services


def submit(
    app: Services, *, email: str, data: dict[str, Any], delivery: str
) -> tuple[FormState | None, CaseStudy | None]:
    """Store the case study (a retry of the same `delivery` is stored once), or the errors."""
    values = {name: _text(data.get(name)) for name in FIELDS}
    submission = CaseStudySubmission(
        **{name: values[name] for name in TEXT_FIELDS}, consent=consent_of(values["consent"]),
        submitted_by=email, channel="teams", idempotency_key=delivery,
    )  # fmt: skip
    result = app.case_studies.submit(submission)
    if result.study is None:
        errors = dict(result.errors)
        if "submitted_by" in errors:  # the card has no input for it
            errors.setdefault("title", errors.pop("submitted_by"))
        return FormState(values, errors), None
    return None, result.study


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
