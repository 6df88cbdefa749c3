"""A case study sent from the Teams card: checked, then `store.case_studies.add`."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from bot.teams.cards import FormState
from perfbot.model import CaseStudy, RoundState
from perfbot.periods import Period

if TYPE_CHECKING:
    from perfbot.app import App

LIMITS = {"title": 120, "what_happened": 3000, "impact": 3000}
FIELDS = ("title", "theme", "service", "what_happened", "impact", "consent")


def choices(app: App) -> tuple[list[str], list[str]]:
    """The register's themes and services."""
    measures = app.store.register.measures()
    return sorted({m.theme for m in measures}), sorted({m.service for m in measures})


def check(values: dict[str, str], themes: list[str], services: list[str]) -> dict[str, str]:
    """Errors by field, in the words of the web form."""
    errors: dict[str, str] = {}
    required = {"title": "Enter a title for the case study", "what_happened": "Describe what happened",
                "impact": "Describe the difference it made"}  # fmt: skip
    for name, message in required.items():
        if not values.get(name):
            errors[name] = message
    if values.get("theme") not in themes:
        errors["theme"] = "Select the Corporate Plan theme it belongs to"
    if values.get("service") not in services:
        errors["service"] = "Select the service"
    if values.get("consent") not in ("yes", "no"):
        errors["consent"] = "Select yes if the council may publish this case study"
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            errors.setdefault(name, f"Keep this to {limit} characters or fewer")
    return errors


def submit(app: App, *, email: str, data: dict[str, Any], delivery: str,
           channel: str = "teams") -> tuple[FormState | None, CaseStudy | None]:  # fmt: skip
    """Store the case study (a retry of the same `delivery` is stored once), or the errors."""
    values = {name: str(data.get(name) or "").strip() for name in FIELDS}
    themes, services = choices(app)
    errors = check(values, themes, services)
    if errors:
        return FormState(values, errors), None
    study = CaseStudy(
        case_id=f"{channel}-{hashlib.sha256(delivery.encode()).hexdigest()[:16]}", title=values["title"], theme=values["theme"],
        service=values["service"], what_happened=values["what_happened"], impact=values["impact"],
        consent_to_publish=values["consent"] == "yes", submitted_by=email,
        submitted_at=app.store.clock.now(), period=current_period(app), channel=channel,
    )  # fmt: skip
    saved, _ = app.store.case_studies.add(study)
    return None, saved


def current_period(app: App) -> Period:
    """The open round's quarter, else the last quarter that has ended."""
    open_rounds = [r.period for r in app.store.rounds.all() if r.state is RoundState.OPEN]
    return open_rounds[-1] if open_rounds else Period.containing(app.store.clock.now().date()).previous()
