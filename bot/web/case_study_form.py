"""The case-study form's fields and checks, shared by submission and the officer's edit."""

from __future__ import annotations

from dataclasses import dataclass

from bot.web.forms import Errors, PostedForm
from perfbot.store import Store

LIMITS = {"title": 120, "what_happened": 3000, "impact": 3000}
TEXT_FIELDS = ("title", "theme", "service", "what_happened", "impact")


@dataclass(frozen=True)
class Choices:
    """The register's themes and services, for the two selects."""

    themes: list[str]
    services: list[str]

    @classmethod
    def of(cls, store: Store) -> Choices:
        measures = store.register.measures()
        return cls(sorted({m.theme for m in measures}), sorted({m.service for m in measures}))


def read_fields(form: PostedForm, choices: Choices, errors: Errors, *, with_consent: bool) -> dict[str, str]:
    """The text fields as typed (kept for re-display), adding an error for each problem."""
    values = {name: form.text(name, limit=LIMITS.get(name, 200)) for name in TEXT_FIELDS}
    values["consent"] = form.choice("consent", ("yes", "no")) or ""
    if not values["title"]:
        errors.add("title", "Enter a title for the case study")
    if values["theme"] not in choices.themes:
        errors.add("theme", "Select the Corporate Plan theme it belongs to")
    if values["service"] not in choices.services:
        errors.add("service", "Select the service")
    if not values["what_happened"]:
        errors.add("what_happened", "Describe what happened")
    if not values["impact"]:
        errors.add("impact", "Describe the difference it made")
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors.add(name, f"Keep this to {limit} characters or fewer")
    if with_consent and not values["consent"]:
        errors.add("consent", "Select yes if the council may publish this case study")
    return values
