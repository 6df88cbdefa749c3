"""The case-study form's fields, shared by submission and the officer's edit: read as typed, then
checked by the case-study service (`Services.case_studies`), whose errors go back on the fields of
the same names."""

from __future__ import annotations

from bot.web.forms import Errors, PostedForm
from perfbot.periods import Period
from perfbot.services.case_studies import CaseStudies
from perfbot.services.case_study_forms import LIMITS, TEXT_FIELDS, CaseStudySubmission, consent_of

__all__ = ["add_errors", "read_fields", "submission_of", "typed"]


def typed(form: PostedForm) -> dict[str, str]:
    """The answers as typed (kept for re-display); consent is "yes", "no" or ""."""
    values = {name: form.text(name, limit=LIMITS.get(name, 200)) for name in TEXT_FIELDS}
    values["consent"] = form.choice("consent", ("yes", "no")) or ""
    return values


def submission_of(values: dict[str, str], *, author: str, period: Period, form_key: str) -> CaseStudySubmission:
    """The answers as the service takes them (the form's key makes the case id)."""
    return CaseStudySubmission(
        **{name: values[name] for name in TEXT_FIELDS}, consent=consent_of(values["consent"]),
        submitted_by=author, channel="web", idempotency_key=form_key, period=period,
    )  # fmt: skip


def add_errors(errors: Errors, found: dict[str, str]) -> None:
    for name, message in found.items():
        errors.add(name, message)


def read_fields(form: PostedForm, case_studies: CaseStudies, errors: Errors) -> dict[str, str]:
    """The text answers as typed (an officer's edit), adding an error for each problem."""
    values = typed(form)
    add_errors(errors, case_studies.check_texts(values))
    return values
